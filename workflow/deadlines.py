"""Edits of the deadline rules: the calendar's days off and swapped working days, and the
time limits. Each is one durable transaction that changes the rules' token first (so
that transitions in flight finish before it, and the next ones wait for it: see
workflow/sla.py), writes the row, and recomputes the stored due date of every open
nomination that the change moves: the product's deadlines are right the moment the
edit commits, in every process.
"""

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.models import CalendarDay, DeadlineRulesVersion, Nomination, TimeLimit

from .errors import InvalidInput
from .sla import (
    CLOCK_FIELDS,
    STAGE_OF_STATE,
    Rules,
    clock_of,
    deadline_rules,
    due_on,
    forget_rules,
)


def _new_token() -> None:
    DeadlineRulesVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    forget_rules()


def due_dates_refresh(rules: Rules | None = None) -> int:
    """Recompute the stored due date of every open nomination; returns how many changed.

    One read of the open clocks, then one UPDATE per distinct new due date among the
    rows that change (not one per row).
    """
    rules = rules or deadline_rules()
    moved: dict[datetime.date | None, list[int]] = defaultdict(list)
    open_states = [s for s in STAGE_OF_STATE]
    for n in Nomination.objects.filter(state__in=open_states).only(*CLOCK_FIELDS).iterator(
        chunk_size=5000
    ):
        due = due_on(clock_of(n), n.state, rules)
        if due != n.due_on:
            moved[due].append(n.pk)
    for due, ids in moved.items():
        for start in range(0, len(ids), 10_000):
            Nomination.objects.filter(pk__in=ids[start:start + 10_000]).update(due_on=due)
    return sum(len(ids) for ids in moved.values())


def calendar_day_set(
    *, day: datetime.date, kind: str, note: str = "", replaces: datetime.date | None = None
) -> CalendarDay:
    """Make `day` a day off or a (swapped) working day, whatever the usual calendar says;
    `replaces`: the day this row was for before (an edit that moves it)."""
    if kind not in CalendarDay.Kind.values:
        raise InvalidInput(fields={"kind": [_("Chọn ngày nghỉ hoặc ngày làm việc.")]})
    with transaction.atomic(durable=True):
        _new_token()
        if replaces is not None and replaces != day:
            CalendarDay.objects.filter(day=replaces).delete()
        row, _created = CalendarDay.objects.update_or_create(
            day=day, defaults={"kind": kind, "note": note.strip()[:200]}
        )
        due_dates_refresh()
    return row


def calendar_day_clear(*, day: datetime.date) -> int:
    """Give `day` back to the usual calendar (weekends and the package's holidays)."""
    with transaction.atomic(durable=True):
        _new_token()
        deleted, _details = CalendarDay.objects.filter(day=day).delete()
        due_dates_refresh()
    return deleted


def time_limit_errors(
    *, code: str, working_days: int | None, near_due_days: int
) -> dict[str, list[str]]:
    """What is wrong with a time limit (the admin's form shows the same), by field."""
    errors: dict[str, list[str]] = {}
    if code not in TimeLimit.Code.values:
        errors["code"] = [_("Bước không tồn tại.")]
    if code == TimeLimit.Code.DRAFT and working_days is not None:
        errors["working_days"] = [_("Hồ sơ dự thảo có hạn là hạn nộp của đợt; để trống.")]
    if code != TimeLimit.Code.DRAFT and (working_days is None or working_days < 1):
        errors["working_days"] = [_("Nhập số ngày làm việc, ít nhất là 1.")]
    if near_due_days < 0:
        errors["near_due_days"] = [_("Số ngày không được âm.")]
    return errors


def time_limit_set(
    *, code: str, working_days: int | None, near_due_days: int, basis: str = ""
) -> TimeLimit:
    """Change one time limit; the open nominations' due dates follow at once."""
    errors = time_limit_errors(code=code, working_days=working_days, near_due_days=near_due_days)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic(durable=True):
        _new_token()
        row, _created = TimeLimit.objects.update_or_create(
            code=code,
            defaults={"working_days": working_days, "near_due_days": near_due_days,
                      "basis": basis.strip()[:300]},
        )
        due_dates_refresh()
    return row


def time_limit_clear(*, code: str) -> int:
    """Remove a time limit: that stage has no deadline until one is set again."""
    with transaction.atomic(durable=True):
        _new_token()
        deleted, _details = TimeLimit.objects.filter(code=code).delete()
        due_dates_refresh()
    return deleted
