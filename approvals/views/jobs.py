"""Progress and results of a bulk job; only the user who started it sees it."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from approvals.access import get_bulk_job_for_user, request_actor
from approvals.selectors import job_results
from workflow.errors import NotFound
from workflow.policy import POLICY


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = get_bulk_job_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    context: dict[str, Any] = {
        "job": job, "action_label": POLICY[job.action].label if job.action in POLICY
        else job.action,
    }
    if job.finished:
        context["results"] = job_results(request_actor(request), job)
        context["failures"] = [r for r in context["results"] if not r["ok"]]
    partial = request.GET.get("partial")
    return render(request, f"approvals/{'_job_progress' if partial else 'job'}.html", context)
