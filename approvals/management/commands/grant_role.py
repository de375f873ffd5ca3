from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from approvals.models import Unit
from approvals.roles import Role
from approvals.services import role_grant


class Command(BaseCommand):
    help = "Grant a role to a user for one unit (--unit CODE) or for the whole body."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--unit", help="unit code; omit for the whole body")

    def handle(self, username, role, unit=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                raise CommandError(f"no unit {unit!r}")
        role_grant(user=user, role=role, unit=unit_obj)
        self.stdout.write(f"granted {role} to {username} for {unit or 'the whole body'}")
