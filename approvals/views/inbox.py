"""The role inbox (mine / queue / done), the nomination list and bulk work."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, DateTimeField, F, When
from django.db.models.functions import Cast
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from approvals.forms import action_params, bulk_choices, parse_date
from approvals.jobs import bulk_start
from approvals.models import Award, Campaign, Unit
from approvals.selectors import TABS, inbox, inbox_counts, nomination_list
from approvals.states import State
from workflow.errors import WorkflowError
from workflow.policy import allowed
from workflow.sla import STAGE_BUDGET

from .common import actor_of, mark_deadlines, render_error

PAGE_SIZE = 100
FILTER_KEYS = ("campaign", "unit", "award", "state", "overdue", "q")
SORTS = ("age", "-age", "deadline")


def _due_key():
    """A sortable due moment: every stage budget is whole weeks of working days (5 = 7 days)."""
    whens = [When(state=State.DRAFT, then=Cast("campaign__submission_deadline", DateTimeField()))]
    whens += [
        When(state=state, then=F("state_changed_at") + datetime.timedelta(days=days // 5 * 7))
        for state, days in STAGE_BUDGET.items()
    ]
    return Case(*whens, default=None, output_field=DateTimeField())


def _ordered(qs, sort: str):
    if sort == "deadline":
        return qs.annotate(due_key=_due_key()).order_by(F("due_key").asc(nulls_last=True), "id")
    return qs


def _filters(request) -> dict:
    return {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)}


def _filter_options() -> dict:
    return {
        "campaigns": Campaign.objects.only("id", "name"),
        "units": Unit.objects.only("id", "name", "name_en", "code"),
        "awards": Award.objects.only("id", "name_vi", "name_en", "code"),
        "states": State.choices,
    }


def _inbox_context(request) -> dict:
    actor = actor_of(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "queue"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "age"
    filters = _filters(request)
    qs = _ordered(inbox(actor, tab=tab, filters=filters, order=sort), sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = mark_deadlines(page.object_list)
    for n in rows:
        roles_here = actor.roles_at(n.unit_id)
        n.can_claim = tab == "queue" and allowed("claim", roles_here, n.state)
        n.can_release = tab == "mine" and allowed("release", roles_here, n.state)
    return {
        "tab": tab,
        "sort": sort,
        "filters": filters,
        "page": page,
        "rows": rows,
        "bulk_actions": bulk_choices(actor.roles),
    }


@login_required
def home(request):
    return redirect("inbox")


@login_required
def inbox_page(request):
    context = _inbox_context(request)
    if request.GET.get("partial") == "rows":
        return render(request, "approvals/_inbox_rows.html", context)
    context["counts"] = inbox_counts(actor_of(request))
    context.update(_filter_options())
    return render(request, "approvals/inbox.html", context)


@login_required
def nomination_list_page(request):
    filters = _filters(request)
    qs = nomination_list(actor_of(request), filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "rows": mark_deadlines(page.object_list)}
    context.update(_filter_options())
    return render(request, "approvals/nomination_list.html", context)


@login_required
@require_POST
def bulk(request):
    action = request.POST.get("action", "")
    params = action_params(action, request.POST)
    if "decision_date" in params:  # the job stores typed inputs (workflow.schemas)
        params["decision_date"] = parse_date(params["decision_date"])
    try:
        job = bulk_start(
            user=request.user,
            action=action,
            nomination_ids=request.POST.getlist("ids"),
            inputs={"comment": request.POST.get("comment", ""), **params},
        )
    except WorkflowError as exc:
        context = _inbox_context(request)
        context.update(_filter_options())
        context.update(counts=inbox_counts(actor_of(request)), bulk_post=request.POST,
                       selected=set(request.POST.getlist("ids")))
        return render_error(request, "approvals/inbox.html", context, exc)
    return redirect("job-detail", pk=job.pk)
