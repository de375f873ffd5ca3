"""Who sees the dashboard and the alerts, and the one access helper for an alert."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.access import Actor
from approvals.roles import Role
from workflow.errors import NotFound

from .models import Alert

# The dashboard: managers (its landing page), the Director and the standing reviewer.
DASHBOARD_ROLES = (Role.MANAGER, Role.DIRECTOR, Role.STANDING_REVIEWER)
# Alerts are the managers': they are told, they acknowledge, they edit the rules.
ALERT_ROLES = (Role.MANAGER,)
MANAGERS_ONLY = _("Chỉ quản lý theo dõi xem và xác nhận cảnh báo.")


def dashboard_units(actor: Actor) -> frozenset[int]:
    """The units whose figures the person sees (their grants cover sub-units)."""
    return actor.units_for(*DASHBOARD_ROLES)


def alert_units(actor: Actor) -> frozenset[int]:
    return actor.units_for(*ALERT_ROLES)


def alerts_visible_q(actor: Actor) -> Q:
    return Q(unit_id__in=alert_units(actor))


def get_alert_for_actor(actor: Actor, alert_id: int, *, for_update: bool = False) -> Alert:
    """The alert if it concerns a unit the manager covers, else NotFound (as for a missing
    one)."""
    qs = Alert.objects.select_related("rule", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    alert = None
    if 0 < alert_id < 2**63:
        alert = qs.filter(alerts_visible_q(actor), pk=alert_id).first()
    if alert is None:
        raise NotFound(_("Không tìm thấy cảnh báo."))
    return alert


def signed_in_user(request: Any) -> User:
    """The request's user, for the pages and endpoints that require signing in (they do)."""
    user = request.user
    if not isinstance(user, User):
        raise NotFound()
    return user
