"""Bulk work: one action with its inputs over many nominations, each item on its own.

A job is a row first (BulkJob). A batch of up to INLINE_LIMIT items is done in
the request that asks for it, as that many single actions would be; a larger
one is done by a Celery worker, nudged after the row commits
(approvals/tasks.py). Either way `run_job` does it: it claims the job
(approvals/background.py), then takes each item not done yet through
workflow.services.nomination_act. An item's outcome row (BulkJobItem) and the
job's counts are written inside that item's transition transaction (`within`),
a refused item's in a transaction of its own, and each such write renews the
lease only if this worker still holds the job. So a worker killed at any
moment leaves every item either done with its row or not done at all; the
sweep hands the job to another worker, which does the rest.
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
from .models import BulkJob, BulkJobItem, Nomination

logger = logging.getLogger(__name__)

INLINE_LIMIT = 10
MAX_ITEMS = 10_000


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
    try:
        with translation.override(job.language or None):
            for nomination_id in job.nomination_ids:
                if nomination_id not in done:
                    _do_item(job, token, nomination_id, inputs)
    except background.LeaseLost:
        logger.warning("bulk job %s was handed to another worker; this one stops", job.pk)
        return
    background.release(BulkJob, job.pk, token, status=BulkJob.Status.DONE, finished_at=Now())


def _do_item(
    job: BulkJob, token: uuid.UUID, nomination_id: int, inputs: dict[str, Any]
) -> None:
    def within(nomination: Nomination) -> None:
        _record(job, token, BulkJobItem(
            job=job, nomination_id=nomination_id, ok=True, state=nomination.state
        ))

    try:
        nomination_act(user=job.user, nomination_id=nomination_id, action=job.action,
                       inputs=inputs, within=within)
    except WorkflowError as exc:
        # Refused: nothing changed for this item, so its outcome is a transaction of its own.
        with transaction.atomic():
            _record(job, token, BulkJobItem(
                job=job, nomination_id=nomination_id, ok=False, code=exc.code,
                status=exc.status, message=str(exc.message),
                reasons=[str(r) for r in exc.reasons],
                fields={k: [str(m) for m in v] for k, v in exc.fields.items()},
            ))


def _record(job: BulkJob, token: uuid.UUID, item: BulkJobItem) -> None:
    """The item's row and the job's counts, in the caller's transaction, while we hold the job."""
    background.renew(
        BulkJob, job.pk, token, processed=F("processed") + 1,
        succeeded=F("succeeded") + int(item.ok), failed=F("failed") + int(not item.ok),
    )
    item.save()

