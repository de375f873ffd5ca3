"""The staff's page of exemplars (điển hình tiên tiến): the standing reviewer proposes one from
an approved award, the Director publishes or declines it; the year's compilation as DOCX."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.access import may_read_compilation, request_actor
from approvals.compilation import MIME, compilation_docx
from approvals.exemplar_selectors import exemplar_list, year_compilation
from approvals.exemplars import exemplar_decline, exemplar_propose, exemplar_publish
from approvals.inputs import CompilationInput, ExemplarDeclineInput, exemplar_propose_inputs
from approvals.models import Exemplar
from approvals.roles import Role
from workflow.errors import NotFound, WorkflowError
from workflow.schemas import parse

from .common import login_required_back_to, render_error
from .once import form_within, once_per_form

TEMPLATE = "approvals/exemplars.html"


def _page(request, *args, **kwargs) -> str:
    return reverse("exemplars")


def _context(request, posted=None) -> dict[str, Any]:
    actor = request_actor(request)
    return {
        "exemplars": list(exemplar_list(actor)[:200]),
        "may_propose": bool(actor.units_for(Role.STANDING_REVIEWER)),
        "may_decide": bool(actor.units_for(Role.DIRECTOR)),
        "may_compile": may_read_compilation(actor),
        "proposed": Exemplar.Status.PROPOSED,
        "year": timezone.localdate().year,
        "posted": posted or {},
    }


@login_required_back_to(_page)
@once_per_form
def exemplars_page(request):
    if request.method != "POST":
        return render(request, TEMPLATE, _context(request))
    try:
        exemplar_propose(user=request.user, **exemplar_propose_inputs(request.POST),
                         within=form_within(request, _page(request)))
    except WorkflowError as exc:
        return render_error(request, TEMPLATE, _context(request, posted=request.POST), exc)
    messages.success(request, _("Đã đề xuất điển hình tiên tiến."))
    return redirect("exemplars")


@login_required_back_to(_page)
@require_POST
@once_per_form
def exemplar_decide(request, pk, decision):
    try:
        if decision == "publish":
            exemplar_publish(user=request.user, exemplar_id=pk,
                             within=form_within(request, _page(request)))
        else:
            reason = parse(ExemplarDeclineInput, request.POST)["reason"]
            exemplar_decline(user=request.user, exemplar_id=pk, reason=reason,
                             within=form_within(request, _page(request)))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        return render_error(request, TEMPLATE, _context(request), exc)
    messages.success(request, _("Đã công bố điển hình.") if decision == "publish"
                     else _("Đã quyết định không công bố điển hình."))
    return redirect("exemplars")


@login_required_back_to(_page)
def compilation_download(request):
    actor = request_actor(request)
    if not may_read_compilation(actor):
        raise PermissionDenied
    try:
        year = parse(CompilationInput, request.GET)["year"]
    except WorkflowError as exc:
        return render_error(request, TEMPLATE, _context(request), exc)
    data = compilation_docx(year_compilation(year, actor=actor, today=timezone.localdate()))
    response = HttpResponse(data, content_type=MIME)
    response["Content-Disposition"] = f'attachment; filename="dien-hinh-tien-tien-{year}.docx"'
    return response
