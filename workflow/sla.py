"""Time limits per stage, in working days (Monday to Friday).

Public holidays, Tết and the government's swapped days come with the SLA
issue as administrator-edited data; until then only weekends are skipped.
"""

import datetime

from django.utils import timezone

from approvals.states import State

# Stage -> working days it may take (commendation-rules.md, "Time limits").
STAGE_BUDGET = {
    State.SUBMITTED: 20,  # appraisal (thẩm định) of a complete dossier
    State.IN_REVIEW: 20,
    State.COUNCIL_VOTE: 10,
    State.AWAITING_DIRECTOR: 10,
    State.APPROVED: 10,  # copies of a decision are sent on within 10 working days
    State.RETURNED: 10,
}


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += datetime.timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def due_date(state: str, since: datetime.datetime, campaign_deadline: datetime.date | None):
    """The date by which the current stage should be done, or None for final states."""
    if state == State.DRAFT:
        return campaign_deadline
    budget = STAGE_BUDGET.get(State(state))
    if budget is None:
        return None
    return add_working_days(timezone.localtime(since).date(), budget)


def overdue_cutoffs(today: datetime.date | None = None) -> dict:
    """state -> the latest start date that is not yet overdue today."""
    today = today or timezone.localdate()
    return {state: add_working_days(today, -budget) for state, budget in STAGE_BUDGET.items()}
