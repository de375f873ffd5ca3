"""The inbox's own copy of who holds what, and its counts, kept by each change.

Every change that moves a nomination (a transition, a claim, a new draft) or appends a
history record about one calls these in its own transaction, after the history record:
the nomination's copy of its open task (`Nomination.task`, `task_owner`), the person's
"done" entry (`DoneEntry`) and the cells the counts are sums of (`InboxTally`). The
writes come after `audit_append`, which locks the chain head, so two changes never take
the tally's rows in opposite orders. workflow/consistency.py recounts all three.
"""

from collections import Counter
from typing import Any

from django.db import connection
from viewflow.workflow.models import Task

from workflow.flows import created_task
from workflow.models import AuditRecord
from workflow.policy import OPEN_TASK_STATUSES, STATE_TASK

from .access import open_task
from .models import DoneEntry, InboxTally, Nomination
from .selectors import DONE_RECOUNT, OPEN_TASK_COPY, TALLY_RECOUNT

# (person_id, box, unit_id, state, submitted, has_task): one InboxTally row.
Cell = tuple[int, str, int, str, bool, bool]
OPEN, DONE = InboxTally.Box.OPEN.value, InboxTally.Box.DONE.value


def open_cell(nomination: Nomination) -> Cell:
    """The "open" cell the nomination counts in, from its stored copy of the task."""
    return (
        nomination.task_owner_id or 0, OPEN, nomination.unit_id, nomination.state,
        nomination.submitted_at is not None, nomination.task_id is not None,
    )


def done_cell(user_id: int, nomination: Nomination) -> Cell:
    return (user_id, DONE, nomination.unit_id, "", nomination.submitted_at is not None, False)


def task_follow(nomination: Nomination, task: Task | None) -> None:
    """Copy the open task onto the nomination after a change: `task` is the one the
    change started from (viewflow keeps its status in step), read again only when the
    change finished it and the nomination is still open (the next stage's task)."""
    if nomination.state not in STATE_TASK:
        task = None
    elif task is None or task.status not in OPEN_TASK_STATUSES:
        created = created_task(task.process) if task is not None else None
        task = created if created is not None else open_task(nomination)
    nomination.task_id = task.pk if task is not None else None
    nomination.task_owner_id = task.owner_id if task is not None else None


def tally_follow(
    *, nomination: Nomination, before: Cell | None, record: AuditRecord | None
) -> None:
    """Move the nomination from its `before` cell (None: it is new) to the one it is in
    now, and count `record`'s actor's action on it in their "done" tab: one or two
    statements."""
    deltas: Counter[Cell] = Counter()
    after = open_cell(nomination)
    if before != after:
        if before is not None:
            deltas[before] -= 1
        deltas[after] += 1
    user_id = record.actor_id if record is not None else None
    if record is not None and user_id is not None:
        if _done_upsert(user_id, nomination.pk, record.created_at):
            deltas[done_cell(user_id, nomination)] += 1
        if before is not None and before[4] != after[4]:
            # First submitted: whoever acted on the draft counts it as submitted now.
            earlier = set(
                AuditRecord.objects.filter(nomination_id=nomination.pk, pk__lt=record.pk)
                .exclude(actor_id=None).values_list("actor_id", flat=True)
            )
            for pk in earlier:
                deltas[(pk, DONE, nomination.unit_id, "", before[4], False)] -= 1
                deltas[(pk, DONE, nomination.unit_id, "", after[4], False)] += 1
    tally_add(deltas)


def _done_upsert(user_id: int, nomination_id: int, at: Any) -> bool:
    """Record the person's action on the nomination; True if it is their first."""
    table = DoneEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, nomination_id, last_at, actions) "
            f"VALUES (%s, %s, %s, 1) ON CONFLICT (user_id, nomination_id) DO UPDATE "
            f"SET last_at = excluded.last_at, actions = {table}.actions + 1 RETURNING actions",
            [user_id, nomination_id, at],
        )
        return cursor.fetchone()[0] == 1


def tally_add(deltas: Counter[Cell]) -> None:
    """Add each delta to its cell in one statement, the cells in a fixed order."""
    rows = sorted((cell, n) for cell, n in deltas.items() if n)
    if not rows:
        return
    table = InboxTally._meta.db_table
    keys = "person_id, box, unit_id, state, submitted, has_task"
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({keys}, n) VALUES {values} ON CONFLICT ({keys}) "
            f"DO UPDATE SET n = {table}.n + excluded.n",
            [v for cell, n in rows for v in (*cell, n)],
        )


REBUILD = (
    f"UPDATE approvals_nomination SET {OPEN_TASK_COPY}",
    "DELETE FROM approvals_doneentry",
    f"INSERT INTO approvals_doneentry (user_id, nomination_id, last_at, actions) {DONE_RECOUNT}",
    "DELETE FROM approvals_inboxtally",
    "INSERT INTO approvals_inboxtally (person_id, box, unit_id, state, submitted, has_task, n) "
    f"{TALLY_RECOUNT}",
)


def tally_rebuild(*, copies: bool = True) -> None:
    """Recompute the copies (unless `copies` is false: a bulk load that wrote them) and
    the cells from the history and viewflow's tasks (after a bulk load, or to repair
    what the consistency check reports)."""
    with connection.cursor() as cursor:
        for sql in REBUILD if copies else REBUILD[1:]:
            cursor.execute(sql)
