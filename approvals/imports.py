"""Import of the register from a CSV or XLSX file: persons, memberships and each record type.

The file is read with tablib; each row is parsed with the schema of its kind
(approvals.record_kinds), its references (persons, units, awards, the row it updates) are
resolved in one query each, and every problem is reported by row and column, in the
request's language. A file with any bad row imports nothing: all rows are written in one
durable transaction, each change with the same audit record as the register's services
write (who, when, which row, each field from what to what), so a row that the database
refuses (a constraint) undoes the whole file too. A dry run does all of it, reports what
would change, and rolls back.
"""

import datetime
import decimal
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from workflow.audit import audit_append
from workflow.errors import InvalidInput, PermissionRefused

from .access import REGISTER_EDIT_REFUSED, REGISTER_EDIT_ROLES, Actor, persons_visible_q
from .models import Award, Membership, Nomination, Person, Unit
from .record_kinds import (
    AWARD,
    CHOICE,
    ID_LABEL,
    INT,
    KINDS,
    PERSON,
    TEXT,
    UNIT,
    Kind,
    cell_text,
    checks,
    header_names,
    schema,
)
from .search import fold

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_REPORTED_ERRORS = 200
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet's row number (the header is row 1); None: the file
    column: str  # the column's header, or "" for the row as a whole
    message: str
    field: str = ""  # the column's code

    def sentence(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Dòng %(row)d, cột “%(column)s”: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("Dòng %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class ImportRejected(InvalidInput):
    """The file has bad rows (or is no table at all): nothing was imported."""

    default_message = gettext_lazy("Tệp có lỗi; chưa nhập dòng nào.")

    def __init__(self, errors: list[RowError]) -> None:
        self.row_errors = errors
        rows = {e.row for e in errors if e.row is not None}
        message = (
            ngettext("Tệp có %(n)d dòng lỗi; chưa nhập dòng nào.",
                     "Tệp có %(n)d dòng lỗi; chưa nhập dòng nào.", len(rows)) % {"n": len(rows)}
            if rows else _("Không nhập được tệp; chưa nhập dòng nào.")
        )
        fields: dict[str, list[str]] = {}
        for e in errors[:MAX_REPORTED_ERRORS]:
            key = "file" if e.row is None else f"{e.row}.{e.field or 'row'}"
            fields.setdefault(key, []).append(e.message)
        super().__init__(
            message, reasons=[e.sentence() for e in errors[:MAX_REPORTED_ERRORS]], fields=fields
        )


@dataclass
class RowOutcome:
    row: int
    action: str  # "created", "updated" or "unchanged"
    id: int | None
    person_id: int | None
    label: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sha256: str
    dry_run: bool
    rows: list[RowOutcome]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(None, "", message)])


