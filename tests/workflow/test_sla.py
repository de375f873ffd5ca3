"""Each stage's clock, from fixed dates: due date, working days waited, status; the pause
while the dossier is back with the unit. "Today" is an argument, never a mocked clock."""

import datetime
from dataclasses import replace

import pytest

from approvals.models import Campaign, Nomination
from approvals.states import State
from workflow import deadlines, sla
from workflow.sla import Clock, Status

D = datetime.date
MON_2_MARCH = D(2026, 3, 2)  # March 2026 has no holiday: plain weeks
CAMPAIGN_DEADLINE = D(2026, 3, 20)


@pytest.fixture
def rules(db):
    """The seeded time limits: appraisal 20, returned 10, council, Director, report 10;
    near due at 3 working days left."""
    return sla.deadline_rules()


def step(clock: Clock, from_state: str, to_state: str, day: datetime.date, rules) -> Clock:
    return sla.clock_after(
        clock, from_state=from_state, to_state=to_state, day=day, calendar=rules.calendar
    )


def nomination(state: str, clock: Clock, rules, *, campaign_deadline=CAMPAIGN_DEADLINE):
    """An unsaved nomination carrying `clock`, with the due date the transition stores."""
    return Nomination(
        state=state,
        campaign=Campaign(submission_deadline=campaign_deadline),
        clock_started_on=clock.started_on,
        clock_paused_days=clock.paused_days,
        returned_on=clock.returned_on,
        unit_working_days=clock.unit_days,
        due_on=sla.due_on(clock, state, rules),
    )


def deadline(state: str, clock: Clock, rules, today: datetime.date, **kwargs):
    return sla.deadline_of(nomination(state, clock, rules, **kwargs), today=today, rules=rules)


def submitted_on(day: datetime.date, rules) -> Clock:
    return step(Clock(started_on=day - datetime.timedelta(days=7)), State.DRAFT,
                State.SUBMITTED, day, rules)


def test_a_dossier_returned_for_five_days_has_waited_as_long_as_one_never_returned(rules):
    # A: submitted Monday 2 March, claimed, returned on Thursday 5, back with the unit for
    # five working days, resubmitted Thursday 12.
    a = submitted_on(MON_2_MARCH, rules)
    a = step(a, State.SUBMITTED, State.IN_REVIEW, D(2026, 3, 3), rules)
    a = step(a, State.IN_REVIEW, State.RETURNED, D(2026, 3, 5), rules)
    a = step(a, State.RETURNED, State.SUBMITTED, D(2026, 3, 12), rules)
    # B: submitted five working days after A, never returned.
    b = submitted_on(D(2026, 3, 9), rules)
    today = D(2026, 3, 20)
    first, second = deadline(State.SUBMITTED, a, rules, today), deadline(
        State.SUBMITTED, b, rules, today
    )
    assert a.paused_days == 5 and b.paused_days == 0
    assert first.waited == second.waited == 9
    assert first.due == second.due == D(2026, 4, 6)
    assert first.status == second.status == Status.ON_TIME


def test_the_units_time_on_a_return_is_counted_on_its_own(rules):
    clock = submitted_on(MON_2_MARCH, rules)
    clock = step(clock, State.SUBMITTED, State.IN_REVIEW, MON_2_MARCH, rules)
    clock = step(clock, State.IN_REVIEW, State.RETURNED, D(2026, 3, 5), rules)
    # While returned: the item is the unit's, due 10 working days after the return, and
    # its waited days are the unit's own.
    held = deadline(State.RETURNED, clock, rules, D(2026, 3, 11))
    assert (held.due, held.waited, held.unit_days) == (D(2026, 3, 19), 4, 4)
    assert held.status == Status.ON_TIME
    late = deadline(State.RETURNED, clock, rules, D(2026, 3, 20))
    assert (late.waited, late.status) == (11, Status.OVERDUE)
    # Resubmitted: the unit's 5 days are on record, not in the appraisal's waited days.
    clock = step(clock, State.RETURNED, State.SUBMITTED, D(2026, 3, 12), rules)
    back = deadline(State.SUBMITTED, clock, rules, D(2026, 3, 12))
    assert (back.waited, back.unit_days) == (3, 5)  # 3, 4, 5 March; the unit's 6 to 12
    # A second return adds to the unit's time.
    clock = step(clock, State.SUBMITTED, State.IN_REVIEW, D(2026, 3, 13), rules)
    clock = step(clock, State.IN_REVIEW, State.RETURNED, D(2026, 3, 16), rules)
    clock = step(clock, State.RETURNED, State.SUBMITTED, D(2026, 3, 18), rules)
    assert clock.unit_days == 7 and clock.paused_days == 7


