"""Bulk work: one action with one comment over many nominations, each item on its own.

Small batches run at once; larger ones run in a background thread started
after the job row commits, so that no request times out. A job left unfinished
by a restart is picked up again by `manage.py run_bulk_jobs`.
"""

import threading

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import InvalidInput, WorkflowError
from workflow.policy import BULK_ACTIONS
from workflow.schemas import inputs_from_json, inputs_to_json
from workflow.services import nomination_act

from .models import BulkJob

INLINE_LIMIT = 10
MAX_ITEMS = 10_000


def bulk_start(*, user, action: str, nomination_ids: list[int], inputs: dict) -> BulkJob:
    """Create the job; run it now if small, else in the background."""
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
    job = BulkJob.objects.create(
        user=user, action=action, comment=inputs.get("comment", ""),
        params=inputs_to_json(action, inputs),
        nomination_ids=ids, total=len(ids),
    )
    if len(ids) <= INLINE_LIMIT:
        run_job(job.pk)
        job.refresh_from_db()
    else:
        run_after_commit(run_job, job.pk)
    return job


def run_after_commit(work, job_id: int) -> None:
    """After the current transaction commits, run `work(job_id)` in a background thread
    with its own database connection (bulk jobs, history exports)."""
    transaction.on_commit(lambda: threading.Thread(
        target=_in_thread, args=(work, job_id), daemon=True
    ).start())


def _in_thread(work, job_id: int) -> None:
    close_old_connections()
    try:
        work(job_id)
    finally:
        close_old_connections()


def run_job(job_id: int) -> BulkJob:
    """Process the items not yet done; safe to call again after an interruption."""
    job = BulkJob.objects.select_related("user").get(pk=job_id)
    if job.status == BulkJob.Status.DONE:
        return job
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.RUNNING)
    done_ids = {r["id"] for r in job.results}
    results = list(job.results)
    for nomination_id in job.nomination_ids:
        if nomination_id in done_ids:
            continue
        results.append(_one(job, nomination_id))
        ok = sum(1 for r in results if r["ok"])
        BulkJob.objects.filter(pk=job.pk).update(
            processed=len(results), succeeded=ok, failed=len(results) - ok, results=results
        )
    BulkJob.objects.filter(pk=job.pk).update(
        status=BulkJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _one(job, nomination_id) -> dict:
    try:
        nomination = nomination_act(
            user=job.user, nomination_id=nomination_id, action=job.action,
            inputs=inputs_from_json(job.action, job.params),
        )
    except WorkflowError as exc:
        return {"id": nomination_id, "ok": False, "code": exc.code, "status": exc.status,
                "message": str(exc.message), "reasons": [str(r) for r in exc.reasons],
                "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()}}
    return {"id": nomination_id, "ok": True, "state": nomination.state}
