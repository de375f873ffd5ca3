"""The global history as CSV rows or an XLSX workbook.

The CSV file is PostgreSQL's own `COPY (SELECT ...) TO STDOUT` streamed through
the response (`csv_chunks`): labels, names, units and the formula guard are made in
that SELECT, over the history page's own filtered query, so no model instance is
built per row. `_row` makes the same row in Python, for the workbook.

A workbook is built whole before its first byte can be sent, so a large one
would outlive a proxy's timeout (1,000,000 rows took 141 s on 2 cores,
bench/export_memory.py). Up to AUDIT_XLSX_INLINE_ROWS rows it is built in the
request; beyond that an ExportJob is built by a Celery worker nudged after
commit (approvals/tasks.py), and the auditor downloads it from the job's page.
The worker claims the job and renews its lease with every batch
(approvals/background.py); a job whose worker died is built again, from the
start, by another one after the sweep hands it on.
"""

import csv
import datetime
import io
import json
import logging
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from workflow.errors import InvalidInput, PermissionRefused
from workflow.models import AuditRecord
from workflow.policy import HISTORY_ACTIONS
from workflow.schemas import CONTROL_CHARACTERS

from . import background
from .access import load_actor, may_read_global_history
from .labels import action_label, role_label, state_label
from .models import ExportJob
from .names import acted_by
from .roles import Role
from .selectors import ROLE_ACTIONS, history, with_role_changes
from .states import State

logger = logging.getLogger(__name__)

BATCH = 2000
# The file is a record for auditors: Vietnamese headers and labels, whatever the page
# language and whichever path (request or background job) writes it; the codes follow.
COLUMNS = [
    "Mã bản ghi", "Thời điểm", "Người thực hiện", "Tên đăng nhập",
    "Thực hiện thay cho (tên đăng nhập)", "Vai trò", "Thao tác",
    "Đề nghị", "Đơn vị", "Từ trạng thái", "Sang trạng thái", "Ý kiến",
    "Người được cấp / thu hồi vai trò", "Vai trò được cấp / thu hồi",
    "Mã thao tác", "Mã vai trò", "Mã đơn vị", "Mã trạng thái trước", "Mã trạng thái sau",
    "Mã vai trò được cấp / thu hồi", "Mã băm",
]
WHOLE_BODY = "Toàn cơ quan"
# Excel opens at most 1,048,576 rows: the header and this many records.
XLSX_MAX_RECORDS = 1_048_575


