"""Ủy quyền khi vắng mặt: a person's own delegations, given and received; lend and cancel."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.access import request_actor
from approvals.delegations import delegation_cancel, delegation_create
from approvals.inputs import delegation_inputs
from approvals.models import Unit
from approvals.roles import DELEGABLE_ROLES, Role
from approvals.selectors import delegations_of
from workflow.errors import NotFound, WorkflowError

from .common import login_required_back_to, render_error
from .once import form_within, once_per_form


def _page(request, *args, **kwargs) -> str:
    return reverse("delegations")


def _context(request, posted=None) -> dict[str, Any]:
    """The person's delegations, and what the form offers: the roles they hold themselves,
    the units those roles cover, and everyone else as a substitute."""
    actor = request_actor(request)
    today = timezone.localdate()
    rows = list(delegations_of(request.user))
    for d in rows:
        d.status = d.status_on(today)
        d.mine = d.delegator_id == request.user.pk
    own = {r: units for r, units in actor.granted.items() if r in DELEGABLE_ROLES}
    units = frozenset().union(*own.values())
    people = get_user_model().objects.filter(is_active=True).exclude(pk=request.user.pk)
    return {
        "delegations": rows,
        "roles": [(r.value, r.label) for r in Role if r in own],
        "units": Unit.objects.filter(pk__in=units).order_by("code"),
        "whole_body": bool(actor.roots & units),
        "people": people.order_by("last_name", "first_name", "username"),
        "posted": posted or {},
        "today": today.strftime("%d/%m/%Y"),
    }


@login_required_back_to(_page)
@once_per_form
def delegation_page(request):
    if request.method != "POST":
        return render(request, "approvals/delegations.html", _context(request))
    try:
        delegation_create(user=request.user, **delegation_inputs(request.POST),
                          within=form_within(request, reverse("delegations")))
    except WorkflowError as exc:
        context = _context(request, posted=request.POST)
        return render_error(request, "approvals/delegations.html", context, exc)
    messages.success(request, _("Đã ủy quyền."))
    return redirect("delegations")


@login_required_back_to(_page)
@require_POST
@once_per_form
def delegation_cancel_view(request, pk):
    try:
        delegation_cancel(user=request.user, delegation_id=pk,
                          within=form_within(request, reverse("delegations")))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        return render_error(request, "approvals/delegations.html", _context(request), exc)
    messages.success(request, _("Đã hủy ủy quyền."))
    return redirect("delegations")
