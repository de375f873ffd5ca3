from django.core.management.base import BaseCommand, CommandError

from workflow.audit import verify_chain
from workflow.checkpoints import DirectorySink, one_snapshot, verify_with_checkpoints


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of the history and name the first broken record; with "
        "--checkpoints, also prove that every checkpointed record is still there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints", action="store_true",
            help="hold the chain against the checkpoints in AUDIT_CHECKPOINT_SINK",
        )
        parser.add_argument(
            "--checkpoint-dir", metavar="DIR",
            help="hold it against the checkpoint files in DIR instead (e.g. the auditors' copy)",
        )

    def handle(self, *args, checkpoints=False, checkpoint_dir=None, **options):
        if checkpoint_dir:
            report = verify_with_checkpoints(DirectorySink(checkpoint_dir).entries())
        elif checkpoints:
            report = verify_with_checkpoints()
        else:
            with one_snapshot():
                report = verify_chain()
        if not report.ok:
            where = f"at record {report.first_broken_id} " if report.first_broken_id else ""
            raise CommandError(
                f"BROKEN {where}({report.reason}); {report.records} records read"
            )
        signed = ", ".join(report.key_ids) or "none (plain SHA-256: AUDIT_CHAIN_KEYS is not set)"
        self.stdout.write(
            f"OK: {report.records} records, head {report.head_hash}, signing key(s): {signed}"
        )
        if not (checkpoints or checkpoint_dir):
            return
        if not report.checkpoints:
            raise CommandError("no checkpoint found: nothing to hold the chain against")
        self.stdout.write(
            f"{report.checkpoints} checkpoint(s), the newest up to record "
            f"{report.checkpointed_up_to}: every checkpointed record is there"
        )
