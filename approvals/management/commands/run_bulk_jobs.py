from django.core.management.base import BaseCommand

from approvals.jobs import run_job
from approvals.models import BulkJob


class Command(BaseCommand):
    help = "Finish bulk jobs that a restart left queued or running."

    def handle(self, *args, **options):
        pending = list(
            BulkJob.objects.exclude(status=BulkJob.Status.DONE).values_list("pk", flat=True)
        )
        for job_id in pending:
            job = run_job(job_id)
            self.stdout.write(f"job {job.pk}: {job.succeeded} succeeded, {job.failed} failed")
        self.stdout.write(f"{len(pending)} unfinished jobs processed")