def read_table(name: str, data: bytes) -> tablib.Dataset:
    """The file's first sheet (XLSX) or its rows (CSV, UTF-8, comma or semicolon)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise _file_error(_("Tệp quá lớn (tối đa %(mb)d MB).") % {
            "mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    if not data.strip():
        raise _file_error(_("Tệp trống."))
    try:
        if data.startswith(XLSX_MAGIC):
            return tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        if name.lower().endswith((".xlsx", ".xls")):
            raise ValueError("not a workbook")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from None
    except Exception:  # openpyxl and zipfile raise many kinds: all mean "not a workbook"
        raise _file_error(_("Không đọc được tệp: chỉ nhận tệp CSV (UTF-8) hoặc XLSX.")) from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except Exception:  # csv.Error and tablib's InvalidDimensions
        raise _file_error(_("Không đọc được tệp CSV.")) from None


def _columns(kind: Kind, headers: Iterable[Any]) -> list[str | None]:
    known = header_names(kind.code)
    names: list[str | None] = []
    errors: list[RowError] = []
    for header in headers:
        text = cell_text(header)
        if not text:
            names.append(None)
            continue
        from_search = known.get(_folded(text))
        if from_search is None:
            errors.append(RowError(None, text, _("Cột “%(column)s” không có trong mẫu “%(kind)s”.")
                                   % {"column": text, "kind": kind.label}))
        elif from_search in names:
            errors.append(RowError(None, text, _("Cột “%(column)s” có hai lần.") % {
                "column": text}))
        names.append(from_search)
    missing = [str(c.label) for c in kind.columns if c.required and c.name not in names]
    if missing:
        errors.append(RowError(None, "", _("Thiếu cột bắt buộc: %(columns)s.") % {
            "columns": ", ".join(f"“{m}”" for m in missing)}))
    if errors:
        raise ImportRejected(errors)
    return names


def _folded(text: str) -> str:
    return fold(text).strip().casefold()


# --- rows -------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # parsed, references still as given (ids, codes)
    present: frozenset[str]  # the columns the file has: an update leaves the others alone
    target: Model | None = None  # the stored row it updates


def _parse_rows(kind: Kind, names: list[str | None], dataset: tablib.Dataset
                ) -> tuple[list[_Row], list[RowError]]:
    row_schema = schema(kind.code, with_id=True)
    types = {c.name: c.datatype for c in kind.columns}
    labels = {c.name: str(c.label) for c in kind.columns} | {"id": str(ID_LABEL)}
    present = frozenset(n for n in names if n)
    rows: list[_Row] = []
    errors: list[RowError] = []
    for index, cells in enumerate(dataset):
        number = index + 2  # the header is the first row
        raw = {n: cell_text(v) for n, v in zip(names, cells, strict=False) if n}
        if not any(raw.values()):
            continue  # a blank line between rows
        if len(rows) >= MAX_ROWS:
            errors.append(RowError(number, "", _("Tệp có quá %(n)d dòng; hãy chia nhỏ tệp.")
                                   % {"n": MAX_ROWS}))
            break
        # An empty cell of a number, a date or a reference is no value: its default
        # (nothing, 0 months) or, when required, "Trường này là bắt buộc."
        data = {n: v for n, v in raw.items() if v != "" or types.get(n, INT) in (TEXT, CHOICE)}
        serializer = row_schema(data=data)
        if not serializer.is_valid():
            for name, problems in serializer.errors.items():
                column = labels.get(name, "")
                for problem in problems:
                    errors.append(RowError(number, column, str(problem), field=name))
            continue
        rows.append(_Row(number, dict(serializer.validated_data), present))
    return rows, errors


def _resolve(actor: Actor, kind: Kind, rows: list[_Row]) -> list[RowError]:
    """Turn the rows' references into ids (one query per kind of reference) and find the
    stored row each one updates; a person the actor may not change reads as missing."""
    errors: list[RowError] = []
    refs = {c.name: c for c in kind.columns if c.datatype in (PERSON, UNIT, AWARD)}
    person_ids = {r.values[n] for r in rows for n, c in refs.items()
                  if c.datatype == PERSON and r.values.get(n)}
    if kind.person_field is None:
        person_ids |= {r.values["id"] for r in rows if r.values.get("id")}
    editable = set(
        Person.objects.filter(persons_visible_q(actor, edit=True), pk__in=person_ids)
        .values_list("pk", flat=True)
    )
    units_editable = actor.units_for(*REGISTER_EDIT_ROLES)
    codes = {str(r.values[n]) for r in rows for n, c in refs.items()
             if c.datatype == UNIT and r.values.get(n)}
    units = {u.code: u.pk for u in Unit.objects.filter(
        Q(code__in=codes) | Q(pk__in=[int(c) for c in codes if c.isascii() and c.isdigit()])
    )} if codes else {}
    units |= {str(pk): pk for pk in list(units.values())}
    award_codes = {str(r.values[n]) for r in rows for n, c in refs.items()
                   if c.datatype == AWARD and r.values.get(n)}
    awards = dict(Award.objects.filter(code__in=award_codes).values_list("code", "pk"))
    for row in rows:
        for name, column in refs.items():
            given = row.values.get(name)
            if not given:
                continue
            found: int | None
            if column.datatype == PERSON:
                found = given if given in editable else None
                message = _("Không tìm thấy cá nhân có mã %(v)s.")
            elif column.datatype == UNIT:
                found = units.get(str(given))
                found = found if found in units_editable else None
                message = _("Không tìm thấy đơn vị “%(v)s”.")
            else:
                found = awards.get(str(given))
                message = _("Không tìm thấy danh hiệu “%(v)s”.")
            if found is None:
                errors.append(RowError(row.number, str(column.label), message % {"v": given},
                                       field=name))
            row.values[name] = found
    errors += _targets(kind, rows, editable)
    return errors


def _targets(kind: Kind, rows: list[_Row], editable: set[int]) -> list[RowError]:
    """The stored row each file row updates: by its id, or by the kind's natural key (a
    person's rating of a year); the same stored row twice in one file is an error."""
    errors: list[RowError] = []
    model = kind.model
    ids = {r.values["id"] for r in rows if r.values.get("id")}
    by_id = {o.pk: o for o in model._default_manager.filter(pk__in=ids)} if ids else {}
    by_key: dict[tuple[Any, ...], Model] = {}
    if kind.natural_key:
        first = kind.natural_key[0]
        wanted = {r.values.get(first) for r in rows} - {None}
        for obj in model._default_manager.filter(**{f"{first}_id__in": wanted}):
            by_key[tuple(getattr(obj, f"{k}_id", getattr(obj, k)) for k in kind.natural_key)] = obj
    seen: dict[Any, int] = {}
    for row in rows:
        pk = row.values.pop("id", None)
        target = by_id.get(pk) if pk else None
        if pk and (target is None or _owner(kind, target) not in editable | {None}
                   or (kind.person_field is None and target.pk not in editable)):
            errors.append(RowError(row.number, str(ID_LABEL),
                                   _("Không tìm thấy bản ghi có mã %(v)s.") % {"v": pk},
                                   field="id"))
            continue
        if target is None and kind.natural_key:
            key = tuple(row.values.get(k) for k in kind.natural_key)
            target = by_key.get(key)
        row.target = target
        identity = ("pk", target.pk) if target else (
            ("key", tuple(row.values.get(k) for k in kind.natural_key))
            if kind.natural_key else None
        )
        if identity is not None and identity in seen:
            errors.append(RowError(row.number, "", _("Trùng với dòng %(n)d.") % {
                "n": seen[identity]}))
            continue
        if identity is not None:
            seen[identity] = row.number
    return errors


