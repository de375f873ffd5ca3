"""The register's kinds of rows, declared once: persons, memberships and each record type.

For each kind: its model, its columns (the field, its Vietnamese header, its type) and how a
row is matched to one already stored. The import of a file (approvals/imports.py), the
register's web forms and the API's bodies all parse with the schema built here from the same
columns; a bad value is a field error in the request's language. A file's header may name a
column by its Vietnamese header or by its code, accents and case aside; a choice may be given
by its code or its label.
"""

import datetime
import decimal
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.schemas import MAX_ID, Text, date_field, id_field, messages

from .models import (
    Discipline,
    Initiative,
    Membership,
    PastAward,
    PendingCase,
    Person,
    RecognitionLevel,
    ResearchProject,
    YearRating,
)
from .search import fold

# Column types.
TEXT, INT, DECIMAL, DATE, CHOICE, PERSON, UNIT, AWARD = (
    "text", "int", "decimal", "date", "choice", "person", "unit", "award"
)
REFERENCES = {PERSON: "person", UNIT: "unit", AWARD: "award"}
MIN_YEAR, MAX_YEAR = 1945, 2100


@dataclass(frozen=True)
class Column:
    name: str  # the model field (for references: the foreign key's name)
    label: str | Promise  # the file's header and the form's label
    datatype: str = TEXT
    required: bool = True
    max_length: int = 200
    choices: type[models.TextChoices] | None = None
    min_value: Any = None
    max_value: Any = None


@dataclass(frozen=True)
class Kind:
    code: str  # the URL's and the API's name
    model: type[models.Model]
    label: str | Promise
    columns: tuple[Column, ...]
    # A row whose values of these columns match a stored row updates it (a yearly rating);
    # otherwise a row with an id updates that row and one without creates a new row.
    natural_key: tuple[str, ...] = ()
    person_field: str | None = "person"  # whose record it is (None: the person itself)
    service_kind: str = ""  # its name in approvals.register's record_save / record_delete

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _year(name: str, label: str | Promise) -> Column:
    return Column(name, label, INT, min_value=MIN_YEAR, max_value=MAX_YEAR)


def _months(name: str, label: str | Promise, *, required: bool = True) -> Column:
    return Column(name, label, DECIMAL, required=required, min_value=decimal.Decimal(0),
                  max_value=decimal.Decimal(12))


PERSON_COLUMN = Column("person", _("Mã cá nhân"), PERSON)

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind("persons", Person, _("Cá nhân"), (
            Column("full_name", _("Họ và tên")),
            Column("gender", _("Giới tính"), CHOICE, choices=Person.Gender),
            Column("position", _("Chức vụ"), required=False),
            Column("recruited_on", _("Ngày tuyển dụng"), DATE, required=False),
        ), person_field=None),
        Kind("memberships", Membership, _("Quá trình công tác"), (
            PERSON_COLUMN,
            Column("unit", _("Mã đơn vị"), UNIT),
            Column("starts_on", _("Từ ngày"), DATE),
            Column("ends_on", _("Đến ngày"), DATE, required=False),
        ), service_kind="membership"),
        Kind("ratings", YearRating, _("Xếp loại năm"), (
            PERSON_COLUMN,
            _year("year", _("Năm")),
            Column("rating", _("Xếp loại"), CHOICE, choices=YearRating.Rating),
            _months("months_worked", _("Số tháng công tác")),
            _months("maternity_months", _("Số tháng nghỉ thai sản"), required=False),
        ), natural_key=("person", "year"), service_kind="rating"),
        Kind("initiatives", Initiative, _("Sáng kiến"), (
            PERSON_COLUMN,
            Column("title", _("Tên sáng kiến"), max_length=300),
            Column("level", _("Cấp công nhận"), CHOICE, choices=RecognitionLevel),
            _year("year", _("Năm công nhận")),
            Column("recognition_ref", _("Số quyết định công nhận"), required=False,
                   max_length=100),
        ), service_kind="initiative"),
        Kind("research", ResearchProject, _("Đề tài khoa học"), (
            PERSON_COLUMN,
            Column("title", _("Tên đề tài"), max_length=300),
            _year("accepted_year", _("Năm nghiệm thu")),
            Column("level", _("Cấp"), CHOICE, choices=RecognitionLevel),
        ), service_kind="research"),
        Kind("disciplines", Discipline, _("Kỷ luật"), (
            PERSON_COLUMN,
            Column("level", _("Hình thức kỷ luật"), CHOICE, choices=Discipline.Level),
            Column("decision_ref", _("Số quyết định"), max_length=100),
            Column("effective_from", _("Có hiệu lực từ"), DATE),
            Column("effective_to", _("Hết hiệu lực"), DATE),
        ), service_kind="discipline"),
        Kind("pending_cases", PendingCase, _("Vụ việc đang xem xét"), (
            PERSON_COLUMN,
            Column("kind", _("Loại vụ việc"), CHOICE, choices=PendingCase.Kind),
            Column("opened_on", _("Ngày bắt đầu"), DATE),
            Column("closed_on", _("Ngày kết thúc"), DATE, required=False),
            Column("note", _("Ghi chú"), required=False, max_length=500),
        ), service_kind="pending_case"),
        Kind("past_awards", PastAward, _("Khen thưởng đã có"), (
            Column("person", _("Mã cá nhân"), PERSON, required=False),
            Column("unit", _("Mã tập thể (đơn vị)"), UNIT, required=False),
            Column("award", _("Mã danh hiệu"), AWARD),
            _year("year", _("Năm")),
            Column("decision_number", _("Số quyết định"), max_length=100),
            Column("decision_date", _("Ngày quyết định"), DATE),
            Column("decider", _("Cấp quyết định")),
        ), service_kind="past_award"),
    )
}
RECORD_KINDS = tuple(k for k in KINDS if KINDS[k].person_field)  # the records of a person
KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]
ID_LABEL = _("Mã")  # the optional first column: the id of the row to update


