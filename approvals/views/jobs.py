"""Progress and results of a bulk job; only the user who started it sees it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from approvals.access import request_actor
from approvals.models import BulkJob, Nomination
from workflow.policy import POLICY


@login_required
def job_detail(request, pk):
    job = BulkJob.objects.filter(pk=pk, user_id=request.user.pk).first()
    if job is None:
        raise Http404
    context = {"job": job, "action_label": POLICY[job.action].label if job.action in POLICY
               else job.action}
    if job.status == BulkJob.Status.DONE:
        ids = [r["id"] for r in job.results]
        names = dict(
            Nomination.objects.filter(request_actor(request).visible_filter(), pk__in=ids)
            .values_list("pk", "nominee_name")
        )
        context["results"] = [{**r, "name": names.get(r["id"], "")} for r in job.results]
        context["failures"] = [r for r in context["results"] if not r["ok"]]
    partial = request.GET.get("partial")
    return render(request, f"approvals/{'_job_progress' if partial else 'job'}.html", context)