def _owner(kind: Kind, obj: Model) -> int | None:
    """The person whose record `obj` is (None for a collective's past award)."""
    return getattr(obj, f"{kind.person_field}_id") if kind.person_field else None


def _merged(kind: Kind, row: _Row) -> dict[str, Any]:
    """The row's values as stored after the change (an update keeps absent columns)."""
    values = dict(row.values)
    if row.target is not None:
        for column in kind.columns:
            if column.name not in row.present:
                values[column.name] = _stored(row.target, column.name, column.datatype)
    return values


def _stored(obj: Model, name: str, type_: str) -> Any:
    return getattr(obj, f"{name}_id") if type_ in (PERSON, UNIT, AWARD) else getattr(obj, name)


def _attname(kind: Kind, name: str) -> str:
    return f"{name}_id" if kind.column(name).datatype in (PERSON, UNIT, AWARD) else name


# --- writing ----------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A value as the audit record keeps it: dates in ISO, numbers of months as text."""
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


def audit_action(kind: str, *, created: bool) -> str:
    return "record_create" if created else "record_update"


def audit_data(kind: Kind, obj: Model, changes: dict[str, list[Any]]) -> dict[str, Any]:
    """The data of the register services' audit records (approvals/register.py): the model,
    the row, whose it is, and each field (by attname) as [old, new]."""
    unit_id = getattr(obj, "unit_id", None)
    return {
        "model": obj._meta.model_name, "id": obj.pk, "person": _person_of(kind, obj),
        **({"unit": unit_id} if unit_id else {}),
        "changes": {_attname(kind, n): change for n, change in changes.items()},
    }


