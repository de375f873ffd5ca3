"""Deadlines: each open item's due date, how long it has waited, and whether it is late.

The time limits are data (`approvals.TimeLimit`, seeded from commendation-rules.md
by approvals/deadline_data.py), in working days of the one calendar
(workflow/workdays.py). Each stage of a nomination has a clock:

- a draft is due by its campaign's submission deadline; it has waited since it was
  created;
- the appraisal (submitted and in review: claiming and releasing do not restart it),
  the council vote, the Director's decision and the report each start their clock
  when the nomination enters them, and are due `working_days` later;
- a return hands the dossier back to the unit: the stage's clock stops, and the
  unit's own clock runs, with its own limit (`returned`). On resubmission the
  appraisal clock goes on where it stopped: the working days with the unit are
  added to `clock_paused_days` and are neither waited nor counted against the
  appraisal (as an SLA's hold statuses do). The unit's time is added up in
  `unit_working_days`. A dossier returned by the Director is appraised anew: its
  appraisal clock starts afresh on resubmission.

What the clock needs is written on the nomination by the transition that changes
the stage, in the same transaction (workflow/services.py `perform_transition`):
`clock_started_on`, `clock_paused_days`, `returned_on`, `unit_working_days`, and the
due date `due_on` that follows from them. Nothing replays the history on a read.

Why a stored due date rather than a calendar table that every query joins: the
lists filter and sort by due date over the whole table, and a stored, indexed
`due_on` makes that a plain comparison (`due_on < today`, `due_on < cutoff`, the
cutoffs computed once per request from the in-process calendar), the same on
PostgreSQL and on the demo's SQLite, with no join or subquery per row. The price
is keeping it right, and that is done in two places only: the transition that
changes the stage writes it, and an edit of the calendar or of a time limit
recomputes it for every open nomination in the edit's own transaction
(workflow/deadlines.py). A transition reads the rules' token FOR SHARE before it
locks the nomination, and an edit changes the token first, so no transition writes
a due date from a calendar that an edit is replacing. How long an item has waited
is computed for the rows shown (a bisection each), or in bulk for any set of rows.
"""

import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Case, DateField, F, Q, When
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import CalendarDay, DeadlineRulesVersion, TimeLimit
from approvals.states import State

from .workdays import WorkingCalendar

Code = TimeLimit.Code

# The clock each open state runs on.
STAGE_OF_STATE: dict[str, str] = {
    State.DRAFT: Code.DRAFT,
    State.SUBMITTED: Code.APPRAISAL,
    State.IN_REVIEW: Code.APPRAISAL,
    State.RETURNED: Code.RETURNED,
    State.COUNCIL_VOTE: Code.COUNCIL,
    State.AWAITING_DIRECTOR: Code.DIRECTOR,
    State.APPROVED: Code.REPORT,
}
# States a return comes from whose clock goes on after the resubmission.
RESUMED_AFTER_RETURN = frozenset({State.SUBMITTED, State.IN_REVIEW})


class Status:
    ON_TIME = "on_time"
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"


STATUS_CHOICES = (
    (Status.ON_TIME, _("Trong hạn")),
    (Status.NEAR_DUE, _("Sắp đến hạn")),
    (Status.OVERDUE, _("Quá hạn")),
)
STATUS_LABELS = dict(STATUS_CHOICES)


# --- the rules: the calendar and the limits, cached per process -------------


@dataclass(frozen=True)
class Limit:
    working_days: int | None  # None: the draft's campaign deadline
    near_due_days: int


@dataclass(frozen=True)
class Rules:
    token: str
    calendar: WorkingCalendar
    limits: dict[str, Limit]

    def limit(self, stage: str) -> Limit | None:
        return self.limits.get(stage)


_cached: Rules | None = None
_cache_lock = threading.Lock()


