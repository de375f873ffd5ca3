"""Which issued documents the signed-in person may start ({% document_links as docs %}):
read from the actor already loaded for the request, no query."""

from django import template

from approvals import bonus
from approvals.access import request_actor
from workflow.policy import DOCUMENT_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def document_links(context) -> dict[str, bool]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    actor = request_actor(request)
    may = {kind: bool(actor.units_for(*roles)) for kind, roles in DOCUMENT_ROLES.items()}
    may["any"] = bool(actor.scopes)
    return may


@register.filter
def vnd(amount: int | None) -> str:
    """2340000 -> "2.340.000" (the Vietnamese thousands separator)."""
    return bonus.vnd(int(amount)) if amount is not None else ""
