"""Auditor pages: the global history, its CSV / XLSX export and the chain verification."""

import csv
import tempfile

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from approvals.access import may_read_global_history
from approvals.forms import parse_date
from approvals.models import Unit
from approvals.selectors import history
from workflow.audit import verify_chain
from workflow.models import AuditRecord
from workflow.policy import POLICY

from .common import actor_of

BATCH = 2000
COLUMNS = ["id", "thoi_diem", "nguoi_thuc_hien", "vai_tro", "thao_tac", "de_nghi", "don_vi",
           "tu_trang_thai", "sang_trang_thai", "y_kien", "hash"]
ACTIONS = sorted(set(POLICY) | {"create", "document_download", "role_grant", "role_revoke"})


def _require_auditor(request):
    if not may_read_global_history(actor_of(request)):
        raise PermissionDenied


def _filters(request) -> dict:
    f = {k: request.GET[k].strip() for k in ("actor", "action", "unit") if request.GET.get(k)}
    for key in ("date_from", "date_to"):
        day = parse_date(request.GET.get(key))
        if day:
            f[key] = day
    return f


@login_required
def audit_history(request):
    _require_auditor(request)
    filters = _filters(request)
    page = Paginator(history(filters=filters), 50).get_page(request.GET.get("page"))
    return render(request, "approvals/audit_history.html", {
        "page": page, "query": request.GET.urlencode(), "actions": ACTIONS,
        "units": Unit.objects.only("code", "name", "name_en"),
        "values": {k: request.GET.get(k, "") for k in ("actor", "action", "unit", "date_from",
                                                       "date_to")},
    })


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _row(record) -> list:
    n = record.nomination
    return [
        record.pk,
        timezone.localtime(record.created_at).strftime("%d/%m/%Y %H:%M:%S"),
        _cell(record.actor_username), record.actor_role, record.action,
        record.nomination_id or "", n.unit.code if n else "",
        record.from_state, record.to_state, _cell(record.comment), record.hash,
    ]


def _batches(qs):
    """Rows in id order, a batch at a time (keyset paging keeps memory flat)."""
    last = 0
    while True:
        batch = [_row(r) for r in qs.filter(pk__gt=last)[:BATCH]]
        if not batch:
            return
        last = batch[-1][0]
        yield batch


class _Echo:
    def write(self, value):
        return value


def _csv_lines(batch) -> str:
    writer = csv.writer(_Echo())
    return "".join(writer.writerow(row) for row in batch)


def _sync_stream(qs):
    yield "\ufeff" + _csv_lines([COLUMNS])
    for batch in _batches(qs):
        yield _csv_lines(batch)


async def _async_stream(qs):
    # Under ASGI a synchronous iterator would be read whole before sending; this one
    # fetches one batch at a time from the database thread.
    yield "\ufeff" + _csv_lines([COLUMNS])
    batches = _batches(qs)
    while True:
        batch = await sync_to_async(next)(batches, None)
        if batch is None:
            return
        yield _csv_lines(batch)


@login_required
def audit_export_csv(request):
    _require_auditor(request)
    qs = history(filters=_filters(request)).order_by("id")
    stream = _async_stream(qs) if isinstance(request, ASGIRequest) else _sync_stream(qs)
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lich-su.csv"'
    return response


@login_required
def audit_export_xlsx(request):
    _require_auditor(request)
    qs = history(filters=_filters(request)).order_by("id")
    rows = qs.count()
    if rows > settings.AUDIT_XLSX_MAX_ROWS:
        # A workbook is built whole before its first byte goes out: beyond this size the
        # request outlives a proxy's timeout (and Excel stops at 1,048,576 rows). CSV streams.
        messages.error(request, _(
            "Kết quả lọc có %(rows)s bản ghi, quá %(max)s bản ghi cho một tệp XLSX. "
            "Hãy thu hẹp bộ lọc (ví dụ theo khoảng ngày) hoặc xuất CSV."
        ) % {"rows": f"{rows:,}".replace(",", "."),
             "max": f"{settings.AUDIT_XLSX_MAX_ROWS:,}".replace(",", ".")})
        return redirect(f"{reverse('audit-history')}?{request.GET.urlencode()}")
    workbook = Workbook(write_only=True)  # rows go to disk as they come
    sheet = workbook.create_sheet("lich-su")
    sheet.append(COLUMNS)
    for batch in _batches(qs):
        for row in batch:
            sheet.append(row)
    target = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes
    workbook.save(target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename="lich-su.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def audit_verify(request):
    _require_auditor(request)
    report = verify_chain()
    return render(request, "approvals/audit_verify.html",
                  {"report": report, "total": AuditRecord.objects.count()})
