"""A form posted after the session expired: sign in again, land back on the page, told why."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.states import State
from notifications.models import Notification
from tests.factories import PASSWORD
from workflow.models import AuditRecord

EXPIRED = "Phiên đăng nhập đã hết hạn nên thao tác vừa gửi chưa được thực hiện."


def expire_sessions():
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))


def sign_in_again(client, name, back):
    return client.post(reverse("login"), {"username": name, "password": PASSWORD, "next": back})


def login_url(back):
    return f"{reverse('login')}?{urlencode({'next': back}, safe='/')}"


def detail(n):
    return reverse("nomination-detail", args=[n.pk])


def test_an_action_posted_after_expiry_leads_back_to_the_nomination_with_a_message(
    login, nomination_in
):
    n = nomination_in(State.IN_REVIEW)
    client = login("reviewer")
    records = AuditRecord.objects.count()
    expire_sessions()
    response = client.post(reverse("nomination-action", args=[n.pk, "return"]),
                           {"comment": "Bổ sung số liệu"})
    assert response.status_code == 302 and response["Location"] == login_url(detail(n))
    assert AuditRecord.objects.count() == records  # nothing was done

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-testid="session-expired"' in page.content.decode()
    signed_in = sign_in_again(client, "reviewer", detail(n))
    assert signed_in.status_code == 302 and signed_in["Location"] == detail(n)
    back = client.get(detail(n))
    assert back.status_code == 200 and EXPIRED in back.content.decode()


def test_a_claim_from_the_inbox_leads_back_to_the_inbox_tab_it_came_from(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    client = login("reviewer")
    expire_sessions()
    response = client.post(reverse("nomination-action", args=[n.pk, "claim"]),
                           {"next": "/inbox/?tab=queue"})
    assert response["Location"] == login_url("/inbox/?tab=queue")
    assert sign_in_again(client, "reviewer", "/inbox/?tab=queue")["Location"] == "/inbox/?tab=queue"
    assert EXPIRED in client.get("/inbox/?tab=queue").content.decode()
    assert n.__class__.objects.get(pk=n.pk).state == State.SUBMITTED


def test_a_bulk_form_leads_back_to_the_inbox_with_its_filters(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    client = login("reviewer")
    expire_sessions()
    response = client.post(f"{reverse('inbox-bulk')}?tab=queue&q=An",
                           {"action": "claim", "ids": [n.pk]})
    back = "/inbox/?tab=queue&q=An"
    assert response["Location"] == login_url(back)
    assert sign_in_again(client, "reviewer", back)["Location"] == back
    assert EXPIRED in client.get(back).content.decode()


@pytest.mark.parametrize("form", ["upload", "remove"])
def test_a_dossier_form_leads_back_to_the_nomination(login, draft, form):
    client = login("staff")
    kept = draft.documents.filter(removed_at__isnull=True).count()  # the factory's dossier
    pdf = SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf")
    client.post(reverse("document-upload", args=[draft.pk]), {"kind": "to_trinh", "file": pdf})
    document = draft.documents.latest("pk")  # the one just uploaded
    expire_sessions()
    if form == "upload":
        again = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n", "application/pdf")
        response = client.post(reverse("document-upload", args=[draft.pk]),
                               {"kind": "bao_cao_thanh_tich", "file": again})
    else:
        response = client.post(reverse("document-remove", args=[draft.pk, document.pk]))
    assert response["Location"] == login_url(detail(draft))
    sign_in_again(client, "staff", detail(draft))
    assert EXPIRED in client.get(detail(draft)).content.decode()
    # Neither the upload nor the removal posted after the session ended was done.
    assert draft.documents.filter(removed_at__isnull=True).count() == kept + 1


def test_marking_a_notice_read_leads_back_to_the_notification_list(login, draft, people):
    notice = Notification.objects.get(recipient=people["head"])
    client = login("head")
    expire_sessions()
    page = reverse("notifications:list")
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"next": page})
    assert response["Location"] == login_url(page)
    response = client.post(reverse("notifications:read-all"))
    assert response["Location"] == login_url(page)
    sign_in_again(client, "head", page)
    assert EXPIRED in client.get(page).content.decode()
    assert Notification.objects.get(pk=notice.pk).read_at is None


@pytest.mark.parametrize("form", ["nomination-create", "nomination-edit"])
def test_the_proposal_forms_lead_back_to_themselves(login, draft, form):
    client = login("staff")
    expire_sessions()
    page = reverse(form, args=[draft.pk] if form == "nomination-edit" else [])
    response = client.post(page, {"achievements": "Đã sửa"})
    assert response["Location"] == login_url(page)
    sign_in_again(client, "staff", page)
    assert EXPIRED in client.get(page).content.decode()
    assert draft.__class__.objects.get(pk=draft.pk).achievements == draft.achievements


def test_an_ordinary_sign_in_says_nothing_about_an_expired_session(client, people):
    response = client.get(reverse("inbox"))
    assert response["Location"] == login_url(reverse("inbox"))
    assert 'data-testid="session-expired"' not in client.get(response["Location"]).content.decode()
    sign_in_again(client, "staff", reverse("inbox"))
    assert EXPIRED not in client.get(reverse("inbox")).content.decode()


def test_a_next_to_another_site_is_not_followed_after_expiry(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    client = login("reviewer")
    expire_sessions()
    response = client.post(reverse("nomination-action", args=[n.pk, "claim"]),
                           {"next": "https://evil.example/"})
    assert response["Location"] == login_url(detail(n))


def test_the_expiry_is_explained_in_english_after_the_switch(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    client = login("reviewer")
    client.cookies["django_language"] = "en"
    expire_sessions()
    response = client.post(reverse("nomination-action", args=[n.pk, "claim"]))
    assert "Your session has expired." in client.get(response["Location"]).content.decode()
    sign_in_again(client, "reviewer", detail(n))
    assert "so what you just sent was not done" in client.get(detail(n)).content.decode()