def _token(*, lock: bool) -> str:
    """The current token; `lock`: hold it FOR SHARE until the transaction ends, so that an
    edit of the rules (which updates that row) waits for this transaction and the next
    one waits for the edit."""
    if lock and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT token FROM {DeadlineRulesVersion._meta.db_table} WHERE id = 1 FOR SHARE"
            )
            row = cursor.fetchone()
        return row[0] if row else ""
    return DeadlineRulesVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def deadline_rules(*, lock: bool = False, token: str | None = None) -> Rules:
    """The calendar and the time limits in force: one query while nothing has changed.

    `token`: the token as the caller has just read it, locked (workflow.services)."""
    global _cached
    if token is None:
        token = _token(lock=lock)
    rules = _cached
    if rules is not None and rules.token == token:
        return rules
    with _cache_lock:
        rules = Rules(
            token=token,
            calendar=WorkingCalendar.from_rows(CalendarDay.objects.values_list("day", "kind")),
            limits={
                t.code: Limit(t.working_days, t.near_due_days) for t in TimeLimit.objects.all()
            },
        )
        _cached = rules
    return rules


def forget_rules() -> None:
    """Drop this process's copy (after an edit, before its refresh reads the new rules)."""
    global _cached
    _cached = None


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` in the calendar in force."""
    return deadline_rules().calendar.add_working_days(day, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`, in the calendar in force."""
    return deadline_rules().calendar.working_days_between(start, end)


# --- the clock --------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    started_on: datetime.date | None  # the current stage's clock started (None: anew later)
    paused_days: int = 0  # working days it stood still, with the unit
    returned_on: datetime.date | None = None  # with the unit since
    unit_days: int = 0  # the unit's time on returns now closed


# The nomination's fields a clock and its stored due date are read from.
CLOCK_FIELDS = (
    "pk", "state", "clock_started_on", "clock_paused_days", "returned_on",
    "unit_working_days", "due_on",
)


def clock_of(nomination: Any) -> Clock:
    return Clock(
        started_on=nomination.clock_started_on,
        paused_days=nomination.clock_paused_days,
        returned_on=nomination.returned_on,
        unit_days=nomination.unit_working_days,
    )


def clock_after(
    clock: Clock, *, from_state: str, to_state: str, day: datetime.date,
    calendar: WorkingCalendar,
) -> Clock:
    """The clock once a transition from `from_state` to `to_state` has happened on `day`."""
    from_stage, to_stage = STAGE_OF_STATE.get(from_state), STAGE_OF_STATE.get(to_state)
    if from_stage == to_stage:  # claiming, releasing, editing: the same clock goes on
        return clock
    if to_state == State.RETURNED:
        started = clock.started_on if from_state in RESUMED_AFTER_RETURN else None
        return replace(clock, started_on=started, returned_on=day)
    if clock.returned_on is not None:  # back from the unit (resubmitted, or withdrawn)
        held = max(0, calendar.working_days_between(clock.returned_on, day))
        clock = replace(clock, returned_on=None, unit_days=clock.unit_days + held)
        if to_stage == Code.APPRAISAL and clock.started_on is not None:
            return replace(clock, paused_days=clock.paused_days + held)
    if to_stage is None:  # closed: the last clock stays on record
        return clock
    return replace(clock, started_on=day, paused_days=0)


def due_on(clock: Clock, state: str, rules: Rules) -> datetime.date | None:
    """The stored due date of the open stage; None for drafts, closed items, no limit."""
    stage = STAGE_OF_STATE.get(state)
    limit = rules.limit(stage) if stage and stage != Code.DRAFT else None
    if limit is None or limit.working_days is None:
        return None
    if stage == Code.RETURNED:
        start, days = clock.returned_on, limit.working_days
    else:
        start, days = clock.started_on, limit.working_days + clock.paused_days
    return None if start is None else rules.calendar.add_working_days(start, days)


# --- each item's deadline, from its stored clock -----------------------------


@dataclass(frozen=True)
class Deadline:
    stage: str
    due: datetime.date | None
    waited: int  # working days in this stage, the unit's time excluded
    status: str | None  # Status, or None without a due date
    unit_days: int  # the unit's time on returns, the open one included
    # While appraised: by when an incomplete dossier should have gone back to the unit.
    incomplete_by: datetime.date | None = None


def status_of(due: datetime.date | None, today: datetime.date, near_due_days: int,
              calendar: WorkingCalendar) -> str | None:
    if due is None:
        return None
    if due < today:
        return Status.OVERDUE
    if calendar.working_days_between(today, due) <= near_due_days:
        return Status.NEAR_DUE
    return Status.ON_TIME


def deadline_of(nomination: Any, *, today: datetime.date, rules: Rules) -> Deadline | None:
    """An open nomination's deadline on `today`; None once it is closed. No query: the
    nomination's campaign is read for a draft (select_related it)."""
    stage = STAGE_OF_STATE.get(nomination.state)
    if stage is None:
        return None
    clock, calendar, limit = clock_of(nomination), rules.calendar, rules.limit(stage)
    if stage == Code.DRAFT:
        due = nomination.campaign.submission_deadline if limit else None
    else:
        due = nomination.due_on
    since = clock.returned_on if stage == Code.RETURNED else clock.started_on
    waited = 0 if since is None else max(0, calendar.working_days_between(since, today))
    unit_days = clock.unit_days
    if stage == Code.RETURNED:
        unit_days += waited
    else:
        waited = max(0, waited - clock.paused_days)
    incomplete = rules.limit(Code.INCOMPLETE)
    incomplete_by = None
    if stage == Code.APPRAISAL and incomplete and incomplete.working_days is not None and (
        clock.started_on is not None
    ):
        incomplete_by = calendar.add_working_days(
            clock.started_on, incomplete.working_days + clock.paused_days
        )
    return Deadline(
        stage=stage,
        due=due,
        waited=waited,
        status=status_of(due, today, limit.near_due_days if limit else 0, calendar),
        unit_days=unit_days,
        incomplete_by=incomplete_by,
    )


