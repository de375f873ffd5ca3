"""Auditor pages: the global history, its CSV / XLSX export and the chain verification."""

import tempfile

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from approvals import exports
from approvals.access import get_export_job_for_user, may_read_global_history, request_actor
from approvals.filters import HistoryFilters, parse_filters
from approvals.models import ExportJob, Unit
from approvals.selectors import history, with_role_changes
from workflow.audit import verify_chain
from workflow.errors import InvalidInput, NotFound, WorkflowError
from workflow.models import AuditRecord
from workflow.policy import HISTORY_ACTIONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIONS = sorted(HISTORY_ACTIONS)


def _require_auditor(request):
    if not may_read_global_history(request_actor(request)):
        raise PermissionDenied


def _filters(request) -> dict:
    """The typed history filters; a bad one (an impossible date) is refused, not dropped."""
    return parse_filters(HistoryFilters, request.GET)


@login_required
def audit_history(request):
    _require_auditor(request)
    try:
        filters, error = _filters(request), None
    except InvalidInput as exc:
        filters, error = {}, exc
    records = history(filters=filters, newest_first=True) if error is None else history().none()
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "approvals/audit_history.html", {
        "page": page, "records": with_role_changes(page.object_list),
        "query": request.GET.urlencode(), "actions": ACTIONS, "error": error,
        "units": Unit.objects.only("code", "name", "name_en"),
        "my_exports": ExportJob.objects.filter(user_id=request.user.pk)[:5],
        "values": {k: request.GET.get(k, "") for k in ("actor", "action", "unit", "date_from",
                                                       "date_to")},
    }, status=400 if error else 200)


def next_chunk(chunks):
    return next(chunks, None)


def _sync_stream(head, chunks):
    yield head
    yield from chunks


async def _async_stream(head, chunks):
    # Under ASGI a synchronous iterator would be read whole before sending; this one
    # reads one chunk at a time from COPY, in the database's thread.
    yield head
    while True:
        chunk = await sync_to_async(next_chunk)(chunks)
        if chunk is None:
            return
        yield chunk


def _back_to_history(request):
    """A bad filter on an export link: the history page shows which one."""
    return redirect(f"{reverse('audit-history')}?{request.GET.urlencode()}")


@login_required
def audit_export_csv(request):
    _require_auditor(request)
    try:
        chunks = exports.csv_chunks(_filters(request))
    except InvalidInput:
        return _back_to_history(request)
    # The header and the first chunk (up to exports.CHUNK bytes: most exports whole) are read
    # before the answer starts, so that a database lost meanwhile is a 503 with Retry-After.
    # Once the 200 is on its way, a failure can only cut the download short (docs/deploy.md).
    head = next(chunks) + (next_chunk(chunks) or b"")
    stream = (_async_stream if isinstance(request, ASGIRequest) else _sync_stream)(head, chunks)
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lich-su.csv"'
    return response


@login_required
def audit_export_xlsx(request):
    _require_auditor(request)
    try:
        filters = _filters(request)
    except InvalidInput:
        return _back_to_history(request)
    qs = exports.history_rows(filters)
    rows = qs.count()
    if rows > settings.AUDIT_XLSX_INLINE_ROWS:
        try:
            job = exports.export_start(user=request.user, filters=filters, total=rows)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(f"{reverse('audit-history')}?{request.GET.urlencode()}")
        return redirect("audit-export-detail", pk=job.pk)
    target = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes
    exports.write_xlsx(qs, target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename="lich-su.xlsx", content_type=XLSX)


def _own_export(request, pk) -> ExportJob:
    _require_auditor(request)
    try:
        return get_export_job_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def audit_export_detail(request, pk):
    """An export job's progress, then its download link (only for the auditor who started it)."""
    job = _own_export(request, pk)
    partial = request.GET.get("partial")
    return render(request, f"approvals/{'_export_progress' if partial else 'export'}.html",
                  {"job": job})


@login_required
def audit_export_download(request, pk):
    job = _own_export(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True,
                        filename=f"lich-su-{job.pk}.xlsx", content_type=XLSX)


@login_required
def audit_verify(request):
    _require_auditor(request)
    report = verify_chain()
    return render(request, "approvals/audit_verify.html",
                  {"report": report, "total": AuditRecord.objects.count()})
