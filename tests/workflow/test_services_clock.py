"""The transition records what the deadline clock needs, in its own transaction; an edit
of the calendar or of a time limit moves the stored due dates at once; a transition in
flight and an edit of the rules never interleave."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from approvals.models import Nomination
from approvals.states import State
from tests import factories
from workflow import deadlines, services, sla
from workflow.errors import InvalidInput


def fresh(n):
    return Nomination.objects.get(pk=n.pk)


def today():
    return timezone.localdate()


def test_submitting_starts_the_appraisal_clock_and_claiming_does_not_restart_it(
    people, draft
):
    assert fresh(draft).clock_started_on == today() and fresh(draft).due_on is None
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    n = fresh(draft)
    assert (n.clock_started_on, n.clock_paused_days) == (today(), 0)
    assert n.due_on == sla.add_working_days(today(), 20)
    Nomination.objects.filter(pk=n.pk).update(clock_started_on=sla.add_working_days(today(), -4))
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    services.nomination_release(user=people["reviewer"], nomination_id=n.pk)
    assert fresh(n).clock_started_on == sla.add_working_days(today(), -4)


def test_a_return_pauses_the_appraisal_and_the_resubmission_adds_the_units_days(
    people, nomination_in
):
    n = nomination_in(State.RETURNED)
    n = fresh(n)
    assert n.returned_on == today() and n.due_on == sla.add_working_days(today(), 10)
    # The appraisal had run 6 working days, then the unit held the dossier for 3 (on any
    # day of the week: a Saturday resubmission counts the days up to Friday).
    started, returned = factories.working_days_ago(9), factories.working_days_ago(3)
    Nomination.objects.filter(pk=n.pk).update(clock_started_on=started, returned_on=returned)
    services.nomination_submit(user=people["head"], nomination_id=n.pk)
    n = fresh(n)
    assert (n.clock_started_on, n.clock_paused_days, n.returned_on) == (started, 3, None)
    assert n.unit_working_days == 3
    assert n.due_on == sla.add_working_days(started, 23)
    found = sla.deadline_of(n, today=today(), rules=sla.deadline_rules())
    assert (found.waited, found.unit_days) == (6, 3)


def test_each_later_stage_starts_its_own_clock_and_a_closed_one_has_no_due_date(
    people, nomination_in
):
    n = nomination_in(State.AWAITING_DIRECTOR)
    n = fresh(n)
    assert n.clock_started_on == today() and n.due_on == sla.add_working_days(today(), 10)
    n = services.nomination_approve(
        user=people["director"], nomination_id=n.pk, decision_number="9/QĐ",
        decision_date=today(),
    )
    assert fresh(n).state == State.APPROVED and fresh(n).due_on == sla.add_working_days(
        today(), 10
    )
    n = services.nomination_report(
        user=people["liaison"], nomination_id=n.pk, report_number="3/BC", report_date=today()
    )
    assert fresh(n).state == State.REPORTED and fresh(n).due_on is None


def test_changing_a_time_limit_moves_the_open_due_dates_at_once(people, nomination_in):
    waiting = nomination_in(State.SUBMITTED)
    voting = nomination_in(State.COUNCIL_VOTE)
    changed = deadlines.time_limit_set(code="appraisal", working_days=15, near_due_days=3)
    assert changed.working_days == 15
    assert fresh(waiting).due_on == sla.add_working_days(today(), 15)
    assert fresh(voting).due_on == sla.add_working_days(today(), 10)


def test_a_day_off_added_by_the_administrator_moves_the_due_dates_it_falls_before(
    people, nomination_in
):
    n = fresh(nomination_in(State.SUBMITTED))
    before = n.due_on
    first_working_day = sla.add_working_days(today(), 1)
    deadlines.calendar_day_set(day=first_working_day, kind="off", note="Nghỉ đột xuất")
    assert fresh(n).due_on == sla.add_working_days(before, 1)
    deadlines.calendar_day_clear(day=first_working_day)
    assert fresh(n).due_on == before


def test_a_bad_time_limit_is_refused_field_by_field_in_vietnamese(db):
    with pytest.raises(InvalidInput) as caught:
        deadlines.time_limit_set(code="appraisal", working_days=0, near_due_days=-1)
    assert caught.value.fields == {
        "working_days": ["Nhập số ngày làm việc, ít nhất là 1."],
        "near_due_days": ["Số ngày không được âm."],
    }
    with pytest.raises(InvalidInput) as caught:
        deadlines.time_limit_set(code="draft", working_days=5, near_due_days=3)
    assert list(caught.value.fields) == ["working_days"]


@pytest.mark.django_db(transaction=True)
def test_a_calendar_edit_waits_for_a_transition_in_flight_and_then_moves_its_due_date():
    """The transition holds the rules' token FOR SHARE: the edit waits for its commit, then
    recomputes the due date the transition wrote with the old calendar."""
    org = factories.make_org()
    people = factories.make_people(org)
    n = factories.new_draft(org, people)
    day_off = sla.add_working_days(today(), 1)
    inside, edited = threading.Event(), threading.Event()

    def edit():
        inside.wait(30)
        try:
            deadlines.calendar_day_set(day=day_off, kind="off")
        finally:
            edited.set()
            connection.close()

    editor = threading.Thread(target=edit)
    editor.start()

    def slow(nomination):  # runs inside the transition's transaction, after its writes
        inside.set()
        time.sleep(0.5)
        assert not edited.is_set()  # the edit is waiting for this transaction

    services.nomination_submit(user=people["head"], nomination_id=n.pk, within=slow)
    editor.join(30)
    assert edited.is_set()
    assert fresh(n).due_on == sla.add_working_days(today(), 20)
    assert not sla.deadline_rules().calendar.is_working_day(day_off)