def _cell(value: Any) -> str:
    """Text that a spreadsheet would run as a formula is kept as text (CSV injection), and
    control characters (which an XLSX file cannot hold: one broke every export) are dropped."""
    text = "" if value is None else CONTROL_CHARACTERS.sub("", str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unit(record: AuditRecord) -> tuple:
    """(name, code) of the record's unit: its nomination's, or the unit a role was granted for."""
    if record.nomination is not None:
        return record.nomination.unit.name, record.nomination.unit.code
    change = getattr(record, "role_change", None)  # set by selectors.with_role_changes
    if change is None:
        return "", ""
    if not change.unit_code:
        return WHOLE_BODY, ""
    return (change.unit.name if change.unit else change.unit_code), change.unit_code


def _row(record: AuditRecord) -> list:
    """One record as labels first, then its codes (inside translation.override("vi"))."""
    change = getattr(record, "role_change", None)
    unit_name, unit_code = _unit(record)
    return [
        record.pk,
        timezone.localtime(record.created_at).strftime("%d/%m/%Y %H:%M:%S"),
        _cell(acted_by(record)),  # "A thay B" under a delegation
        _cell(record.actor_username), _cell(record.on_behalf_of_username),
        str(role_label(record.actor_role)),
        str(action_label(record.action)), record.nomination_id or "", _cell(unit_name),
        str(state_label(record.from_state)), str(state_label(record.to_state)),
        _cell(record.comment),
        _cell(change.person) if change else "", str(role_label(change.role)) if change else "",
        record.action, record.actor_role, unit_code, record.from_state, record.to_state,
        change.role if change else "", record.hash,
    ]


def batches(qs: QuerySet) -> Iterator[list[list[Any]]]:
    """Rows in id order, a batch at a time (keyset paging keeps memory flat). A short batch
    is the last: no query after it (an export of up to BATCH rows is one query)."""
    last = 0
    while True:
        records = with_role_changes(qs.filter(pk__gt=last)[:BATCH])
        if not records:
            return
        with translation.override("vi"):
            batch = [_row(r) for r in records]
        last = batch[-1][0]
        yield batch
        if len(records) < BATCH:
            return


def history_rows(filters: dict[str, Any]) -> QuerySet:
    return history(filters=filters).order_by("id")


# --- the CSV file: COPY of one SELECT -----------------------------------------

CHUNK = 1 << 16  # bytes handed to the response at a time


def _labels(values: Any, label: Callable[[str], Any]) -> str:
    """code -> Vietnamese label, as JSON for the SELECT (inside translation.override("vi"))."""
    return json.dumps({v: str(label(v)) for v in values}, ensure_ascii=False)


# What `_cell` does: drop the control characters, then guard a leading formula character.
# Measured per cell on PostgreSQL 15: translate() over the 29 characters costs about 1.1 µs,
# regexp_replace about as much, `~` alone 0.2 µs; left(t, 1) IN (...) 0.4 µs, ascii(t) IN
# (...) 0.05 µs. So the text is matched first and only rewritten when it holds one (almost
# never), and the guard compares the first character's code (ascii('') is 0).
_CONTROL_CLASS = "E'[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'"
_GUARD_SQL = "CASE WHEN ascii({t}) IN (61, 43, 45, 64, 9, 13) THEN '''' || {t} ELSE {t} END"
_CELL_SQL = (
    f"CASE WHEN {{t}} ~ {_CONTROL_CLASS} THEN "
    + _GUARD_SQL.format(t=f"regexp_replace({{t}}, {_CONTROL_CLASS}, '', 'g')")
    + " ELSE " + _GUARD_SQL + " END"
)
# What names.full_name does: family name and given name, else the username.
_NAME_SQL = (
    "coalesce(nullif(concat_ws(' ', nullif(btrim({p}last_name), ''), "
    "nullif(btrim({p}first_name), '')), ''), {p}username)"
)


def _clean(t: str) -> str:
    """SQL: the text `t` without its control characters (rewritten only when it has one)."""
    return (f"CASE WHEN {t} ~ {_CONTROL_CLASS} THEN "
            f"regexp_replace({t}, {_CONTROL_CLASS}, '', 'g') ELSE {t} END")


def _guard(t: str) -> str:
    return _GUARD_SQL.format(t=t)


def _cell_sql(t: str) -> str:
    """SQL: `_cell(t)`, an empty text as NULL."""
    return f"nullif({_CELL_SQL.format(t=t)}, '')"


def export_select(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SELECT whose rows are the export's rows (COLUMNS, as `_row` makes them), and its
    parameters. The inner query is the history page's own (the same filters); the outer one
    formats: local time, labels, "A thay B", the unit, the role change, the formula guard.

    What a record shares with others is made once per person or unit, not once per record:
    the names and their cells come from LATERAL subqueries on the account and the unit that
    OFFSET 0 keeps the planner from folding into the row, so that Memoize keeps each one's
    result (one computation per distinct account or unit), and the joins keep the records'
    id order (no sort). Per record, only its own texts are cleaned: the usernames it stores
    (its actor's cell when they still match the account's) and its comment."""
    inner = history(filters=filters).order_by().values(
        r_id=F("id"), r_at=F("created_at"), r_actor=F("actor_username"),
        r_behalf=F("on_behalf_of_username"), r_role=F("actor_role"), r_action=F("action"),
        r_nomination=F("nomination_id"), r_from=F("from_state"), r_to=F("to_state"),
        r_comment=F("comment"), r_data=F("data"), r_hash=F("hash"),
        r_actor_id=F("actor_id"), r_behalf_id=F("on_behalf_of_id"),
        r_has_nomination=F("nomination__id"), r_unit_id=F("nomination__unit_id"),
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    with translation.override("vi"):
        states, roles = _labels(State.values, state_label), _labels(Role.values, role_label)
        actions = _labels(HISTORY_ACTIONS, action_label)
        both = _("%(actor)s thay %(principal)s")
    both = both.replace("%", "%%").replace("%%(actor)s", "%1$s").replace(
        "%%(principal)s", "%2$s"
    )
    change = f"r.r_action IN ({', '.join(repr(a) for a in ROLE_ACTIONS)})"
    unit = "coalesce(r.r_data ->> 'unit', '')"
    user = "coalesce(r.r_data ->> 'user', '')"
    role = "coalesce(r.r_data ->> 'role', '')"
    person = (
        f"coalesce((SELECT {_NAME_SQL.format(p='u.')} || ' (' || u.username || ')' "
        f"FROM auth_user u WHERE u.username = {user}), {user})"
    )
    # An account's name cleaned, and as a whole cell; its username as a cell.
    account = (
        "LEFT JOIN LATERAL (SELECT n.id, n.username, {clean} AS name_clean, {cell} AS name_cell,"
        " {username} AS username_cell FROM (SELECT u.id, u.username, "
        f"{_NAME_SQL.format(p='u.')} AS name FROM auth_user u WHERE u.id = r.{{column}}) n "
        "OFFSET 0) {alias} ON true"
    ).format(clean=_clean("n.name"), cell=_cell_sql("n.name"),
             username=_cell_sql("n.username"), column="{column}", alias="{alias}")
    joins = (
        account.format(column="r_actor_id", alias="a") + " "
        + account.format(column="r_behalf_id", alias="b") + " "
        + f"LEFT JOIN LATERAL (SELECT u.code, {_cell_sql('u.name')} AS name_cell "
        "FROM approvals_unit u WHERE u.id = r.r_unit_id OFFSET 0) un ON true"
    )
    # Each "%s" below takes the next of `params`, in order.
    columns = [
        "r.r_id",
        "to_char(r.r_at AT TIME ZONE %s, 'DD/MM/YYYY HH24:MI:SS')",
        # The actor, or "A thay B": the names' cleaned texts in the format, then the guard
        # (the format's own text has no control character, so this is the whole's cell).
        "CASE WHEN r.r_behalf = '' THEN (CASE WHEN a.id IS NOT NULL THEN a.name_cell ELSE "
        + _cell_sql("r.r_actor") + " END) ELSE nullif("
        + _guard(f"format(k.both, coalesce(a.name_clean, {_clean('r.r_actor')}), "
                 f"coalesce(b.name_clean, {_clean('r.r_behalf')}))")
        + ", '') END",
        "CASE WHEN r.r_actor = a.username THEN a.username_cell ELSE "
        + _cell_sql("r.r_actor") + " END",
        "CASE WHEN r.r_behalf <> '' THEN " + _cell_sql("r.r_behalf") + " END",
        "nullif(coalesce(%s::jsonb ->> r.r_role, r.r_role), '')",
        "nullif(coalesce(%s::jsonb ->> r.r_action, r.r_action), '')",
        "r.r_nomination",
        f"CASE WHEN r.r_has_nomination IS NOT NULL THEN un.name_cell WHEN {change} THEN "
        + _cell_sql(f"(CASE WHEN {unit} = '' THEN k.whole ELSE coalesce((SELECT u.name FROM "
                    f"approvals_unit u WHERE u.code = {unit}), {unit}) END)") + " END",
        "nullif(coalesce(%s::jsonb ->> r.r_from, r.r_from), '')",
        "nullif(coalesce(%s::jsonb ->> r.r_to, r.r_to), '')",
        "CASE WHEN r.r_comment <> '' THEN " + _cell_sql("r.r_comment") + " END",
        f"CASE WHEN {change} THEN {_cell_sql(person)} END",
        f"CASE WHEN {change} THEN nullif(coalesce(%s::jsonb ->> {role}, {role}), '') END",
        "r.r_action",
        "nullif(r.r_role, '')",
        f"nullif(CASE WHEN r.r_has_nomination IS NOT NULL THEN un.code "
        f"WHEN {change} THEN {unit} END, '')",
        "nullif(r.r_from, '')",
        "nullif(r.r_to, '')",
        f"CASE WHEN {change} THEN nullif({role}, '') END",
        "r.r_hash",
    ]
    assert len(columns) == len(COLUMNS)
    params = [timezone.get_current_timezone_name(), roles, actions, states, states, roles]
    # The texts that a cell's expression repeats are columns of one row (`k`), not
    # placeholders. An empty text goes out as NULL, which COPY leaves unquoted, as
    # csv.writer does.
    return (
        f"SELECT {', '.join(columns)} FROM ({inner_sql}) r {joins} "
        "CROSS JOIN (SELECT %s::text AS both, %s::text AS whole) k ORDER BY r.r_id",
        [*params, *inner_params, both, WHOLE_BODY],
    )


def csv_header() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)
    return ("\ufeff" + out.getvalue()).encode()


def csv_chunks(filters: dict[str, Any]) -> Iterator[bytes]:
    """The CSV file (a BOM and the header first), about CHUNK bytes at a time, from COPY.

    Read it to the end or close it: the COPY holds the connection until then."""
    yield csv_header()
    sql, params = export_select(filters)
    # COPY goes through psycopg's own cursor, past Django's wrapper: without this, a
    # connection lost mid-COPY is psycopg's error (a 500), not Django's (a 503).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        pending: list[bytes] = []
        size = 0
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for data in copy:
                pending.append(bytes(data))
                size += len(data)
                if size >= CHUNK:
                    yield b"".join(pending)
                    pending, size = [], 0
        if pending:
            yield b"".join(pending)


def write_xlsx(
    qs: QuerySet, target: IO[bytes], progress: Callable[[int], None] | None = None
) -> int:
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


def export_start(
    *, user: User, filters: dict[str, Any], total: int | None = None
) -> ExportJob:
    """Queue an XLSX export of the filtered history; a worker builds it, nudged after commit.

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
        job = ExportJob.objects.create(
            user=user, filters=stored, total=total, nudged_at=timezone.now()
        )
        background.nudge_on_commit(ExportJob, job.pk)
    return job


def run_export(job_id: int) -> ExportJob | None:
    """Claim the job and build its workbook (from the start, if a worker died on it); returns
    the job as it stands (None if it does not exist). A no-op if another worker holds it."""
    token = background.claim(ExportJob, job_id)
    if token is not None:
        _build(ExportJob.objects.get(pk=job_id), token)
    return ExportJob.objects.filter(pk=job_id).first()


def _build(job: ExportJob, token: uuid.UUID) -> None:
    background.renew(ExportJob, job.pk, token, written=0)

    def progress(written: int) -> None:
        background.renew(ExportJob, job.pk, token, written=written)  # the heartbeat, too

    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as target:
            written = write_xlsx(history_rows(job.filters), target, progress)
            background.renew(ExportJob, job.pk, token)  # the last batch may have been long
            target.seek(0)
            job.file.save(f"lich-su-{job.pk}.xlsx", File(target), save=False)
    except background.LeaseLost:
        logger.warning("history export %s was handed to another worker; this one stops", job.pk)
        return
    except Exception as error:
        logger.exception("history export %s failed", job.pk)
        background.release(ExportJob, job.pk, token, status=ExportJob.Status.FAILED,
                           error=str(error)[:2000], finished_at=Now())
        return
    if not background.release(
        ExportJob, job.pk, token, status=ExportJob.Status.DONE, file=job.file.name,
        written=written, total=written, finished_at=Now(),
    ):
        job.file.delete(save=False)  # handed on while saving: the other worker's file counts


def exports_purge(*, older_than: datetime.timedelta) -> int:
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
