"""The nominee register's pages: the lookup (people and collectives, accents aside), a
person's records and commendation history, a collective's members and awards, the
standing reviewer's edits of them, and the import of a file (upload, preview, confirm)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import register_selectors as rs
from approvals.access import (
    Actor,
    get_collective_for_actor,
    get_person_for_actor,
    get_record_for_actor,
    may_edit_register,
    may_read_register,
    request_actor,
)
from approvals.filters import ImportInput, MembersFilters, PersonFilters, parse_filters
from approvals.import_templates import template_csv, template_xlsx
from approvals.imports import MAX_IMPORT_BYTES, ImportRejected, records_import
from approvals.inputs import field_names, record_inputs
from approvals.models import Award, Person, Unit
from approvals.record_kinds import CHOICE, KINDS, RECORD_KINDS, Kind
from approvals.register import person_create, person_update, record_save
from approvals.register import record_delete as record_remove
from approvals.templatetags.vinhdanh import local_name
from workflow.errors import InvalidInput, NotFound, PermissionRefused, WorkflowError
from workflow.schemas import parse

from .common import login_required_back_to, render_error
from .once import once_per_form

PAGE_SIZE = 50
TEMPLATE_TYPES = {
    "xlsx": (template_xlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (template_csv, "text/csv; charset=utf-8"),
}
# A previewed file waits for its confirmation this long (seconds), for its uploader only.
PREVIEW_SECONDS = 30 * 60


def _reader(request: Any) -> Actor:
    actor = request_actor(request)
    if not may_read_register(actor):
        raise PermissionDenied
    return actor


def _editor(request: Any) -> Actor:
    actor = request_actor(request)
    if not may_edit_register(actor):
        raise PermissionDenied
    return actor


def _parsed(schema: type, data: Any) -> tuple[dict[str, Any], InvalidInput | None]:
    try:
        return parse_filters(schema, data), None
    except InvalidInput as exc:
        return {}, exc


@login_required
def register_home(request: Any) -> HttpResponse:
    """Tra cứu: find people and collectives by name (accents aside), with their awards."""
    actor = _reader(request)
    filters, error = _parsed(PersonFilters, request.GET)
    page = Paginator(rs.person_list(actor, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    q = filters.get("q", "")
    collectives = list(rs.collective_list(actor, q=q)[: rs.LOOKUP_LIMIT]) if q else []
    return render(request, "approvals/register_home.html", {
        "page": page, "people": page.object_list, "collectives": collectives,
        "filters": filters, "error": error, "may_edit": may_edit_register(actor),
        "units": Unit.objects.filter(pk__in=actor.units_for(*actor.scopes)).only(
            "id", "name", "name_en", "code"),
    }, status=400 if error else 200)


def _kind_fields(kind: Kind, values: dict[str, Any] | None = None, *, skip_person: bool = True
                 ) -> list[dict[str, Any]]:
    """A kind's columns as the form renders them, with the values typed or stored."""
    values = values or {}
    fields = []
    for column in kind.columns:
        if skip_person and (column.name == kind.person_field
                            or (kind.code == "past_awards" and column.name == "unit")):
            continue  # the page's person is the one
        choices: list[tuple[str, str]] = []
        if column.datatype == CHOICE and column.choices is not None:
            choices = [(str(v), str(label)) for v, label in column.choices.choices]
        elif column.datatype == "unit":
            choices = [(u.code, u.name) for u in Unit.objects.only("code", "name")]
        elif column.datatype == "award":
            choices = [(a.code, a.name_vi) for a in Award.objects.only("code", "name_vi")]
        fields.append({"column": column, "choices": choices,
                       "value": _shown(values.get(column.name, ""))})
    return fields


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


@login_required
def person_page(request: Any, pk: int) -> HttpResponse:
    actor = _reader(request)
    try:
        person = rs.person_profile(get_person_for_actor(actor, pk))
    except NotFound:
        raise Http404 from None
    may_edit = may_edit_register(actor)
    sections = [_section(KINDS[code], person.records[code], may_edit)  # type: ignore[attr-defined]
                for code in RECORD_KINDS]
    return render(request, "approvals/person_detail.html", {
        "person": person, "sections": sections, "may_edit": may_edit,
        "person_fields": _kind_fields(KINDS["persons"], _values(KINDS["persons"], person))
        if may_edit else [],
    })


def _section(kind: Kind, rows: list[Any], may_edit: bool) -> dict[str, Any]:
    columns = [c for c in kind.columns if c.name != kind.person_field]
    return {
        "kind": kind, "headers": [c.label for c in columns],
        "rows": [{"obj": obj, "cells": [_cell(obj, c) for c in columns]} for obj in rows],
        "fields": _kind_fields(kind) if may_edit else [],
    }


