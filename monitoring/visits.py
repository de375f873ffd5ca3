"""Stage visits (monitoring.models.StageVisit) follow the history, record by record.

`stage_visit_follow` runs inside the transaction of every change of a nomination
(the transition frame and the creation call it right after appending the history
record), under the nomination's row lock, so the visits never disagree with a
committed history. `advance` is the one rule for both that and the rebuild from
the history (`visits_rebuild`), which is how the table is filled for nominations
older than it and how it is checked.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from viewflow.workflow.models import Task

from approvals.models import Nomination
from workflow.models import AuditRecord
from workflow.policy import OPEN_TASK_STATUSES, STATE_TASK

from .models import StageVisit

# Records that change nothing of the work (reading a document is not working on it).
READS = frozenset({"document_download"})


def _seconds(start: Any, end: Any) -> int:
    return max(0, int((end - start).total_seconds()))


def advance(
    visit: StageVisit | None, record: AuditRecord, *, nomination: Nomination,
    holder_id: int | None,
) -> list[StageVisit]:
    """The visits `record` changes or opens (unsaved); `visit` is the open one, if any.

    `holder_id`: who holds the task after a claim or a reassignment (the caller knows)."""
    at, action = record.created_at, record.action
    if action in READS:
        return []
    before = STATE_TASK.get(record.from_state) if record.from_state else None
    after = STATE_TASK.get(record.to_state)
    if action == "create" or (visit is None and after is not None):
        return [_open(nomination, after or "prepare", at)]
    if visit is None:
        return []
    if before == after and after is not None:  # the same stage: a claim, a release, an edit
        visit.touched_at = at
        if action == "claim":
            visit.claimed_at, visit.holder_id = at, holder_id or record.actor_id
        elif action == "release" and visit.claimed_at is not None:
            visit.claimed_seconds += _seconds(visit.claimed_at, at)
            visit.claimed_at, visit.holder_id = None, None
        elif action == "reassign":
            visit.holder_id = holder_id
        return [visit]
    _close(visit, record, nomination)
    return [visit] + ([_open(nomination, after, at)] if after else [])


def _open(nomination: Nomination, stage: str, at: Any) -> StageVisit:
    return StageVisit(
        nomination_id=nomination.pk, campaign_id=nomination.campaign_id,
        unit_id=nomination.unit_id, award_id=nomination.award_id, stage=stage,
        entered_at=at, touched_at=at,
    )


def _close(visit: StageVisit, record: AuditRecord, nomination: Nomination) -> None:
    at = record.created_at
    work = visit.claimed_seconds
    if visit.claimed_at is not None:
        work += _seconds(visit.claimed_at, at)
    total = _seconds(visit.entered_at, at)
    visit.work_seconds = min(work, total)
    visit.wait_seconds = total - visit.work_seconds
    visit.claimed_at = None
    visit.left_at = visit.touched_at = at
    visit.outcome = record.to_state
    visit.holder_id = visit.holder_id or record.actor_id
    visit.campaign_id, visit.unit_id = nomination.campaign_id, nomination.unit_id
    visit.award_id = nomination.award_id


def stage_visit_follow(*, nomination: Nomination, record: AuditRecord) -> None:
    """Apply one history record of `nomination` to its visits, in the caller's transaction
    (which holds the nomination's row lock)."""
    if record.nomination_id is None:
        return
    visit = StageVisit.objects.filter(nomination_id=nomination.pk, left_at__isnull=True).first()
    holder_id = None
    if record.action == "reassign" and nomination.process_id is not None:
        holder_id = (
            Task.objects.filter(process_id=nomination.process_id, status__in=OPEN_TASK_STATUSES,
                                flow_task_type="HUMAN")
            .order_by("-id").values_list("owner_id", flat=True).first()
        )
    for changed in advance(visit, record, nomination=nomination, holder_id=holder_id):
        changed.save()


def replay(
    records: Iterable[AuditRecord], nominations: dict[int, Nomination], users: dict[str, int]
) -> list[StageVisit]:
    """Every visit the records (of these nominations, in id order) lead to, unsaved."""
    open_: dict[int, StageVisit] = {}
    done: list[StageVisit] = []
    for record in records:
        nomination = nominations.get(record.nomination_id or 0)
        if nomination is None:
            continue
        holder = users.get(str(record.data.get("to", ""))) if record.action == "reassign" else None
        for visit in advance(open_.get(nomination.pk), record, nomination=nomination,
                             holder_id=holder):
            if visit.left_at is None:
                open_[nomination.pk] = visit
            else:  # a visit closes once: it leaves the open ones then
                open_.pop(nomination.pk, None)
                done.append(visit)
    return done + list(open_.values())


BATCH = 2000
COMPARED = ("stage", "entered_at", "left_at", "outcome", "holder_id", "claimed_at",
            "claimed_seconds", "wait_seconds", "work_seconds", "touched_at")


def _key(visit: StageVisit) -> tuple[Any, ...]:
    return tuple(getattr(visit, name) for name in COMPARED)


def visits_differing(*, nomination_ids: Iterable[int] | None = None) -> list[int]:
    """The nominations whose stored visits are not what their history leads to (reads only,
    a batch at a time)."""
    ids = sorted(nomination_ids) if nomination_ids is not None else list(
        Nomination.objects.order_by("pk").values_list("pk", flat=True)
    )
    users = dict(get_user_model().objects.values_list("username", "pk"))
    differing = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        nominations = {n.pk: n for n in Nomination.objects.filter(pk__in=chunk)}
        records = AuditRecord.objects.filter(nomination_id__in=chunk).order_by("id")
        expected: dict[int, list[tuple[Any, ...]]] = {}
        for visit in replay(records.iterator(), nominations, users):
            expected.setdefault(visit.nomination_id, []).append(_key(visit))
        stored: dict[int, list[tuple[Any, ...]]] = {}
        for visit in StageVisit.objects.filter(nomination_id__in=chunk).order_by("id"):
            stored.setdefault(visit.nomination_id, []).append(_key(visit))
        differing += [pk for pk in chunk
                      if sorted(expected.get(pk, []), key=str) != sorted(stored.get(pk, []),
                                                                      key=str)]
    return differing


def visits_rebuild(*, nomination_ids: Iterable[int] | None = None) -> int:
    """Rebuild the visits of these nominations (all when None) from their history, a batch of
    nominations per transaction, each locked while it is rebuilt; returns the visits written."""
    ids = sorted(nomination_ids) if nomination_ids is not None else list(
        Nomination.objects.order_by("pk").values_list("pk", flat=True)
    )
    users = dict(get_user_model().objects.values_list("username", "pk"))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        with transaction.atomic():
            nominations = {n.pk: n for n in Nomination.objects.select_for_update().filter(
                pk__in=chunk)}
            records = AuditRecord.objects.filter(nomination_id__in=chunk).order_by("id")
            visits = replay(records.iterator(), nominations, users)
            StageVisit.objects.filter(nomination_id__in=chunk).delete()
            StageVisit.objects.bulk_create(visits, batch_size=1000)
            written += len(visits)
    return written