# --- parsing ---------------------------------------------------------------


class LabelledChoice(serializers.ChoiceField):
    """A choice given by its code or its label, accents and case aside ("Hoàn thành tốt
    nhiệm vụ", "hoan thanh tot nhiem vu" and "good" are one value)."""

    def __init__(self, *, text_choices: type[models.TextChoices], **kwargs: Any) -> None:
        self._by_text = {fold(str(v)).casefold(): v for v in text_choices.values}
        self._by_text.update({fold(str(lab)).casefold(): v for v, lab in text_choices.choices})
        super().__init__(choices=text_choices.choices, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        found = self._by_text.get(fold(str(data)).strip().casefold())
        return super().to_internal_value(found if found is not None else data)


class CommaDecimal(serializers.DecimalField):
    """A number of months: "11,5" (the Vietnamese decimal mark) or "11.5"."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = data.strip().replace(",", ".")
        return super().to_internal_value(data)


class CodeField(serializers.CharField):
    """A unit's or an award's code (or a unit's id): resolved by the caller."""


def field_for(column: Column, *, partial: bool = False) -> serializers.Field:
    required = column.required and not partial
    common: dict[str, Any] = {"label": column.label, "required": required}
    if column.datatype == TEXT:
        if not required:
            common["default"] = "" if not partial else serializers.empty
        return Text(max_length=column.max_length, allow_blank=not column.required,
                    **{k: v for k, v in common.items() if v is not serializers.empty})
    optional: dict[str, Any] = {} if column.required else {"allow_null": True}
    if not required and not partial:
        optional["default"] = None
    if column.datatype == INT:
        return serializers.IntegerField(
            min_value=column.min_value, max_value=column.max_value,
            error_messages=messages(None, invalid=_("Nhập một số nguyên.")), **common, **optional,
        )
    if column.datatype == DECIMAL:
        if not column.required and not partial:
            optional["default"] = decimal.Decimal(0)
        return CommaDecimal(
            max_digits=4, decimal_places=1, min_value=column.min_value,
            max_value=column.max_value,
            error_messages=messages(
                None, invalid=_("Nhập một số (ví dụ 11,5)."),
                max_decimal_places=_("Tối đa {max_decimal_places} chữ số thập phân."),
                max_digits=_("Số quá lớn."), max_whole_digits=_("Số quá lớn."),
            ),
            **common, **optional,
        )
    if column.datatype == DATE:
        return date_field(**common, **optional)
    if column.datatype == CHOICE:
        assert column.choices is not None
        if not column.required:
            optional = {"allow_blank": True, **({} if partial else {"default": ""})}
        return LabelledChoice(text_choices=column.choices, error_messages=messages(),
                              **common, **optional)
    if column.datatype == PERSON:
        return id_field(**common, **optional)
    return CodeField(max_length=40, error_messages=messages(), **common, **optional)


@functools.cache
def schema(code: str, *, with_id: bool = False, partial: bool = False,
           without_person: bool = False) -> type[serializers.Serializer]:
    """The input schema of one kind: a file's row (with its optional id), a form's or an API
    body (without the person when the URL names them; `partial`: a PATCH)."""
    kind = KINDS[code]
    fields: dict[str, Any] = {}
    if with_id:
        fields["id"] = serializers.IntegerField(
            label=ID_LABEL, required=False, allow_null=True, min_value=1, max_value=MAX_ID,
            error_messages=messages(None, invalid=_("Nhập một số nguyên.")),
        )
    for column in kind.columns:
        if without_person and column.datatype == PERSON and kind.person_field == column.name:
            continue
        fields[column.name] = field_for(column, partial=partial)
    name = "".join(p.capitalize() for p in code.split("_")) + ("Patch" if partial else "Input")
    if without_person:
        name += "Own"
    return type(name, (serializers.Serializer,), fields)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a form would carry: a date as yyyy-mm-dd, 2024.0 as
    2024, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_names(code: str) -> dict[str, str]:
    """Folded header text -> column name (or "id"): "Họ và tên", "ho va ten", "full_name"."""
    kind = KINDS[code]
    known = {"id": "id", fold(str(ID_LABEL)).casefold(): "id"}
    for column in kind.columns:
        known[column.name] = column.name
        known[fold(str(column.label)).casefold()] = column.name
    return known


def checks(code: str, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Rules across the columns of one row (the database's checks, said in Vietnamese)."""
    errors: dict[str, list[str]] = {}
    pairs = {
        "memberships": ("starts_on", "ends_on", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")),
        "disciplines": ("effective_from", "effective_to",
                        _("“Hết hiệu lực” phải sau hoặc bằng “Có hiệu lực từ”.")),
        "pending_cases": ("opened_on", "closed_on",
                          _("“Ngày kết thúc” phải sau hoặc bằng “Ngày bắt đầu”.")),
    }
    if code in pairs:
        start, end, message = pairs[code]
        if values.get(start) and values.get(end) and values[end] < values[start]:
            errors[end] = [str(message)]
    if code == "past_awards" and "person" in values and "unit" in values:
        if bool(values.get("person")) == bool(values.get("unit")):
            errors["person"] = [str(_("Ghi đúng một trong hai: mã cá nhân hoặc mã tập thể."))]
    return errors