def _cell(obj: Any, column: Any) -> str:
    """A stored value as the page shows it: a choice's label, a unit's or an award's name,
    a date as dd/mm/yyyy, months with the page's decimal mark."""
    if column.datatype == CHOICE:
        return str(getattr(obj, f"get_{column.name}_display")())
    value = getattr(obj, column.name)
    if column.datatype in ("unit", "award"):
        return local_name(value)
    if column.datatype == "decimal":
        return formats.number_format(value, 1)
    return _shown(value)


def _values(kind: Kind, obj: Any) -> dict[str, Any]:
    values = {}
    for column in kind.columns:
        if column.datatype in ("unit", "award"):
            related = getattr(obj, column.name)
            values[column.name] = related.code if related else ""
        elif column.datatype == "person":
            values[column.name] = getattr(obj, f"{column.name}_id")
        else:
            values[column.name] = getattr(obj, column.name)
    return values


@login_required
def collective_page(request: Any, pk: int) -> HttpResponse:
    actor = _reader(request)
    try:
        unit = get_collective_for_actor(actor, pk)
    except NotFound:
        raise Http404 from None
    filters, error = _parsed(MembersFilters, request.GET)
    day = filters.get("on") or timezone.localdate()
    return render(request, "approvals/collective_detail.html", {
        "unit": rs.collective_profile(unit, day=day), "day": day, "error": error,
    }, status=400 if error else 200)


# --- the import: upload, preview (a dry run), confirm ------------------------------------


def _import_page(request: Any, **extra: Any) -> HttpResponse:
    context = {
        "kinds": [KINDS[code] for code in KINDS], "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
        "posted": request.POST, **extra,
    }
    status = 400 if extra.get("error") else 200
    return render(request, "approvals/register_import.html", context, status=status)


def _preview_key(request: Any, token: str) -> str:
    return f"vd-import:{request.user.pk}:{token}"


def _this_page(request: Any, *args: Any, **kwargs: Any) -> str:
    return reverse("register-import")


@login_required_back_to(_this_page)
def import_page(request: Any) -> HttpResponse:
    actor = _editor(request)
    if request.method != "POST":
        return _import_page(request)
    if request.POST.get("token"):
        return _confirm(request, actor, request.POST["token"])
    try:
        data = parse(ImportInput, {**request.POST.dict(), **request.FILES.dict()})
        upload = data["file"]
        content = upload.read(MAX_IMPORT_BYTES + 1)
        report = records_import(actor=actor, kind=data["kind"], name=upload.name or "",
                                data=content, dry_run=True)
    except WorkflowError as exc:
        return _import_page(request, error=exc, row_errors=getattr(exc, "row_errors", []))
    token = uuid.uuid4().hex
    cache.set(_preview_key(request, token), (report.kind, report.file_name, content),
              PREVIEW_SECONDS)
    return _import_page(request, report=report, token=token, kind=KINDS[report.kind])


