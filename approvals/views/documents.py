"""The issued documents' pages: the lists, a new decision (the Director chooses from what
waits for them), a new report or proposal upward, one document with its files, and the
higher authority's outcome of a proposal."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from approvals import decision_selectors as ds
from approvals.access import request_actor
from approvals.decision_documents import DOCX_TYPE, KINDS, XLSX_TYPE, file_name
from approvals.decision_inputs import (
    decision_inputs,
    outcome_inputs,
    report_inputs,
    upward_inputs,
)
from approvals.decisions import (
    PROVINCIAL_BOARD,
    decision_create,
    report_batch_create,
    upward_outcome_record,
    upward_proposal_create,
)
from approvals.models import Campaign, UpwardLine
from workflow.errors import NotFound, WorkflowError

from .common import login_required_back_to, render_error
from .once import form_within, once_per_form

# kind -> (page title, the candidates' selector, the input schema, the service)
NEW: dict[str, tuple[Any, Any, Any, Any]] = {
    "decision": (gettext_lazy("Lập quyết định khen thưởng"), ds.decision_candidates,
                 decision_inputs, decision_create),
    "report": (gettext_lazy("Lập báo cáo gửi Ban Thi đua - Khen thưởng tỉnh"),
               ds.report_candidates, report_inputs, report_batch_create),
    "upward": (gettext_lazy("Lập tờ trình đề nghị cấp trên khen thưởng"),
               ds.upward_candidates, upward_inputs, upward_proposal_create),
}


def _kind(kind: str) -> Any:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind][0]


@login_required
def document_list(request):
    actor = request_actor(request)
    context = {
        "decisions": ds.documents(actor, KINDS["decision"][0]),
        "reports": ds.documents(actor, KINDS["report"][0]),
        "upward": ds.documents(actor, KINDS["upward"][0]),
        "pending": ds.upward_pending(actor),
    }
    return render(request, "approvals/documents/list.html", context)


def _new_context(request, kind: str, posted: Any = None) -> dict[str, Any]:
    title, candidates, _inputs, _service = NEW[kind]
    chosen = set(posted.getlist("nominations")) if posted is not None else set()
    return {
        "kind": kind, "title": title, "candidates": candidates(request_actor(request)),
        "campaigns": Campaign.objects.order_by("-year", "code") if kind == "report" else (),
        "posted": posted or {}, "chosen": chosen,
        "today": timezone.localdate().strftime("%d/%m/%Y"),
        "board": PROVINCIAL_BOARD,
    }


def _new_page(request, kind: str, *args: Any, **kwargs: Any) -> str:
    return reverse("document-new", args=[kind])


@login_required_back_to(_new_page)
@once_per_form
def document_new(request, kind: str):
    _kind(kind)
    template = "approvals/documents/new.html"
    if request.method != "POST":
        return render(request, template, _new_context(request, kind))
    _title, _candidates, inputs, service = NEW[kind]
    try:
        parsed = inputs(request.POST)
        issued = service(user=request.user, within=form_within(
            request, lambda doc: _detail_url(kind, doc)), **parsed)
    except WorkflowError as exc:
        return render_error(request, template, _new_context(request, kind, request.POST), exc)
    messages.success(request, _("Đã ban hành văn bản số %(number)s.") % {"number": issued.number})
    return redirect("document-detail", kind, issued.pk)


def _detail_url(kind: str, doc: Any) -> str:
    return reverse("document-detail", args=[kind, doc.pk])


def _issued(request, kind: str, pk: int) -> Any:
    try:
        return ds.get_issued_for_actor(request_actor(request), _kind(kind), pk)
    except NotFound:
        raise Http404 from None


@login_required
def document_detail(request, kind: str, pk: int):
    issued = _issued(request, kind, pk)
    lines = list(issued.lines.all())
    return render(request, "approvals/documents/detail.html", {
        "kind": kind, "doc": issued, "lines": lines,
        "total": sum(getattr(x, "amount", 0) for x in lines),
        "pending": UpwardLine.Outcome.PENDING, "today": timezone.localdate().strftime("%d/%m/%Y"),
    })


@login_required
def document_file(request, kind: str, pk: int, ext: str):
    if ext not in ("docx", "xlsx"):
        raise Http404
    issued = _issued(request, kind, pk)
    _model, docx, xlsx, _stem = KINDS[kind]
    make, mime = (docx, DOCX_TYPE) if ext == "docx" else (xlsx, XLSX_TYPE)
    response = HttpResponse(make(issued), content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{file_name(kind, issued, ext)}"'
    return response


def _proposal_page(request, pk: int, *args: Any, **kwargs: Any) -> str:
    return reverse("document-list")


@login_required_back_to(_proposal_page)
@require_POST
@once_per_form
def upward_outcome(request, pk: int):
    """The outcome form on a proposal's page; back to that page."""
    line = UpwardLine.objects.filter(nomination_id=pk).values_list("proposal_id", flat=True).first()
    back = reverse("document-detail", args=["upward", line]) if line else reverse("document-list")
    try:
        upward_outcome_record(user=request.user, nomination_id=pk,
                              within=form_within(request, back), **outcome_inputs(request.POST))
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        messages.error(request, " ".join([str(exc.message), *map(str, exc.reasons),
                                          *(str(m) for v in exc.fields.values() for m in v)]))
        return redirect(back)
    messages.success(request, _("Đã ghi kết quả khen thưởng của cấp trên."))
    return redirect(back)
