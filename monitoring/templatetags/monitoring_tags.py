from typing import Any

from django import template

from approvals.access import request_actor
from monitoring.access import alert_units, dashboard_units

register = template.Library()


@register.simple_tag(takes_context=True)
def monitoring_nav(context: Any) -> dict[str, bool]:
    """Whether the header links to the dashboard and the alerts (no query: the actor is
    loaded once per request)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"dashboard": False, "alerts": False}
    actor = request_actor(request)
    return {"dashboard": bool(dashboard_units(actor)), "alerts": bool(alert_units(actor))}
