"""Each POST form carries a one-time token; posted twice, it is done once (views.once)."""

import re

from django.urls import reverse
from django.utils import timezone

from approvals import dossier
from approvals.models import BulkJob, Delegation, Nomination
from approvals.roles import Role
from approvals.states import State
from tests.factories import member
from workflow.models import AuditRecord

TOKEN = re.compile(r'name="vd_form_token" value="([0-9a-f]{32})"')


def test_every_post_form_on_the_nomination_page_carries_its_own_token(login, draft):
    html = login("head").get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    forms = [f for f in html.split("<form")[1:] if 'method="post"' in f
             and "logout" not in f and "setlang" not in f]
    tokens = [TOKEN.search(f) for f in forms]
    assert forms and all(tokens)
    assert len({t.group(1) for t in tokens if t}) == len(forms)


def test_a_form_posted_twice_leads_where_the_first_post_did_and_acts_once(login, draft):
    client = login("head")
    html = client.get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    token = TOKEN.search(html.split('data-action="submit"', 1)[1]).group(1)
    url = reverse("nomination-action", args=[draft.pk, "submit"])
    first = client.post(url, {"vd_form_token": token})
    again = client.post(url, {"vd_form_token": token}, follow=True)
    assert first.status_code == 302 and again.redirect_chain[0] == (first["Location"], 302)
    assert "Thao tác này đã được thực hiện" in again.content.decode()
    assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED
    assert AuditRecord.objects.filter(nomination=draft, action="submit").count() == 1


def test_a_refused_post_keeps_no_outcome(login, nomination_in):
    submitted = nomination_in(State.SUBMITTED)
    client = login("head")
    url = reverse("nomination-action", args=[submitted.pk, "submit"])
    for _ in range(2):  # refused both times, with the page's message, not a replay
        assert client.post(url, {"vd_form_token": "a" * 32}).status_code == 409


def test_a_new_nomination_form_posted_twice_creates_one(login, org):
    client = login("staff")
    html = client.get(reverse("nomination-create")).content.decode()
    token = TOKEN.search(html).group(1)
    award = Nomination._meta.get_field("award").related_model.objects.first()
    form = {"unit": org["a"].pk, "campaign": org["campaign"].pk, "award": award.pk,
            "nominee_person": member(org["a"], "Lê Văn Cường").pk, "vd_form_token": token}
    first, again = (client.post(reverse("nomination-create"), form) for _ in range(2))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Nomination.objects.filter(nominee_name="Lê Văn Cường").count() == 1


def posted_twice(client, url, form):
    first, again = (client.post(url, form) for _ in range(2))
    assert first.status_code == again.status_code == 302, first.content[:300]
    assert again["Location"] == first["Location"]
    return first


def test_an_edit_and_a_document_removal_posted_twice_are_done_once(login, draft, people):
    client = login("staff")
    html = client.get(reverse("nomination-edit", args=[draft.pk])).content.decode()
    form = {"campaign": draft.campaign_id, "award": draft.award_id,
            "nominee_person": draft.nominee_person_id, "achievements": "Bổ sung",
            "vd_form_token": TOKEN.search(html).group(1)}
    posted_twice(client, reverse("nomination-edit", args=[draft.pk]), form)
    assert AuditRecord.objects.filter(nomination=draft, action="edit").count() == 1
    doc = dossier.document_upload(user=people["staff"], nomination_id=draft.pk, kind="khac",
                                  name="anh.png", data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    html = client.get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    remove = reverse("document-remove", args=[draft.pk, doc.pk])
    token = TOKEN.search(html.split(f'action="{remove}"', 1)[1]).group(1)
    posted_twice(client, remove, {"vd_form_token": token})
    assert AuditRecord.objects.filter(nomination=draft, action="remove_document").count() == 1


def test_a_bulk_form_posted_twice_starts_one_job(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    client = login("reviewer")
    token = TOKEN.search(client.get(reverse("inbox")).content.decode()).group(1)
    first = posted_twice(client, reverse("inbox-bulk"),
                         {"action": "claim", "ids": [n.pk], "vd_form_token": token})
    job = BulkJob.objects.get()
    assert first["Location"] == reverse("job-detail", args=[job.pk])


def test_a_delegation_lent_and_cancelled_by_forms_posted_twice_is_done_once(login, people):
    client = login("reviewer")
    token = TOKEN.search(client.get(reverse("delegations")).content.decode()).group(1)
    today = timezone.localdate().strftime("%d/%m/%Y")
    posted_twice(client, reverse("delegations"), {
        "role": Role.STANDING_REVIEWER, "unit": "", "substitute": people["director"].pk,
        "starts_on": today, "ends_on": today, "vd_form_token": token})
    made = Delegation.objects.get()
    html = client.get(reverse("delegations")).content.decode()
    cancel = reverse("delegation-cancel", args=[made.pk])
    token = TOKEN.search(html.split(f'action="{cancel}"', 1)[1]).group(1)
    posted_twice(client, cancel, {"vd_form_token": token})
    assert AuditRecord.objects.filter(action="delegation_cancel").count() == 1
