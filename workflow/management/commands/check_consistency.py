from django.core.management.base import BaseCommand, CommandError

from workflow.consistency import find_inconsistencies


class Command(BaseCommand):
    help = "Prove that every nomination's state matches its last history record and open task."

    def handle(self, *args, **options):
        checked, problems = find_inconsistencies()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} inconsistencies in {checked} nominations")
        self.stdout.write(f"OK: {checked} nominations consistent")
