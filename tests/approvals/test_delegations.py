"""Ủy quyền khi vắng mặt, the services: who may lend which role, where, for which days,
and ending a delegation; every change is in the history."""

import datetime

import pytest
from django.utils import timezone

from approvals.access import load_actor
from approvals.delegations import delegation_cancel
from approvals.models import Delegation
from approvals.roles import Role
from tests.factories import delegate, person
from workflow.audit import verify_chain
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from workflow.models import AuditRecord, SecurityEvent


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def substitute(db):
    return person("thay", first_name="An", last_name="Nguyễn Văn")


def test_a_person_lends_a_role_they_hold_and_the_history_records_it(people, substitute):
    made = delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(0, 6),
                    note="Nghỉ phép năm")
    assert (made.delegator, made.substitute, made.role, made.unit) == (
        people["reviewer"], substitute, Role.STANDING_REVIEWER, None
    )
    record = AuditRecord.objects.last()
    assert (record.action, record.actor, record.comment) == (
        "delegation_create", people["reviewer"], "Nghỉ phép năm"
    )
    assert record.data == {
        "delegation": made.pk, "delegator": "reviewer", "user": "thay",
        "role": Role.STANDING_REVIEWER, "unit": None,
        "starts_on": days(0).isoformat(), "ends_on": days(6).isoformat(),
    }
    assert verify_chain().ok


def test_a_person_cannot_lend_a_role_they_do_not_hold(people, substitute):
    with pytest.raises(PermissionRefused) as refused:
        delegate(people["reviewer"], substitute, Role.DIRECTOR)
    assert "Bạn không giữ vai trò" in str(refused.value.message)
    assert not Delegation.objects.exists()
    event = SecurityEvent.objects.get()
    assert (event.actor, event.action) == (people["reviewer"], "delegation_create")


def test_a_person_lends_a_role_only_within_the_units_it_covers(org, people, substitute):
    # The head of unit A holds the role for A (and its sub-units) only.
    for unit in (org["b"], None):
        with pytest.raises(PermissionRefused):
            delegate(people["head"], substitute, Role.UNIT_HEAD, unit=unit)
    made = delegate(people["head"], substitute, Role.UNIT_HEAD, unit=org["a"])
    assert made.unit == org["a"]


def test_a_person_cannot_delegate_to_themselves(people):
    with pytest.raises(InvalidInput) as refused:
        delegate(people["reviewer"], people["reviewer"], Role.STANDING_REVIEWER)
    assert refused.value.fields == {"substitute": ["Không thể ủy quyền cho chính mình."]}


def test_a_lent_role_cannot_be_lent_again(people, substitute):
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER)
    third = person("nguoi-thu-ba")
    assert Role.STANDING_REVIEWER in load_actor(substitute).roles
    with pytest.raises(PermissionRefused):
        delegate(substitute, third, Role.STANDING_REVIEWER)


def test_the_administrators_role_is_not_lent(people, substitute):
    with pytest.raises(PermissionRefused):
        delegate(people["admin"], substitute, Role.ADMIN)


@pytest.mark.parametrize(
    "start,end,message",
    [
        (3, 1, "“Đến ngày” phải sau hoặc bằng “Từ ngày”."),
        (-5, -1, "Không ủy quyền cho những ngày đã qua."),
        (0, 400, "Ủy quyền dài tối đa 366 ngày; lâu hơn thì cần phân lại vai trò."),
    ],
)
def test_the_days_run_forward_are_not_past_and_not_too_many(people, substitute, start, end,
                                                            message):
    with pytest.raises(InvalidInput) as refused:
        delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(start, end))
    assert refused.value.fields == {"ends_on": [message]}


def test_an_overlapping_delegation_of_the_same_role_is_refused_with_whom_and_when(
    people, substitute
):
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(2, 5))
    other = person("nguoi-khac")
    with pytest.raises(InvalidInput) as refused:
        delegate(people["reviewer"], other, Role.STANDING_REVIEWER, days=(5, 9))
    assert refused.value.fields["starts_on"][0].startswith(
        f"Bạn đã ủy quyền vai trò này cho Nguyễn Văn An từ {days(2):%d/%m/%Y} đến "
        f"{days(5):%d/%m/%Y}"
    )
    assert delegate(people["reviewer"], other, Role.STANDING_REVIEWER, days=(6, 9))


def test_the_lender_cancels_and_the_history_records_it(people, substitute):
    made = delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(0, 3))
    cancelled = delegation_cancel(user=people["reviewer"], delegation_id=made.pk)
    assert cancelled.cancelled_at is not None and cancelled.cancelled_by == people["reviewer"]
    assert AuditRecord.objects.last().action == "delegation_cancel"
    with pytest.raises(Conflict):
        delegation_cancel(user=people["reviewer"], delegation_id=made.pk)
    # A cancelled delegation no longer blocks a new one for those days.
    assert delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(0, 3))


def test_only_the_lender_or_an_administrator_may_cancel(people, substitute):
    made = delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, days=(0, 3))
    for name in ("director", "manager"):
        with pytest.raises(NotFound):
            delegation_cancel(user=people[name], delegation_id=made.pk)
    with pytest.raises(NotFound):
        delegation_cancel(user=substitute, delegation_id=made.pk)
    assert delegation_cancel(user=people["admin"], delegation_id=made.pk).cancelled_by == (
        people["admin"]
    )


def test_an_ended_delegation_is_not_cancelled(people, substitute, clock):
    made = delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER)
    clock(days=1)
    with pytest.raises(Conflict):
        delegation_cancel(user=people["reviewer"], delegation_id=made.pk)


def test_a_note_with_control_characters_is_refused(people, substitute):
    with pytest.raises(InvalidInput) as refused:
        delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER, note="Nghỉ\x00phép")
    assert set(refused.value.fields) == {"note"}
    assert not Delegation.objects.exists()
