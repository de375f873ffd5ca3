from django.core.management.base import BaseCommand

from approvals.exports import run_export
from approvals.jobs import run_job
from approvals.models import BulkJob, ExportJob


class Command(BaseCommand):
    help = "Finish bulk jobs and history exports that a restart left queued or running."

    def handle(self, *args, **options):
        pending = list(
            BulkJob.objects.exclude(status=BulkJob.Status.DONE).values_list("pk", flat=True)
        )
        for job_id in pending:
            job = run_job(job_id)
            self.stdout.write(f"job {job.pk}: {job.succeeded} succeeded, {job.failed} failed")
        self.stdout.write(f"{len(pending)} unfinished jobs processed")
        exports = list(
            ExportJob.objects.filter(
                status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
            ).values_list("pk", flat=True)
        )
        for export_id in exports:
            export = run_export(export_id)
            self.stdout.write(f"export {export.pk}: {export.get_status_display()}, "
                              f"{export.written} rows")
        self.stdout.write(f"{len(exports)} unfinished exports processed")
