from django.core.management.base import BaseCommand

from monitoring.alerts import alerts_scan


class Command(BaseCommand):
    help = "Scan the alert rules once now (beat does so every ALERT_SCAN_SECONDS)."

    def handle(self, *args, **options):
        report = alerts_scan()
        self.stdout.write(f"Raised {len(report.raised)}, cleared {len(report.cleared)} "
                          f"alert(s); {report.notified} notice(s) to managers.")
