from django.core.management.base import BaseCommand, CommandError

from workflow.checkpoints import CheckpointError, checkpoint_write


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the history to AUDIT_CHECKPOINT_SINK (beat does it every "
        "AUDIT_CHECKPOINT_EVERY_MINUTES); nothing if no record was appended since the last one."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = checkpoint_write()
        except CheckpointError as error:
            raise CommandError(str(error)) from None
        if checkpoint is None:
            self.stdout.write("No new records since the last checkpoint: none written")
        else:
            self.stdout.write(
                f"Checkpoint written: {checkpoint.records} records up to record "
                f"{checkpoint.last_id}, head {checkpoint.head_hash}, key {checkpoint.key_id or '-'}"
            )
