"""Background jobs as rows: the claim, the lease, the sweep, and the nudges to the workers.

STYLE.md, "Background work". A job row (BulkJob, ExportJob) is the truth; the
Celery message only tells a worker to look at it. A worker claims the row with
a conditional UPDATE (queued, or running under a lease that ran out → running
under a new claim token) and works only if exactly one row changed, so two
workers never run one job. Every later write of that worker is conditional on
its token and renews the lease; when it finds the token gone (the sweep handed
the job on after its lease ran out) it raises LeaseLost inside the transaction
it is in, which rolls that write back, and stops.

The sweep (beat, every JOB_SWEEP_SECONDS, and `manage.py run_bulk_jobs`)
re-queues and nudges jobs whose lease ran out (their worker died), nudges
queued jobs whose nudge is older than a lease (it was lost, e.g. Redis was
down), and marks failed a job that has been claimed JOB_MAX_ATTEMPTS times
without finishing (it kills its worker each time). Lease times are the
database's clock, so web, worker and beat hosts need not agree on the time.
"""

import datetime
import functools
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Now
from kombu.exceptions import OperationalError as BrokerError

from .models import BulkJob, ExportJob

logger = logging.getLogger(__name__)

# The kinds of job; each has the fields of models.LeasedJob and its own Status.
JobModel = type[BulkJob] | type[ExportJob]
# The task that runs each kind of job (approvals/tasks.py); task arguments: the job id.
TASKS: dict[JobModel, str] = {BulkJob: "approvals.bulk_job_run", ExportJob: "approvals.export_run"}


class LeaseLost(Exception):
    """This worker's claim was handed to another worker: write nothing more, stop."""


def _lease() -> CombinedExpression:
    return Now() + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def claim(model: JobModel, job_id: int) -> uuid.UUID | None:
    """Take the job for this worker: its claim token, or None if another worker holds it,
    it is finished, or it does not exist."""
    token = uuid.uuid4()
    free = Q(status=model.Status.QUEUED) | Q(status=model.Status.RUNNING, lease_until__lt=Now())
    changed = model.objects.filter(free, pk=job_id).update(
        status=model.Status.RUNNING, claim_token=token, lease_until=_lease(),
        attempts=F("attempts") + 1,
    )
    return token if changed == 1 else None


def renew(model: JobModel, job_id: int, token: uuid.UUID, **changes: Any) -> None:
    """Write `changes` and extend the lease if this worker still holds the job; else LeaseLost.

    Called inside an item's transaction, the check and the item commit or roll back together."""
    if not _held(model, job_id, token).update(lease_until=_lease(), **changes):
        raise LeaseLost(f"{model.__name__} {job_id}")


def release(model: JobModel, job_id: int, token: uuid.UUID, **changes: Any) -> bool:
    """Finish holding the job, writing `changes` (its final status); False if it was lost."""
    return bool(_held(model, job_id, token).update(claim_token=None, lease_until=None, **changes))


def _held(model: JobModel, job_id: int, token: uuid.UUID) -> QuerySet[Any]:
    return model.objects.filter(pk=job_id, claim_token=token, status=model.Status.RUNNING)


def nudge_on_commit(model: JobModel, job_id: int) -> None:
    """After commit, ask a worker to run the job (with no broker, the demo: run it here)."""
    transaction.on_commit(functools.partial(nudge, model, job_id), robust=True)


def nudge(model: JobModel, job_id: int) -> bool:
    """Send the job's task; never raises for a broker outage (the sweep sends it again).

    By name, through the process's Celery app (config/celery.py, loaded with the settings):
    the tasks are delivery code, which this module does not import."""
    try:
        current_app.signature(TASKS[model], args=(job_id,)).apply_async()
    except BrokerError:
        logger.warning("could not nudge %s %s; the sweep will", model.__name__, job_id,
                       exc_info=True)
        return False
    return True


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)  # lease ran out: handed on
    renudged: list[int] = field(default_factory=list)  # queued, its nudge presumably lost
    failed: list[int] = field(default_factory=list)  # claimed JOB_MAX_ATTEMPTS times: given up


def sweep() -> dict[str, SweepReport]:
    """Hand on what dead workers left and nudge what waits; job kind -> what was done."""
    return {str(model._meta.verbose_name): _sweep(model) for model in TASKS}


def _sweep(model: JobModel) -> SweepReport:
    report = SweepReport()
    stale_nudge = Now() - datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    with transaction.atomic():
        # skip_locked: a row locked right now is being written by its live worker.
        dead = model.objects.select_for_update(skip_locked=True).filter(
            status=model.Status.RUNNING, lease_until__lt=Now()
        )
        for pk, attempts in dead.values_list("pk", "attempts"):
            given_up = attempts >= settings.JOB_MAX_ATTEMPTS
            (report.failed if given_up else report.requeued).append(pk)
        waiting = model.objects.select_for_update(skip_locked=True).filter(
            Q(nudged_at__isnull=True) | Q(nudged_at__lt=stale_nudge), status=model.Status.QUEUED
        )
        report.renudged = list(waiting.values_list("pk", flat=True))
        model.objects.filter(pk__in=report.failed).update(
            status=model.Status.FAILED, claim_token=None, lease_until=None, finished_at=Now()
        )
        model.objects.filter(pk__in=report.requeued + report.renudged).update(
            status=model.Status.QUEUED, claim_token=None, lease_until=None, nudged_at=Now()
        )
        for pk in report.requeued + report.renudged:
            nudge_on_commit(model, pk)
    for pk in report.failed:
        logger.error("%s %s given up after %s claims", model.__name__, pk,
                     settings.JOB_MAX_ATTEMPTS)
    return report