def test_a_weekend_resubmission_counts_the_units_working_days_up_to_friday(rules):
    clock = submitted_on(MON_2_MARCH, rules)
    clock = step(clock, State.SUBMITTED, State.IN_REVIEW, MON_2_MARCH, rules)
    clock = step(clock, State.IN_REVIEW, State.RETURNED, D(2026, 3, 11), rules)  # Wednesday
    # Resubmitted on Saturday 14 or Sunday 15: the unit held it Thursday and Friday.
    for weekend_day in (D(2026, 3, 14), D(2026, 3, 15)):
        back = step(clock, State.RETURNED, State.SUBMITTED, weekend_day, rules)
        assert (back.unit_days, back.paused_days) == (2, 2)
    # On Monday 16 the unit's Monday counts too.
    back = step(clock, State.RETURNED, State.SUBMITTED, D(2026, 3, 16), rules)
    assert (back.unit_days, back.paused_days) == (3, 3)


def test_claiming_and_releasing_do_not_restart_the_appraisal_clock(rules):
    clock = submitted_on(MON_2_MARCH, rules)
    for from_state, to_state, day in [
        (State.SUBMITTED, State.IN_REVIEW, D(2026, 3, 10)),
        (State.IN_REVIEW, State.SUBMITTED, D(2026, 3, 11)),
        (State.SUBMITTED, State.IN_REVIEW, D(2026, 3, 12)),
    ]:
        clock = step(clock, from_state, to_state, day, rules)
    assert clock.started_on == MON_2_MARCH
    assert deadline(State.IN_REVIEW, clock, rules, D(2026, 3, 12)).waited == 8


def test_a_dossier_returned_by_the_director_is_appraised_anew(rules):
    clock = step(submitted_on(MON_2_MARCH, rules), State.IN_REVIEW, State.AWAITING_DIRECTOR,
                 D(2026, 3, 20), rules)
    clock = step(clock, State.AWAITING_DIRECTOR, State.RETURNED, D(2026, 3, 23), rules)
    clock = step(clock, State.RETURNED, State.SUBMITTED, D(2026, 3, 25), rules)
    assert (clock.started_on, clock.paused_days, clock.unit_days) == (D(2026, 3, 25), 0, 2)
    assert deadline(State.SUBMITTED, clock, rules, D(2026, 3, 25)).due == D(2026, 4, 22)


def test_withdrawing_a_returned_dossier_closes_it_with_the_units_time_on_record(rules):
    clock = step(submitted_on(MON_2_MARCH, rules), State.IN_REVIEW, State.RETURNED,
                 D(2026, 3, 4), rules)
    clock = step(clock, State.RETURNED, State.WITHDRAWN, D(2026, 3, 6), rules)
    assert (clock.returned_on, clock.unit_days) == (None, 2)
    assert sla.due_on(clock, State.WITHDRAWN, rules) is None
    assert deadline(State.WITHDRAWN, clock, rules, D(2026, 3, 6)) is None


