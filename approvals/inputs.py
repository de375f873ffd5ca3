"""The input schema of a delegation (ủy quyền khi vắng mặt), shared by its page and the API:
strings become typed values here; approvals.delegations decides what is allowed."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.errors import InvalidInput
from workflow.schemas import date_field, id_field, messages, parse, text_field

from .models import EXEMPLAR_STORY_MAX, Award, Unit
from .record_kinds import AWARD, KINDS, PERSON, UNIT, checks, schema
from .roles import DELEGABLE_ROLES, Role

DELEGABLE_CHOICES = [(r.value, r.label) for r in Role if r in DELEGABLE_ROLES]


class DelegationInput(serializers.Serializer):
    substitute = id_field(label=_("Người được ủy quyền"), missing=_("Chọn người được ủy quyền."),
                          help_text="The substitute's user id.")
    role = serializers.ChoiceField(
        choices=DELEGABLE_CHOICES, label=_("Vai trò ủy quyền"),
        error_messages=messages(missing=_("Chọn vai trò ủy quyền.")),
    )
    unit = id_field(required=False, allow_null=True, default=None, label=_("Đơn vị"),
                    help_text="Unit id; null or empty: the whole body.")
    starts_on = date_field(label=_("Từ ngày (dd/mm/yyyy)"), missing=_("Nhập “Từ ngày”."),
                           help_text="dd/mm/yyyy or yyyy-mm-dd, inclusive.")
    ends_on = date_field(label=_("Đến ngày (dd/mm/yyyy)"), missing=_("Nhập “Đến ngày”."),
                         help_text="dd/mm/yyyy or yyyy-mm-dd, inclusive.")
    note = text_field(max_length=500, required=False, label=_("Ghi chú"))


def delegation_inputs(data: Any) -> dict[str, Any]:
    """The service's keyword arguments from a form's POST or a JSON body; raises InvalidInput."""
    parsed = parse(DelegationInput, data)
    return {
        "substitute_id": parsed["substitute"], "role": parsed["role"],
        "unit_id": parsed.get("unit"), "starts_on": parsed["starts_on"],
        "ends_on": parsed["ends_on"], "note": parsed.get("note", ""),
    }


def record_inputs(kind: str, data: Any, *, partial: bool = False,
                  person_id: int | None = None) -> dict[str, Any]:
    """The values of one register row from a form's POST or a JSON body (the schema of
    approvals.record_kinds), keyed by the model's attnames as approvals.register takes them:
    a unit's or an award's code becomes its id. Raises InvalidInput naming the field."""
    spec = KINDS[kind]
    parsed = parse(schema(kind, partial=partial, without_person=person_id is not None), data)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, value in parsed.items():
        datatype = spec.column(name).datatype
        if datatype in (UNIT, AWARD):
            found = _reference(datatype, str(value)) if value not in (None, "") else None
            if found is None and value not in (None, ""):
                errors[name] = [str(_("Không tìm thấy “%(v)s”.") % {"v": value})]
            value = found
        values[name] = value
    if person_id is not None and spec.person_field:
        values[spec.person_field] = person_id
    errors.update(checks(kind, values) if not partial else {})
    if errors:
        raise InvalidInput(fields=errors)
    return {
        (f"{n}_id" if spec.column(n).datatype in (PERSON, UNIT, AWARD) else n): v
        for n, v in values.items()
    }


def _reference(datatype: str, given: str) -> int | None:
    model = Unit if datatype == UNIT else Award
    qs = model.objects.filter(code=given)
    if datatype == UNIT and given.isascii() and given.isdigit() and len(given) < 19:
        qs = Unit.objects.filter(Q(code=given) | Q(pk=int(given)))
    return qs.values_list("pk", flat=True).first()


def field_names(fields: dict[str, Any]) -> dict[str, Any]:
    """A service's field errors keyed by attname (unit_id) under the form's names (unit)."""
    return {k.removesuffix("_id"): v for k, v in fields.items()}


class ExemplarProposeInput(serializers.Serializer):
    """Đề xuất điển hình tiên tiến: the page's form and the API's body."""

    nomination = id_field(label=_("Đề nghị khen thưởng"), missing=_("Chọn đề nghị khen thưởng."),
                          help_text="The id of an approved (or reported) nomination.")
    story = text_field(max_length=EXEMPLAR_STORY_MAX, label=_("Câu chuyện điển hình"),
                       missing=_("Nhập câu chuyện điển hình."),
                       help_text="The short public story shown on the public page.")


class ExemplarDeclineInput(serializers.Serializer):
    reason = text_field(max_length=2000, label=_("Lý do"), missing=_("Vui lòng nêu lý do."))


class CompilationInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2999, label=_("Năm"),
                                    error_messages=messages(missing=_("Nhập năm.")))


def exemplar_propose_inputs(data: Any) -> dict[str, Any]:
    parsed = parse(ExemplarProposeInput, data)
    return {"nomination_id": parsed["nomination"], "story": parsed["story"]}
