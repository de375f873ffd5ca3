"""The global history as CSV rows or an XLSX workbook.

A workbook is built whole before its first byte can be sent, so a large one
would outlive a proxy's timeout (1,000,000 rows took 141 s on 2 cores,
bench/export_memory.py). Up to AUDIT_XLSX_INLINE_ROWS rows it is built in the
request; beyond that an ExportJob builds it in a background thread started
after commit, and the auditor downloads it from the job's page. A job left
unfinished by a restart is built again by `manage.py run_bulk_jobs`.
"""

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from workflow.errors import InvalidInput, PermissionRefused

from .access import load_actor, may_read_global_history
from .jobs import run_after_commit
from .labels import action_label, role_label, state_label
from .models import ExportJob
from .names import full_name
from .selectors import history, with_role_changes

logger = logging.getLogger(__name__)

BATCH = 2000
# The file is a record for auditors: Vietnamese headers and labels, whatever the page
# language and whichever path (request or background job) writes it; the codes follow.
COLUMNS = [
    "Mã bản ghi", "Thời điểm", "Người thực hiện", "Tên đăng nhập", "Vai trò", "Thao tác",
    "Đề nghị", "Đơn vị", "Từ trạng thái", "Sang trạng thái", "Ý kiến",
    "Người được cấp / thu hồi vai trò", "Vai trò được cấp / thu hồi",
    "Mã thao tác", "Mã vai trò", "Mã đơn vị", "Mã trạng thái trước", "Mã trạng thái sau",
    "Mã vai trò được cấp / thu hồi", "Mã băm",
]
WHOLE_BODY = "Toàn cơ quan"
# Excel opens at most 1,048,576 rows: the header and this many records.
XLSX_MAX_RECORDS = 1_048_575


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unit(record) -> tuple:
    """(name, code) of the record's unit: its nomination's, or the unit a role was granted for."""
    if record.nomination is not None:
        return record.nomination.unit.name, record.nomination.unit.code
    change = record.role_change
    if change is None:
        return "", ""
    if not change.unit_code:
        return WHOLE_BODY, ""
    return (change.unit.name if change.unit else change.unit_code), change.unit_code


def _row(record) -> list:
    """One record as labels first, then its codes (inside translation.override("vi"))."""
    change = record.role_change
    unit_name, unit_code = _unit(record)
    return [
        record.pk,
        timezone.localtime(record.created_at).strftime("%d/%m/%Y %H:%M:%S"),
        _cell(full_name(record.actor) if record.actor else record.actor_username),
        _cell(record.actor_username), str(role_label(record.actor_role)),
        str(action_label(record.action)), record.nomination_id or "", _cell(unit_name),
        str(state_label(record.from_state)), str(state_label(record.to_state)),
        _cell(record.comment),
        _cell(change.person) if change else "", str(role_label(change.role)) if change else "",
        record.action, record.actor_role, unit_code, record.from_state, record.to_state,
        change.role if change else "", record.hash,
    ]


def batches(qs):
    """Rows in id order, a batch at a time (keyset paging keeps memory flat)."""
    last = 0
    while True:
        records = with_role_changes(qs.filter(pk__gt=last)[:BATCH])
        if not records:
            return
        with translation.override("vi"):
            batch = [_row(r) for r in records]
        last = batch[-1][0]
        yield batch


def history_rows(filters: dict):
    return history(filters=filters).order_by("id")


def write_xlsx(qs, target, progress=None) -> int:
    """Write the workbook to the open binary file `target`; returns the number of records."""
    workbook = Workbook(write_only=True)  # rows go to disk as they come
    sheet = workbook.create_sheet("lich-su")
    sheet.append(COLUMNS)
    written = 0
    for batch in batches(qs):
        for row in batch:
            sheet.append(row)
        written += len(batch)
        if progress is not None:
            progress(written)
    workbook.save(target)
    return written


def check_xlsx_size(rows: int) -> None:
    if rows > XLSX_MAX_RECORDS:
        raise InvalidInput(_(
            "Kết quả lọc có %(rows)s bản ghi, quá %(max)s bản ghi mà một tệp XLSX chứa được. "
            "Hãy thu hẹp bộ lọc (ví dụ theo khoảng ngày) hoặc xuất CSV."
        ) % {"rows": _number(rows), "max": _number(XLSX_MAX_RECORDS)})


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def export_start(*, user, filters: dict, total: int | None = None) -> ExportJob:
    """Queue an XLSX export of the filtered history; it runs after commit, in the background.

    `total` is the number of rows the filters select, when the caller has counted them."""
    if not may_read_global_history(load_actor(user)):
        raise PermissionRefused(
            _("Chỉ kiểm toán viên, quản lý và quản trị xem lịch sử toàn hệ thống.")
        )
    stored = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items()}
    if total is None:
        total = history_rows(stored).count()
    check_xlsx_size(total)
    with transaction.atomic():
        job = ExportJob.objects.create(user=user, filters=stored, total=total)
        run_after_commit(run_export, job.pk)
    return job


def run_export(job_id: int) -> ExportJob:
    """Build the job's workbook (again, from the start, if a restart interrupted it)."""
    job = ExportJob.objects.get(pk=job_id)
    if job.finished:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, written=0)
    qs = history_rows(job.filters)

    def progress(written: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(written=written)

    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as target:
            written = write_xlsx(qs, target, progress)
            target.seek(0)
            job.file.save(f"lich-su-{job.pk}.xlsx", File(target), save=False)
    except Exception as error:
        logger.exception("history export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE, file=job.file.name, written=written, total=written,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def exports_purge(*, older_than) -> int:
    """Delete finished exports (file and row) created before `older_than` ago; returns how many."""
    cutoff = timezone.now() - older_than
    old = list(ExportJob.objects.filter(
        created_at__lt=cutoff, status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED]
    ))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