# Each stage, its clock started on Monday 2 March: the due date, and on three days the
# working days waited and the status (near due: at most 3 working days left).
STAGES = [
    # state, due, (on-time day, waited), (near-due day, waited), first overdue day
    (State.SUBMITTED, D(2026, 3, 30), (D(2026, 3, 24), 16), (D(2026, 3, 25), 17), D(2026, 3, 31)),
    (State.IN_REVIEW, D(2026, 3, 30), (D(2026, 3, 24), 16), (D(2026, 3, 30), 20), D(2026, 3, 31)),
    (State.COUNCIL_VOTE, D(2026, 3, 16), (D(2026, 3, 10), 6), (D(2026, 3, 11), 7), D(2026, 3, 17)),
    (State.AWAITING_DIRECTOR, D(2026, 3, 16), (D(2026, 3, 3), 1), (D(2026, 3, 16), 10),
     D(2026, 3, 17)),
    (State.APPROVED, D(2026, 3, 16), (D(2026, 3, 10), 6), (D(2026, 3, 14), 9), D(2026, 3, 21)),
    (State.RETURNED, D(2026, 3, 16), (D(2026, 3, 10), 6), (D(2026, 3, 13), 9), D(2026, 3, 17)),
    (State.DRAFT, D(2026, 3, 20), (D(2026, 3, 16), 10), (D(2026, 3, 17), 11), D(2026, 3, 21)),
]


@pytest.mark.parametrize(("state", "due", "on_time", "near", "overdue"), STAGES,
                         ids=[s[0] for s in STAGES])
def test_each_stage_is_on_time_then_near_due_then_overdue(rules, state, due, on_time, near,
                                                          overdue):
    clock = Clock(started_on=MON_2_MARCH)
    if state == State.RETURNED:
        clock = Clock(started_on=D(2026, 2, 23), returned_on=MON_2_MARCH)
    for today, waited, status in [
        (on_time[0], on_time[1], Status.ON_TIME),
        (near[0], near[1], Status.NEAR_DUE),
        (overdue, None, Status.OVERDUE),
    ]:
        found = deadline(state, clock, rules, today)
        assert found.due == due
        assert found.status == status, today
        if waited is not None:
            assert found.waited == waited, today


def test_the_near_due_threshold_is_data(rules):
    clock = Clock(started_on=MON_2_MARCH)
    assert deadline(State.COUNCIL_VOTE, clock, rules, D(2026, 3, 9)).status == Status.ON_TIME
    deadlines.time_limit_set(code="council", working_days=10, near_due_days=5)
    changed = sla.deadline_rules()
    assert deadline(State.COUNCIL_VOTE, clock, changed, D(2026, 3, 9)).status == Status.NEAR_DUE


def test_a_stage_without_a_time_limit_has_no_due_date(rules):
    deadlines.time_limit_clear(code="director")
    found = deadline(State.AWAITING_DIRECTOR, Clock(started_on=MON_2_MARCH),
                     sla.deadline_rules(), D(2026, 3, 20))
    assert (found.due, found.status, found.waited) == (None, None, 14)


def test_an_appraisal_shows_by_when_an_incomplete_dossier_goes_back(rules):
    clock = submitted_on(MON_2_MARCH, rules)
    assert deadline(State.SUBMITTED, clock, rules, MON_2_MARCH).incomplete_by == D(2026, 3, 9)
    paused = replace(clock, paused_days=2)
    assert deadline(State.SUBMITTED, paused, rules, MON_2_MARCH).incomplete_by == D(2026, 3, 11)
    assert deadline(State.COUNCIL_VOTE, clock, rules, MON_2_MARCH).incomplete_by is None


def test_a_stage_clock_across_tet_2026_skips_the_whole_holiday(rules):
    clock = submitted_on(D(2026, 2, 6), rules)
    found = deadline(State.SUBMITTED, clock, rules, D(2026, 2, 23))
    assert found.waited == 6  # 9, 10, 11, 12, 13 and 23 February
    assert found.due == D(2026, 3, 13)
