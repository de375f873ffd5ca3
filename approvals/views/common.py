"""Helpers shared by the page views."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from approvals.access import get_nomination_for_actor, request_actor
from workflow.errors import NotFound
from workflow.sla import due_date

__all__ = ["nomination_or_404", "safe_next", "mark_deadlines", "render_error"]


def nomination_or_404(request, pk):
    """The one access helper, with a missing and a hidden nomination both answering 404."""
    try:
        return get_nomination_for_actor(request_actor(request), pk)
    except NotFound:
        raise Http404 from None


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def mark_deadlines(rows) -> list:
    """Give each nomination its due date and whether it is overdue (no queries)."""
    today = timezone.localdate()
    rows = list(rows)
    for n in rows:
        n.due = due_date(n.state, n.state_changed_at, n.campaign.submission_deadline)
        n.overdue = n.due is not None and n.due < today
    return rows


def render_error(request, template: str, context: dict, exc):
    """Re-render a page with a refused action's Vietnamese message, at the error's status."""
    context = {
        **context,
        "error": {
            "message": exc.message,
            "reasons": exc.reasons,
            "fields": exc.fields,
            "status": exc.status,
        },
    }
    return render(request, template, context, status=exc.status)
