import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from approvals.exports import exports_purge


class Command(BaseCommand):
    help = "Delete history exports (XLSX files) older than AUDIT_EXPORT_KEEP_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_EXPORT_KEEP_DAYS)

    def handle(self, *args, days, **options):
        removed = exports_purge(older_than=datetime.timedelta(days=days))
        self.stdout.write(f"{removed} exports older than {days} days removed")
