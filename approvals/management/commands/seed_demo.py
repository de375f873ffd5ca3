from django.core.management.base import BaseCommand
from django.utils import translation

from approvals.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, people, roles, campaigns and sample drafts."

    def add_arguments(self, parser):
        parser.add_argument("--no-nominations", action="store_true")

    def handle(self, *args, no_nominations=False, **options):
        logins = seed_demo(with_nominations=not no_nominations)
        self.stdout.write(f"Demo logins by role (password for all: {DEMO_PASSWORD}):")
        for role, people in logins.items():
            with translation.override("en"):
                english = str(role.label)
            with translation.override("vi"):
                self.stdout.write(f"{role.label} / {english}:")
            for username, who in people:
                self.stdout.write(f"  {username:<14} {who}")
