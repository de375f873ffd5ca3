"""Helpers shared by the page views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from approvals.access import get_nomination_for_actor, request_actor
from workflow.errors import NotFound
from workflow.sla import Status, deadlines_of

__all__ = [
    "nomination_or_404",
    "safe_next",
    "mark_deadlines",
    "render_error",
    "login_required_back_to",
    "SESSION_EXPIRED_KEY",
]

# Session key: the page to return to after a form was posted without a live session.
SESSION_EXPIRED_KEY = "vd_expired_back_to"


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


def mark_deadlines(rows, today=None) -> list:
    """Give each nomination its deadline (workflow/sla.py): `deadline` (due date, working
    days waited, status), and `overdue` for the row's style. One query for all rows."""
    rows = list(rows)
    found = deadlines_of(rows, today=today or timezone.localdate())
    for n in rows:
        n.deadline = found[n.pk]
        n.overdue = n.deadline is not None and n.deadline.status == Status.OVERDUE
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


def login_required_back_to(page):
    """login_required for a form's target: sign-in leads back to the page the form was on.

    Plain login_required would send the person, after signing in, to `?next=` the
    POST-only URL, which a GET answers with a blank 405. Here `next` is the page the
    form was on: its own "next" field if it has a safe one, else `page(request,
    *args, **kwargs)`. The session remembers it, so that the sign-in page and then
    that page can say why (approvals.views.sign_in). Nothing was done: the POST is
    not replayed.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            back = safe_next(request, page(request, *args, **kwargs))
            if request.method == "POST":
                request.session[SESSION_EXPIRED_KEY] = back
            return redirect_to_login(back)

        return wrapped

    return decorator
