"""Bulk work: one action with its inputs over many nominations, each item on its own.

A job is a row first (BulkJob). A batch of up to INLINE_LIMIT items is done in
the request that asks for it, as that many single actions would be; a larger
one is done by a Celery worker, nudged after the row commits
(approvals/tasks.py). Either way `run_job` does it: it claims the job
(approvals/background.py), then takes the items not done yet, BATCH_ITEMS to a
transaction, each through workflow.services.nomination_act as a savepoint of
that transaction (`batched`): a refused item is undone alone and the others
stand. Every item is a full transition (its checks after its row lock, its
history record, notices and task change). The items' outcome rows (BulkJobItem)
and the job's counts are written in the batch's transaction, and it renews the
lease only if this worker still holds the job (else the whole batch is undone).
So a worker killed at any moment leaves every item either done with its row or
not done at all; the sweep hands the job to another worker, which does the rest.

A batch holds the history's chain head (and its items' row locks) until it
commits: other changes wait for at most one batch (BATCH_ITEMS transitions).
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workflow.errors import InvalidInput, WorkflowError
from workflow.policy import BULK_ACTIONS
from workflow.schemas import inputs_from_json, inputs_to_json
from workflow.services import nomination_act

from . import background
from .models import BulkJob, BulkJobItem

logger = logging.getLogger(__name__)

INLINE_LIMIT = 10
MAX_ITEMS = 10_000
BATCH_ITEMS = 50


def bulk_start(
    *, user: Any, action: str, nomination_ids: list[int], inputs: dict[str, Any],
    within: Callable[[BulkJob], None] | None = None,
) -> BulkJob:
    """Create the job with the action's parsed inputs (the comment among them); do it now if
    small, else queue it for a worker after commit. `within(job)` runs inside the job's
    creating transaction (a retry's outcome is the job: approvals.idempotency)."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(fields={"action": [_("Thao tác không tồn tại.")]})
    try:
        ids = list(dict.fromkeys(int(i) for i in nomination_ids))
    except (TypeError, ValueError):
        raise InvalidInput(fields={"nomination_ids": [_("Danh sách mã đề nghị không hợp lệ.")]}) \
            from None
    if not ids or len(ids) > MAX_ITEMS:
        raise InvalidInput(
            fields={"nomination_ids": [_("Chọn từ 1 đến %(n)d đề nghị.") % {"n": MAX_ITEMS}]}
        )
    inline = len(ids) <= INLINE_LIMIT
    with transaction.atomic():
        job = BulkJob.objects.create(
            user=user, action=action, inputs=inputs_to_json(action, inputs),
            language=translation.get_language() or "", nomination_ids=ids, total=len(ids),
            nudged_at=None if inline else timezone.now(),
        )
        if not inline:
            background.nudge_on_commit(BulkJob, job.pk)
        if within is not None:
            within(job)
    if inline:
        run_job(job.pk)
        job.refresh_from_db()
    return job


def run_job(job_id: int) -> None:
    """Claim the job and do its items not done yet; a no-op if another worker holds it or
    it is finished. Safe to call again after any interruption."""
    token = background.claim(BulkJob, job_id)
    if token is None:
        return
    job = BulkJob.objects.select_related("user").get(pk=job_id)
    inputs = inputs_from_json(job.action, job.inputs)
    done = set(job.items.values_list("nomination_id", flat=True))
    todo = [pk for pk in job.nomination_ids if pk not in done]
    try:
        with translation.override(job.language or None):
            for start in range(0, len(todo), BATCH_ITEMS):
                _do_batch(job, token, todo[start:start + BATCH_ITEMS], inputs)
    except background.LeaseLost:
        logger.warning("bulk job %s was handed to another worker; this one stops", job.pk)
        return
    background.release(BulkJob, job.pk, token, status=BulkJob.Status.DONE, finished_at=Now())


def _do_batch(
    job: BulkJob, token: uuid.UUID, nomination_ids: list[int], inputs: dict[str, Any]
) -> None:
    """The items in one transaction, each a savepoint; their outcome rows and the job's
    counts with them, while this worker holds the job."""
    with transaction.atomic(durable=True):
        background.renew(BulkJob, job.pk, token)  # the lease covers the whole batch
        items = [_do_item(job, nomination_id, inputs) for nomination_id in nomination_ids]
        succeeded = sum(item.ok for item in items)
        background.renew(
            BulkJob, job.pk, token, processed=F("processed") + len(items),
            succeeded=F("succeeded") + succeeded, failed=F("failed") + len(items) - succeeded,
        )
        BulkJobItem.objects.bulk_create(items)


def _do_item(job: BulkJob, nomination_id: int, inputs: dict[str, Any]) -> BulkJobItem:
    try:
        nomination = nomination_act(user=job.user, nomination_id=nomination_id,
                                    action=job.action, inputs=inputs, batched=True)
    except WorkflowError as exc:
        # Refused: its savepoint is undone, nothing changed for this item.
        return BulkJobItem(
            job=job, nomination_id=nomination_id, ok=False, code=exc.code,
            status=exc.status, message=str(exc.message),
            reasons=[str(r) for r in exc.reasons],
            fields={k: [str(m) for m in v] for k, v in exc.fields.items()},
        )
    return BulkJobItem(job=job, nomination_id=nomination_id, ok=True, state=nomination.state)
