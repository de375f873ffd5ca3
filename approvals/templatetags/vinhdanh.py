"""Labels and the page header's view of the signed-in user."""

import uuid

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from approvals.access import may_read_global_history, may_read_register, request_actor
from approvals.council_selectors import sits_on_a_council
from approvals.idempotency import FORM_TOKEN_FIELD
from approvals.labels import (
    action_label,
    deadline_status_label,
    document_kind_label,
    role_label,
    state_label,
    task_label,
)
from approvals.models import RoleGrant
from approvals.names import acted_by as _acted_by
from approvals.names import full_name as _full_name
from approvals.roles import UNIT_ROLES, Role

register = template.Library()

for _label in (
    state_label, role_label, action_label, document_kind_label, task_label, deadline_status_label
):
    register.filter(_label.__name__, _label)


@register.simple_tag
def form_token():
    """A POST form's one-time token: posted twice, the form is done once (views.once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD,
                       uuid.uuid4().hex)


@register.filter
def full_name(user):
    """A person's name, family name first (approvals.names)."""
    return _full_name(user)


@register.filter
def acted_by(record):
    """Who took a history record's action, both people under a delegation (approvals.names)."""
    return _acted_by(record)


@register.filter
def local_name(obj):
    """A unit's or an award's name in the page language (Vietnamese unless English is set)."""
    if obj is None:
        return ""
    english = getattr(obj, "name_en", "")
    if english and (get_language() or "vi").startswith("en"):
        return english
    return getattr(obj, "name_vi", None) or getattr(obj, "name", "") or str(obj)


@register.filter
def file_size(size):
    """A file's size in KB or MB (1 KB = 1,024 bytes), never a raw count of bytes:
    "0,4 KB", "18 KB", "2,5 MB" (the decimal mark of the page language)."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    unit, scale = next(
        ((u, s) for u, s in (("GB", 1024**3), ("MB", 1024**2)) if size >= s), ("KB", 1024)
    )
    value = size / scale
    digits = 1 if value < 10 else 0
    shown = max(round(value, digits), 0.1) if size else 0  # a few bytes read "0,1 KB"
    return f"{formats.number_format(shown, digits if size else 0)} {unit}"


@register.filter
def waited(since):
    """How long an item has waited: "3 ngày 4 giờ", "2 giờ 5 phút" or "7 phút"."""
    if not since:
        return ""
    minutes = max(0, int((timezone.now() - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours and len(parts) < 2:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if not days and (minutes or not parts):
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    return " ".join(parts)


@register.filter
def working_days(n):
    """A count of working days: "1 ngày làm việc", "12 ngày làm việc"."""
    if n is None or n == "":
        return ""
    n = int(n)
    return ngettext("%(n)d ngày làm việc", "%(n)d ngày làm việc", n) % {"n": n}


@register.simple_tag(takes_context=True)
def header_info(context):
    """Roles and units of the signed-in user for the header (one query, once per request)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_vd_header"):
        actor = request_actor(request)
        grants = [
            {"role": g.get_role_display(), "unit": local_name(g.unit) or _("toàn cơ quan")}
            for g in RoleGrant.objects.filter(user_id=request.user.pk)
            .select_related("unit")
            .order_by("role", "unit__code")
        ]
        request._vd_header = {
            "grants": grants,
            "can_create": bool(actor.units_for(*UNIT_ROLES)),
            "is_auditor": may_read_global_history(actor),
            "reads_register": may_read_register(actor),
            # The council's sessions: its secretary, its members, the head of the body, who
            # chairs it by custom, and whoever a term names its chair or a member (the page
            # lists the terms they belong to).
            "in_council": bool(actor.roles & {Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER,
                                              Role.DIRECTOR})
            or sits_on_a_council(request.user.pk),
        }
    return request._vd_header


@register.simple_tag
def query_without_page(request) -> str:
    """The current filters as a query string ending in "&", without the page number (a
    list's "page", the inbox's "after" cursor) nor the rows-only flag."""
    query = request.GET.copy()
    for key in ("page", "after", "partial"):
        query.pop(key, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


@register.filter
def field_messages(fields, name):
    """The error messages of one field, from an error's `fields` mapping."""
    if not fields:
        return []
    return fields.get(name, [])
