from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from approvals.models import Unit
from approvals.roles import Role
from approvals.services import role_revoke


class Command(BaseCommand):
    help = "Revoke a role from a user for one unit (--unit CODE) or for the whole body."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--unit", help="unit code; omit for the whole-body grant")

    def handle(self, username, role, unit=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        unit_obj = Unit.objects.filter(code=unit).first() if unit else None
        if unit and unit_obj is None:
            raise CommandError(f"no unit {unit!r}")
        removed = role_revoke(user=user, role=role, unit=unit_obj)
        where = unit or "the whole body"
        self.stdout.write(
            f"revoked {role} from {username} for {where}"
            if removed
            else f"{username} did not hold {role} for {where}; nothing changed"
        )
