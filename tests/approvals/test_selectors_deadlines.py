"""The lists filter and sort by deadline in SQL, and agree with each item's own deadline."""

import datetime

import pytest

from approvals.access import load_actor
from approvals.models import Nomination
from approvals.selectors import inbox, nomination_list
from approvals.states import State
from workflow import deadlines, sla
from workflow.sla import Status

D = datetime.date

# state, when its clock started (a draft: when it was created), when it was returned
CLOCKS = [
    (State.DRAFT, D(2026, 2, 2), None),
    (State.SUBMITTED, D(2026, 2, 2), None),
    (State.SUBMITTED, D(2026, 3, 2), None),
    (State.IN_REVIEW, D(2026, 2, 23), None),
    (State.RETURNED, D(2026, 2, 9), D(2026, 3, 4)),
    (State.COUNCIL_VOTE, D(2026, 3, 9), None),
    (State.AWAITING_DIRECTOR, D(2026, 3, 16), None),
    (State.APPROVED, D(2026, 2, 27), None),
    (State.REJECTED, D(2026, 2, 27), None),
]


@pytest.fixture
def world(org, people, nomination_in):
    """One nomination per row of CLOCKS in unit A, their clocks set to those dates and
    their due dates computed by the refresh an edit of the rules runs."""
    made = []
    for state, started, returned in CLOCKS:
        n = nomination_in(state)
        Nomination.objects.filter(pk=n.pk).update(clock_started_on=started, returned_on=returned)
        made.append(n.pk)
    org["campaign"].submission_deadline = D(2026, 3, 13)
    org["campaign"].save()
    deadlines.due_dates_refresh()
    return load_actor(people["head"]), made


def expected(status, today):
    rules = sla.deadline_rules()
    found = sla.deadlines_of(Nomination.objects.select_related("campaign"), today=today,
                             rules=rules)
    return {pk for pk, d in found.items() if d is not None and d.status == status}


@pytest.mark.parametrize("status", [Status.ON_TIME, Status.NEAR_DUE, Status.OVERDUE])
def test_the_sql_filter_finds_exactly_the_items_whose_own_deadline_has_that_status(
    world, status
):
    actor, _made = world
    seen = set()
    day = D(2026, 2, 20)
    while day <= D(2026, 4, 30):
        rows = nomination_list(actor, filters={"deadline_status": status}, today=day)
        found = set(rows.values_list("pk", flat=True))
        assert found == expected(status, day), day
        seen |= found
        day += datetime.timedelta(days=1)
    assert len(seen) >= 5  # the dates above give every open item each status in turn


def test_overdue_is_the_same_filter_as_the_overdue_status(world):
    actor, _made = world
    day = D(2026, 3, 20)
    overdue = set(nomination_list(actor, filters={"overdue": True}, today=day)
                  .values_list("pk", flat=True))
    assert overdue == expected(Status.OVERDUE, day) and overdue
    both = nomination_list(actor, filters={"overdue": True, "deadline_status": "near_due"},
                           today=day)
    assert not both.exists()


def test_sorting_by_deadline_puts_the_soonest_due_first_and_closed_items_last(world):
    actor, made = world
    rows = list(nomination_list(actor, order="deadline"))
    rules = sla.deadline_rules()
    dues = [sla.deadline_of(n, today=D(2026, 3, 1), rules=rules) for n in rows]
    keys = [d.due for d in dues if d is not None and d.due is not None]
    assert keys == sorted(keys) and len(keys) == len(CLOCKS) - 1
    assert rows[-1].state == State.REJECTED
    # The draft is due by its campaign's deadline, among the others.
    draft_at = next(i for i, n in enumerate(rows) if n.state == State.DRAFT)
    assert 0 < draft_at < len(rows) - 1


def test_the_inbox_filters_its_tabs_by_deadline_the_same_way(world, people):
    reviewer = load_actor(people["reviewer"])
    day = D(2026, 3, 20)
    queue = set(inbox(reviewer, tab="queue", filters={"deadline_status": "overdue"}, today=day)
                .values_list("pk", flat=True))
    everything = set(inbox(reviewer, tab="queue").values_list("pk", flat=True))
    assert queue == everything & expected(Status.OVERDUE, day)
    assert queue  # the appraisal submitted on 2 February is late by 20 March