def is_overdue(nomination: Any, *, today: datetime.date) -> bool:
    """Whether a loaded nomination past its draft is overdue in its stage on `today`: what
    `status_q(Status.OVERDUE)` answers for it, without a query (its stored due date is past;
    a stage without a limit has none). Drafts, due by their campaign's deadline, are not
    judged here: nothing is escalated from the unit's own stage."""
    stage = STAGE_OF_STATE.get(nomination.state)
    due = nomination.due_on
    return stage not in (None, Code.DRAFT) and due is not None and due < today


def deadlines_of(
    nominations: Iterable[Any], *, today: datetime.date | None = None, rules: Rules | None = None
) -> dict[int, Deadline | None]:
    """pk -> deadline for many nominations at once: one query for the rules, none per row."""
    today = today or timezone.localdate()
    rules = rules or deadline_rules()
    return {n.pk: deadline_of(n, today=today, rules=rules) for n in nominations}


# --- the same in SQL, for filtering and sorting large tables -----------------


def due_expression(rules: Rules) -> Combinable:
    """Each nomination's due date as a SQL expression (the campaign's deadline for drafts)."""
    if rules.limit(Code.DRAFT) is None:
        return F("due_on")
    return Case(
        When(state=State.DRAFT, then=F("campaign__submission_deadline")),
        default=F("due_on"),
        output_field=DateField(),
    )


def _states_of(stage: str) -> list[str]:
    return [state for state, s in STAGE_OF_STATE.items() if s == stage]


def _due_in(stage: str, rules: Rules, **lookups: datetime.date) -> Q:
    if stage == Code.DRAFT:
        if rules.limit(Code.DRAFT) is None:
            return Q(pk__in=[])
        return Q(
            state=State.DRAFT,
            **{f"campaign__submission_deadline__{k}": v for k, v in lookups.items()},
        )
    return Q(state__in=_states_of(stage), **{f"due_on__{k}": v for k, v in lookups.items()})


def status_q(status: str, *, today: datetime.date, rules: Rules) -> Q:
    """The nominations whose deadline_of(...).status is `status` on `today`, as one filter."""
    q = Q(pk__in=[])
    for stage, limit in rules.limits.items():
        if stage not in STAGE_OF_STATE.values():
            continue
        if status == Status.OVERDUE:
            q |= _due_in(stage, rules, lt=today)
            continue
        # Near due: at most `near_due_days` working days after today, i.e. before the
        # (near_due_days + 1)-th working day after it.
        cutoff = rules.calendar.add_working_days(today, limit.near_due_days + 1)
        if status == Status.NEAR_DUE:
            q |= _due_in(stage, rules, gte=today, lt=cutoff)
        elif status == Status.ON_TIME:
            q |= _due_in(stage, rules, gte=cutoff)
        else:
            raise ValueError(f"unknown deadline status {status!r}")
    return q
