from django.core.management.base import BaseCommand, CommandError

from workflow.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the hash chain of the history and name the first broken record."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"BROKEN at record {report.first_broken_id} "
                f"({report.reason}); {report.records} records read"
            )
        signed = ", ".join(report.key_ids) or "none (plain SHA-256: AUDIT_CHAIN_KEYS is not set)"
        self.stdout.write(
            f"OK: {report.records} records, head {report.head_hash}, signing key(s): {signed}"
        )
