"""The page “Ủy quyền khi vắng mặt”: lend a role, see it, cancel it; refusals say why; the
inbox flags work held by someone away and what a substitute works for its lender."""

import datetime

from django.urls import reverse
from django.utils import timezone

from approvals.models import Delegation
from approvals.roles import Role
from approvals.states import State
from tests.factories import delegate, person


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).strftime("%d/%m/%Y")


def test_a_person_lends_a_role_on_the_page_and_sees_it_listed(login, people):
    substitute = person("nv.an", first_name="An", last_name="Nguyễn Văn")
    client = login("reviewer")
    page = client.get(reverse("delegations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ủy quyền khi vắng mặt" in html
    assert f'<option value="{Role.STANDING_REVIEWER}"' in html
    assert f'<option value="{Role.DIRECTOR}"' not in html  # only the roles she holds
    response = client.post(reverse("delegations"), {
        "role": Role.STANDING_REVIEWER, "unit": "", "substitute": substitute.pk,
        "starts_on": day(0), "ends_on": day(4), "note": "Nghỉ phép",
    })
    assert response.status_code == 302
    made = Delegation.objects.get()
    assert (made.substitute, made.unit, made.ends_on) == (
        substitute, None, timezone.localdate() + datetime.timedelta(days=4)
    )
    listed = client.get(reverse("delegations")).content.decode()
    assert "Nguyễn Văn An" in listed and "Đang có hiệu lực" in listed
    assert "data-confirm=\"Hủy ủy quyền cho Nguyễn Văn An?" in listed


def test_a_refused_delegation_says_why_in_vietnamese_and_keeps_what_was_typed(login, people):
    client = login("reviewer")
    response = client.post(reverse("delegations"), {
        "role": Role.STANDING_REVIEWER, "unit": "", "substitute": people["reviewer"].pk,
        "starts_on": day(0), "ends_on": day(2), "note": "Nghỉ phép",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Không thể ủy quyền cho chính mình." in html
    assert "Nghỉ phép</textarea>" in html
    bad_dates = client.post(reverse("delegations"), {
        "role": Role.STANDING_REVIEWER, "unit": "", "substitute": people["director"].pk,
        "starts_on": "31/02/2026", "ends_on": day(2),
    })
    assert bad_dates.status_code == 400
    assert "Nhập ngày hợp lệ theo dạng dd/mm/yyyy." in bad_dates.content.decode()
    assert not Delegation.objects.exists()


def test_the_lender_cancels_on_the_page_and_another_person_cannot(login, people):
    made = delegate(people["reviewer"], people["director"], Role.STANDING_REVIEWER, days=(0, 3))
    url = reverse("delegation-cancel", args=[made.pk])
    assert login("manager").post(url).status_code == 404
    response = login("reviewer").post(url)
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.cancelled_at is not None
    assert "Đã hủy" in login("reviewer").get(reverse("delegations")).content.decode()


def test_the_inbox_flags_work_held_by_someone_away_and_what_the_substitute_works_for_them(
    login, people, nomination_in
):
    n = nomination_in(State.IN_REVIEW)  # held by the reviewer
    substitute = person("nv.an")
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER)
    mine = login("nv.an").get(reverse("inbox"), {"tab": "mine"}).content.decode()
    assert f'data-nomination="{n.pk}"' in mine
    assert 'data-testid="holder-away"' in mine and 'data-testid="held-for-lender"' in mine
    listed = login("manager").get(reverse("nomination-list")).content.decode()
    assert 'data-testid="holder-away"' in listed and 'data-testid="held-for-lender"' not in listed
    detail = login("manager").get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'data-testid="holder-away"' in detail
    # The substitute is offered the lender's decisions on her held review.
    page = login("nv.an").get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'data-action="recommend"' in page and 'data-action="release"' in page


def test_nobody_away_nothing_flagged(login, people, nomination_in):
    nomination_in(State.IN_REVIEW)
    mine = login("reviewer").get(reverse("inbox"), {"tab": "mine"}).content.decode()
    assert 'data-testid="holder-away"' not in mine and 'data-testid="held-for-lender"' not in mine


def test_an_administrator_cancels_a_delegation_from_the_admin_through_the_service(
    client, people
):
    from workflow.models import AuditRecord

    made = delegate(people["reviewer"], people["director"], Role.STANDING_REVIEWER, days=(0, 3))
    admin = people["admin"]
    admin.is_superuser = True  # as the demo's administrator (approvals/demo.py)
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    changelist = reverse("admin:approvals_delegation_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "cancel_selected",
                                        "_selected_action": [made.pk]})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.cancelled_by == people["admin"]
    assert AuditRecord.objects.last().action == "delegation_cancel"
    assert client.get(reverse("admin:approvals_delegation_add")).status_code == 403
