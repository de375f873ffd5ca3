from django.core.management.base import BaseCommand, CommandError

from monitoring.visits import visits_differing, visits_rebuild


class Command(BaseCommand):
    help = ("Rebuild the stage visits (the dashboard's facts) from the history, or with "
            "--check only compare them and name the nominations that differ.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        if check:
            differing = visits_differing()
            if differing:
                raise CommandError(f"{len(differing)} nomination(s) differ from their history, "
                                   f"first: {differing[:10]}")
            self.stdout.write("OK: the stage visits are what the history leads to.")
            return
        self.stdout.write(f"Rebuilt {visits_rebuild()} stage visit(s) from the history.")
