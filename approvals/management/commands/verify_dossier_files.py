from django.core.management.base import BaseCommand, CommandError

from approvals.dossier import verify_files


class Command(BaseCommand):
    help = "Check every stored dossier file against the sha256 taken at its upload."

    def handle(self, *args, **options):
        checked, problems = verify_files()
        if problems:
            raise CommandError(
                f"{len(problems)} of {checked} files changed or missing:\n" + "\n".join(problems)
            )
        self.stdout.write(f"OK: {checked} dossier files match their upload checksums")
