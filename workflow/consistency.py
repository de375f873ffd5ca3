"""Proof that each nomination's FSM state, its history and its viewflow task agree, that
its stored due date is the one its clock gives under the rules in force, and that the
inbox's stored copies (the open task on the nomination, the "done" entries, the tallies
the counts are sums of) equal a recount."""

from django.db import connection
from django.db.models import OuterRef, Subquery
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS

from approvals.models import DoneEntry, InboxTally, Nomination
from approvals.selectors import DONE_RECOUNT, TALLY_RECOUNT
from approvals.states import State

from .models import AuditRecord
from .policy import OPEN_TASK_STATUSES, STATE_TASK
from .sla import CLOCK_FIELDS, clock_of, deadline_rules, due_on

_FINAL_PROCESS_STATUS = {
    State.REJECTED: PROCESS.DONE,
    State.REPORTED: PROCESS.DONE,
    State.WITHDRAWN: PROCESS.CANCELED,
}
# A revoked award's process: cancelled from "approved" (its report task), done once reported.
_FINAL_PROCESS_STATUSES = {State.REVOKED: (PROCESS.CANCELED, PROCESS.DONE)}


def find_inconsistencies(chunk: int = 2000) -> tuple[int, list[str]]:
    """Return (nominations checked, problems); a fixed number of queries per chunk."""
    last_to_state = Subquery(
        AuditRecord.objects.filter(nomination=OuterRef("pk")).order_by("-id").values("to_state")[:1]
    )
    problems: list[str] = []
    checked = 0
    qs = (
        Nomination.objects.annotate(last_to=last_to_state)
        .values_list("pk", "state", "last_to", "process_id", "task_id", "task_owner_id")
        .order_by("pk")
    )
    last_pk = 0
    rules = deadline_rules()
    while True:
        rows = list(qs.filter(pk__gt=last_pk)[:chunk])
        if not rows:
            break
        last_pk = rows[-1][0]
        checked += len(rows)
        process_ids = [r[3] for r in rows if r[3]]
        statuses = dict(Process.objects.filter(pk__in=process_ids).values_list("pk", "status"))
        open_tasks: dict = {}
        open_now = Task.objects.filter(process_id__in=process_ids, status__in=OPEN_TASK_STATUSES)
        for task in open_now.only("process_id", "flow_task", "owner_id", "status",
                                  "flow_task_type"):
            open_tasks.setdefault(task.process_id, []).append(task)
        for pk, state, last_to, process_id, task_id, owner_id in rows:
            tasks = open_tasks.get(process_id, [])
            problems.extend(
                _check_one(pk, state, last_to, statuses.get(process_id), tasks)
            )
            problems.extend(_check_copy(pk, state, (task_id, owner_id), tasks))
        for n in Nomination.objects.filter(pk__in=[r[0] for r in rows]).only(*CLOCK_FIELDS):
            expected_due = due_on(clock_of(n), n.state, rules)
            if n.due_on != expected_due:
                problems.append(
                    f"nomination #{n.pk} ({n.state}): due date {n.due_on}, its clock gives "
                    f"{expected_due}"
                )
    problems.extend(_check_tallies())
    return checked, problems


def _check_copy(pk, state, copy, tasks) -> list[str]:
    """The nomination's copy of its open task is the task (the newest, as the inbox read it)."""
    human = sorted((t for t in tasks if t.flow_task_type == "HUMAN"), key=lambda t: -t.pk)
    real = (human[0].pk, human[0].owner_id) if human and state in STATE_TASK else (None, None)
    if tuple(copy) != real:
        return [f"nomination #{pk} ({state}): inbox copy of the open task {tuple(copy)}, "
                f"viewflow has {real}"]
    return []


def _check_tallies() -> list[str]:
    """Two queries: the inbox's "done" entries against the history, its tallies against
    the nominations and those entries (cells at 0 are as good as none)."""
    done_table = DoneEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'stored', * FROM (SELECT user_id, nomination_id, last_at, actions "
            f"FROM {done_table} EXCEPT {DONE_RECOUNT}) a UNION ALL SELECT 'recounted', * "
            f"FROM ({DONE_RECOUNT} EXCEPT SELECT user_id, nomination_id, last_at, actions "
            f"FROM {done_table}) b ORDER BY 2, 3, 1 LIMIT 50"
        )
        done = cursor.fetchall()
        cursor.execute(TALLY_RECOUNT)
        recount = {tuple(r[:6]): r[6] for r in cursor.fetchall()}
    out = [f"inbox done entry {side} {row}" for side, *row in done]
    cells = InboxTally.objects.values_list(
        "person_id", "box", "unit_id", "state", "submitted", "has_task", "n"
    )
    stored = {(p, b, u, s, bool(sub), bool(t)): n for p, b, u, s, sub, t, n in cells if n}
    recount = {(p, b, u, s, bool(sub), bool(t)): n for (p, b, u, s, sub, t), n in recount.items()}
    for cell in sorted(set(stored) | set(recount)):
        if stored.get(cell, 0) != recount.get(cell, 0):
            out.append(f"inbox tally {cell}: {stored.get(cell, 0)}, recount "
                       f"{recount.get(cell, 0)}")
    return out


def _check_one(pk, state, last_to, process_status, tasks) -> list[str]:
    out = []
    label = f"nomination #{pk} ({state})"
    if last_to != state:
        out.append(f"{label}: last history record ends in {last_to!r}")
    if process_status is None:
        return out + [f"{label}: no viewflow process"]
    expected = STATE_TASK.get(state)
    names = sorted(t.flow_task.name for t in tasks)
    if expected is None:
        if names:
            out.append(f"{label}: final state but open tasks {names}")
        if process_status not in _FINAL_PROCESS_STATUSES.get(
            state, (_FINAL_PROCESS_STATUS.get(state),)
        ):
            out.append(f"{label}: process is {process_status}")
        return out
    if names != [expected]:
        return out + [f"{label}: expected one open task {expected!r}, found {names}"]
    if process_status != PROCESS.NEW:
        out.append(f"{label}: process is {process_status} while the nomination is open")
    owner = tasks[0].owner_id
    if state == State.IN_REVIEW and owner is None:
        out.append(f"{label}: in review but the review task is not claimed")
    if state == State.SUBMITTED and owner is not None:
        out.append(f"{label}: waiting in the queue but the review task is claimed")
    return out
