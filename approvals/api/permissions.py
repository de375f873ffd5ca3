"""Who may read the global history: the whole-body auditor, manager or admin."""

from approvals.access import Actor
from approvals.models import Unit
from approvals.roles import Role

HISTORY_ROLES = (Role.AUDITOR, Role.MANAGER, Role.ADMIN)


def may_read_global_history(actor: Actor) -> bool:
    root_ids = set(Unit.objects.filter(parent__isnull=True).values_list("id", flat=True))
    return bool(root_ids & actor.units_for(*HISTORY_ROLES))