@login_required
def import_template(request: Any, kind: str, extension: str) -> HttpResponse:
    """The blank file of one kind of rows (approvals.import_templates), for a register keeper."""
    _editor(request)
    if kind not in KINDS or extension not in TEMPLATE_TYPES:
        raise Http404
    build, content_type = TEMPLATE_TYPES[extension]
    response = HttpResponse(build(kind), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.{extension}"'
    return response


def _confirm(request: Any, actor: Actor, token: str) -> HttpResponse:
    key = _preview_key(request, token[:64])
    stored = cache.get(key)
    # Deleted first: a confirmation posted twice imports once.
    if stored is None or not cache.delete(key):
        return _import_page(request, error=InvalidInput(
            _("Bản xem trước đã hết hạn hoặc tệp đã được nhập; vui lòng tải tệp lên lại.")))
    kind, name, content = stored
    try:
        report = records_import(actor=actor, kind=kind, name=name, data=content, dry_run=False)
    except ImportRejected as exc:
        return _import_page(request, error=exc, row_errors=exc.row_errors)
    messages.success(request, _(
        "Đã nhập tệp “%(name)s”: %(created)d dòng thêm mới, %(updated)d dòng cập nhật, "
        "%(unchanged)d dòng không đổi.") % {"name": name, "created": report.created,
                                             "updated": report.updated,
                                             "unchanged": report.unchanged})
    return redirect("register-import")


# --- the standing reviewer's edits (through the register's services, approvals.register) ---


def _person_page(request: Any, pk: int, *args: Any, **kwargs: Any) -> str:
    return reverse("register-person", args=[pk])


def _editable_person(request: Any, pk: int) -> Person:
    """The person if the actor keeps the register: a reader who may not is refused (403),
    someone who may not read them gets the same 404 as for a missing person."""
    actor = _reader(request)
    try:
        return get_person_for_actor(actor, pk, edit=True)
    except NotFound:
        raise Http404 from None
    except PermissionRefused:
        raise PermissionDenied from None


def _refused(request: Any, exc: WorkflowError, template: str,
             context: dict[str, Any]) -> HttpResponse:
    exc.fields = field_names(exc.fields)
    return render_error(request, template, context, exc)


def _posted(kind: Kind, request: Any) -> dict[str, Any]:
    return {c.name: request.POST.get(c.name, "") for c in kind.columns}


@login_required_back_to(lambda request, *a, **k: reverse("register-home"))
@once_per_form
def person_create_page(request: Any) -> HttpResponse:
    _editor(request)
    kind = KINDS["persons"]
    context: dict[str, Any] = {"kind": kind, "fields": _kind_fields(kind, _posted(kind, request))}
    if request.method != "POST":
        return render(request, "approvals/record_form.html", context)
    try:
        person = person_create(user=request.user, **record_inputs("persons", request.POST))
    except WorkflowError as exc:
        return _refused(request, exc, "approvals/record_form.html", context)
    messages.success(request, _("Đã thêm cá nhân."))
    return redirect("register-person", pk=person.pk)


@login_required_back_to(_person_page)
@require_POST
@once_per_form
def person_edit(request: Any, pk: int) -> HttpResponse:
    person = _editable_person(request, pk)
    kind = KINDS["persons"]
    try:
        person_update(user=request.user, person_id=person.pk,
                      **record_inputs("persons", request.POST))
    except WorkflowError as exc:
        context = {"kind": kind, "person": person,
                   "fields": _kind_fields(kind, _posted(kind, request))}
        return _refused(request, exc, "approvals/record_form.html", context)
    messages.success(request, _("Đã lưu thông tin cá nhân."))
    return redirect("register-person", pk=person.pk)


def _kind_or_404(kind: str) -> Kind:
    if kind not in RECORD_KINDS:
        raise Http404
    return KINDS[kind]


@login_required_back_to(_person_page)
@require_POST
@once_per_form
def record_create(request: Any, pk: int, kind: str) -> HttpResponse:
    spec = _kind_or_404(kind)
    person = _editable_person(request, pk)
    try:
        values = record_inputs(kind, request.POST, person_id=person.pk)
        record_save(user=request.user, kind=spec.service_kind, values=values)
    except WorkflowError as exc:
        context = {"kind": spec, "person": person,
                   "fields": _kind_fields(spec, _posted(spec, request))}
        return _refused(request, exc, "approvals/record_form.html", context)
    messages.success(request, _("Đã thêm: %(kind)s.") % {"kind": spec.label})
    return redirect("register-person", pk=person.pk)


def _record_or_404(request: Any, kind: str, pk: int) -> tuple[Kind, Any]:
    spec = _kind_or_404(kind)
    try:
        return spec, get_record_for_actor(_reader(request), kind, pk, edit=True)
    except NotFound:
        raise Http404 from None
    except PermissionRefused:
        raise PermissionDenied from None


def _record_page(request: Any, kind: str, pk: int, *args: Any, **kwargs: Any) -> str:
    return reverse("register-record-edit", args=[kind, pk])


@login_required_back_to(_record_page)
@once_per_form
def record_edit(request: Any, kind: str, pk: int) -> HttpResponse:
    spec, record = _record_or_404(request, kind, pk)
    person = getattr(record, "person", None)
    shown = _posted(spec, request) if request.method == "POST" else _values(spec, record)
    context = {"kind": spec, "person": person, "record": record,
               "fields": _kind_fields(spec, shown)}
    if request.method != "POST":
        return render(request, "approvals/record_form.html", context)
    try:
        values = record_inputs(kind, request.POST, person_id=getattr(record, "person_id", None))
        record_save(user=request.user, kind=spec.service_kind, values=values, record_id=record.pk)
    except WorkflowError as exc:
        return _refused(request, exc, "approvals/record_form.html", context)
    messages.success(request, _("Đã lưu: %(kind)s.") % {"kind": spec.label})
    return _back(record)


def _back(record: Any) -> HttpResponse:
    if getattr(record, "person_id", None):
        return redirect("register-person", pk=record.person_id)
    return redirect("register-collective", pk=record.unit_id)


@login_required_back_to(_record_page)
@require_POST
@once_per_form
def record_delete(request: Any, kind: str, pk: int) -> HttpResponse:
    spec, record = _record_or_404(request, kind, pk)
    record_remove(user=request.user, kind=spec.service_kind, record_id=record.pk)
    messages.success(request, _("Đã xóa: %(kind)s.") % {"kind": spec.label})
    return _back(record)
