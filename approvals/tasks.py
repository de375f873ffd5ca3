"""Celery tasks of the approvals app: thin, each calls a service with a job id or nothing.

A task's message is only a nudge; the job row says what is to be done
(approvals/background.py), so a lost, repeated or late message does no harm.
"""

import datetime

from celery import shared_task
from django.conf import settings

from workflow.services import deferred_sweep

from . import background, exports, idempotency, jobs


@shared_task(name="approvals.bulk_job_run")
def bulk_job_run(job_id: int) -> None:
    jobs.run_job(job_id)


@shared_task(name="approvals.export_run")
def export_run(job_id: int) -> None:
    exports.run_export(job_id)


@shared_task(name="approvals.jobs_sweep")
def jobs_sweep() -> None:
    background.sweep()


@shared_task(name="approvals.exports_purge")
def exports_purge() -> int:
    keep = datetime.timedelta(days=settings.AUDIT_EXPORT_KEEP_DAYS)
    return exports.exports_purge(older_than=keep)


@shared_task(name="approvals.idempotency_purge")
def idempotency_purge() -> int:
    """Hourly: forget Idempotency-Keys and form tokens older than IDEMPOTENCY_KEY_HOURS."""
    return idempotency.idempotency_purge()


@shared_task(name="approvals.deferred_sweep")
def deferred_sweep_run() -> int:
    """Move on the deferred proposals whose case has closed (however it was closed)."""
    return deferred_sweep()