class _RowRefused(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error
        super().__init__(error.message)


def _overlaps(kind: Kind, row: _Row, values: dict[str, Any]) -> bool:
    """A second membership of one person in one unit over the same days (refused by
    approvals.register too)."""
    if kind.code != "memberships":
        return False
    others = Membership.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=values["starts_on"]),
        person_id=values["person"], unit_id=values["unit"],
    )
    if values.get("ends_on") is not None:
        others = others.filter(starts_on__lte=values["ends_on"])
    if row.target is not None:
        others = others.exclude(pk=row.target.pk)
    return others.exists()


def _write(*, actor: Actor, role: str, kind: Kind, row: _Row, source: dict[str, Any]
           ) -> RowOutcome:
    values = _merged(kind, row)
    if _overlaps(kind, row, values):
        raise _RowRefused(RowError(row.number, str(kind.column("starts_on").label), _(
            "Đã có quá trình công tác tại đơn vị này trùng thời gian."), field="starts_on"))
    obj = row.target
    if obj is None:
        obj = kind.model(**{_attname(kind, n): v for n, v in values.items()})
        changes = {n: [None, json_value(v)] for n, v in values.items() if v not in (None, "")}
        obj.save()
        action = "created"
    else:
        changes = {
            n: [json_value(_stored(obj, n, kind.column(n).datatype)), json_value(v)]
            for n, v in values.items()
            if _stored(obj, n, kind.column(n).datatype) != v
        }
        if not changes:
            return RowOutcome(row.number, "unchanged", obj.pk, _person_of(kind, obj), str(obj))
        for name in changes:
            setattr(obj, _attname(kind, name), values[name])
        obj.save(update_fields=[_attname(kind, n) for n in changes])
        if kind.person_field is None and "full_name" in changes:
            # A nomination's label follows its person's name (as person_update does).
            Nomination.objects.filter(nominee_person_id=obj.pk).update(nominee_name=values["full_name"])
        action = "updated"
    audit_append(
        actor=actor.user, role=role, action=audit_action(kind.code, created=action == "created"),
        data={**audit_data(kind, obj, changes), "import": {**source, "row": row.number}},
    )
    return RowOutcome(row.number, action, obj.pk, _person_of(kind, obj), str(obj), changes)


def _person_of(kind: Kind, obj: Model) -> int | None:
    return obj.pk if kind.person_field is None else getattr(obj, f"{kind.person_field}_id")


def records_import(
    *, actor: Actor, kind: str, name: str, data: bytes, dry_run: bool
) -> ImportReport:
    """Import one file of `kind` (approvals.record_kinds.KINDS): every row or none.

    Raises ImportRejected with every bad row (row number, column, what is wrong), or
    PermissionRefused for someone who does not keep the register."""
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidInput(fields={"kind": [_("Chọn loại dữ liệu cần nhập.")]})
    roles = [r for r in REGISTER_EDIT_ROLES if actor.roots & actor.units_for(r)]
    if not roles:
        raise PermissionRefused(REGISTER_EDIT_REFUSED)
    dataset = read_table(name, data)
    names = _columns(spec, dataset.headers or [])
    rows, errors = _parse_rows(spec, names, dataset)
    errors += _resolve(actor, spec, rows)
    for row in rows:
        for column, problems in checks(spec.code, _merged(spec, row)).items():
            errors += [RowError(row.number, str(spec.column(column).label), p, field=column)
                       for p in problems]
    if not rows and not errors:
        raise _file_error(_("Tệp không có dòng dữ liệu nào."))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0)))
    source = {"file": name[:200], "sha256": hashlib.sha256(data).hexdigest()}
    outcomes: list[RowOutcome] = []
    with transaction.atomic(durable=True):
        for row in rows:
            try:
                with transaction.atomic():
                    outcomes.append(_write(actor=actor, role=roles[0], kind=spec, row=row,
                                           source=source))
            except _RowRefused as refused:
                errors.append(refused.error)
            except IntegrityError:
                errors.append(RowError(row.number, "", _(
                    "Dòng này trái với dữ liệu đã có (trùng hoặc không hợp lệ).")))
        if errors:
            raise ImportRejected(errors)
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(spec.code, name, source["sha256"], dry_run, outcomes)
