"""The role inbox (mine / queue / done), the nomination list and bulk work."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from approvals.access import available_actions, request_actor
from approvals.filters import InboxFilters, NominationFilters, parse_filters
from approvals.forms import bulk_choices
from approvals.jobs import bulk_start
from approvals.models import Award, Campaign, Unit
from approvals.roles import Role
from approvals.selectors import (
    inbox,
    inbox_counts,
    keyset_page,
    nomination_list,
    page_key,
    with_absence,
)
from approvals.states import State
from workflow.errors import InvalidInput, WorkflowError
from workflow.policy import BULK_ACTIONS, POLICY
from workflow.schemas import ACTION_SLUGS, bulk_schema, parse, parse_inputs, slug
from workflow.sla import STATUS_CHOICES

from .common import login_required_back_to, mark_deadlines, render_error
from .once import form_within, once_per_form

PAGE_SIZE = 100
FILTER_KEYS = ("campaign", "unit", "award", "state", "overdue", "deadline_status", "q")


def _filter_options() -> dict[str, Any]:
    """The filter lists' options as (id, Vietnamese name, English name) rows: a ministry has
    hundreds of units, and a row costs a fraction of a model instance (rows.model_options)."""
    return {
        "campaigns": Campaign.objects.values_list("id", "name", Value("")),
        "units": Unit.objects.values_list("id", "name", "name_en"),
        "awards": Award.objects.values_list("id", "name_vi", "name_en"),
        "states": State.choices,
        "deadline_statuses": STATUS_CHOICES,
    }


def _parsed(request: HttpRequest, schema: type) -> tuple[dict[str, Any], InvalidInput | None]:
    """The page's typed filters; on a bad value, none of them and the error to show."""
    try:
        return parse_filters(schema, request.GET), None
    except InvalidInput as exc:
        return parse_filters(schema, {}), exc


def _bulk_fields(posted: Any) -> list[dict[str, Any]]:
    """Each bulk action's declared inputs, once per name, with the actions that use it."""
    fields: dict[str, dict[str, Any]] = {}
    for action in BULK_ACTIONS:
        for spec in POLICY[action].inputs:
            field = fields.setdefault(spec.name, {
                "spec": spec, "choices": spec.choices, "actions": [],
                "value": posted.get(spec.name, ""),
            })
            field["actions"].append(action)
    return list(fields.values())


def _inbox_context(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    parsed, error = _parsed(request, InboxFilters)
    tab, order, after = parsed.pop("tab"), parsed.pop("order"), parsed.pop("after", None)
    parsed.pop("limit")
    qs = with_absence(inbox(actor, tab=tab, filters=parsed, order=order))
    # Keyset pages: each is one query however deep, and the tab's count comes from the
    # tallies (inbox_counts), not from counting the list again.
    try:
        rows, next_after = keyset_page(qs, key=page_key(tab, order), after=after, size=PAGE_SIZE)
    except InvalidInput as exc:
        error, after = exc, None
        rows, next_after = keyset_page(qs, key=page_key(tab, order), after=None, size=PAGE_SIZE)
    rows = mark_deadlines(rows)
    lenders = {d.delegator_id for d in actor.delegations}
    for n in rows:
        n.for_lender = n.task_owner_id in lenders  # held by who lent me the role
        # The same offer as the nomination page and the API (the task is annotated: no query).
        offered = available_actions(actor, n, task_id=n.task_id, owner_id=n.task_owner_id)
        n.can_claim = tab == "queue" and "claim" in offered
        n.can_release = tab == "mine" and "release" in offered
    return {
        "tab": tab,
        "sort": order,
        "filters": {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)},
        "filter_error": error,
        "after": after,
        "next_after": next_after,
        "rows": rows,
        "bulk_actions": bulk_choices(actor.roles),
        "bulk_fields": _bulk_fields(request.POST),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # A manager lands on the dashboard (monitoring/), everyone else on their work.
    if request_actor(request).units_for(Role.MANAGER):
        return redirect("dashboard")
    return redirect("inbox")


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    context = _inbox_context(request)
    status = 400 if context["filter_error"] else 200
    if request.GET.get("partial") == "rows":
        return render(request, "approvals/_inbox_rows.html", context, status=status)
    context["counts"] = inbox_counts(request_actor(request))
    context.update(_filter_options())
    return render(request, "approvals/inbox.html", context, status=status)


@login_required
def nomination_list_page(request: HttpRequest) -> HttpResponse:
    parsed, error = _parsed(request, NominationFilters)
    order = parsed.pop("order")
    qs = with_absence(nomination_list(request_actor(request), filters=parsed, order=order))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)},
        "filter_error": error,
        "sort": order,
        "page": page,
        "rows": mark_deadlines(page.object_list),
        **_filter_options(),
    }
    return render(request, "approvals/nomination_list.html", context, status=400 if error else 200)


def _inbox_page(request) -> str:
    """The inbox with the filters the bulk form was posted from (they ride on its URL)."""
    query = request.GET.urlencode()
    return f"{reverse('inbox')}?{query}" if query else reverse("inbox")


@login_required_back_to(_inbox_page)
@require_POST
@once_per_form
def bulk(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    data.setlist("nomination_ids", request.POST.getlist("ids"))
    action = data.get("action", "")
    if action in BULK_ACTIONS:
        data["action"] = slug(action)
    try:
        chosen = parse(bulk_schema(), data)
        action = ACTION_SLUGS[chosen["action"]]
        job = bulk_start(
            user=request.user,
            action=action,
            nomination_ids=chosen["nomination_ids"],
            inputs=parse_inputs(action, data),
            within=form_within(request, lambda j: reverse("job-detail", args=[j.pk])),
        )
    except WorkflowError as exc:
        context = _inbox_context(request)
        context.update(_filter_options())
        context.update(counts=inbox_counts(request_actor(request)), bulk_post=request.POST,
                       selected=set(request.POST.getlist("ids")))
        return render_error(request, "approvals/inbox.html", context, exc)
    return redirect("job-detail", pk=job.pk)
