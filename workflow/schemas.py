"""The input schema of each action, derived from the policy table.

One serializer per action parses what the web form, the API body and a bulk
job's stored inputs carry into the typed values the services take (str, int,
datetime.date, bool); a bad value is a field error in the request's language
(Vietnamese first). The API's OpenAPI schema is generated from the same classes.
"""

import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .errors import InvalidInput
from .policy import BULK_ACTIONS, MAX_COMMENT, POLICY, Input, Kind, Rule

DATE_FORMATS = ["%d/%m/%Y", "iso-8601"]
MAX_ID = 2**63 - 1
MAX_BULK_ITEMS = 10_000

# DRF's own Vietnamese catalogue is nearly empty: every message the schemas can give is here.
MESSAGES = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này là bắt buộc."),
    "blank": _("Trường này không được để trống."),
    "invalid": _("Giá trị không hợp lệ."),
    "max_length": _("Tối đa {max_length} ký tự."),
    "min_length": _("Tối thiểu {min_length} ký tự."),
    "max_value": _("Giá trị tối đa là {max_value}."),
    "min_value": _("Giá trị tối thiểu là {min_value}."),
    "max_string_length": _("Số quá lớn."),
    "invalid_choice": _("“{input}” không phải là lựa chọn hợp lệ."),
    "not_a_list": _("Cần một danh sách."),
    "empty": _("Danh sách không được để trống."),
    "date": _("Cần một ngày, không phải ngày giờ."),
    "make_aware": _("Thời điểm không hợp lệ."),
    "overflow": _("Ngày không hợp lệ."),
    "surrogate_characters_not_allowed": _("Có ký tự không hợp lệ."),
    "null_characters_not_allowed": _("Có ký tự không hợp lệ."),
}
# C0 control characters but tab, line feed and carriage return, and DEL: no Vietnamese text
# holds them, PostgreSQL refuses NUL, and a spreadsheet cannot hold the others.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _("Có ký tự không hợp lệ.")


def no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise serializers.ValidationError(CONTROL_MESSAGE, code="control_characters")


class Text(serializers.CharField):
    """A text field that refuses control characters (NUL among them)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", messages(Kind.TEXT))
        super().__init__(**kwargs)
        self.validators.append(no_control_characters)


INVALID = {
    Kind.INT: _("Nhập một số nguyên."),
    Kind.USER: _("Nhập một số nguyên."),
    Kind.DATE: _("Nhập ngày hợp lệ theo dạng dd/mm/yyyy."),
    Kind.BOOL: _("Chọn có hoặc không."),
}


def messages(kind: Kind | None = None, missing: Any = None, **extra: Any) -> dict[str, Any]:
    found = dict(MESSAGES)
    if kind in INVALID:
        found["invalid"] = INVALID[kind]
    if missing is not None:
        found.update(required=missing, blank=missing, null=missing)
    found.update(extra)
    return found


def text_field(
    *, max_length: int, required: bool = True, missing: Any = None, **kwargs: Any
) -> serializers.Field:
    if not required:
        kwargs.setdefault("default", "")
    return Text(
        max_length=max_length, required=required, allow_blank=not required,
        error_messages=messages(Kind.TEXT, missing), **kwargs,
    )


def date_field(*, missing: Any = None, **kwargs: Any) -> serializers.Field:
    return serializers.DateField(
        input_formats=DATE_FORMATS, error_messages=messages(Kind.DATE, missing), **kwargs
    )


def id_field(*, missing: Any = None, **kwargs: Any) -> serializers.Field:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, error_messages=messages(Kind.INT, missing), **kwargs
    )


def field_for(spec: Input, *, required: bool | None = None) -> serializers.Field:
    """The serializer field of one declared input."""
    required = spec.required if required is None else required
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help_text or None}
    # "Vui lòng nhập “Số quyết định”.": the message names the field it is about.
    missing = format_lazy(_("Vui lòng nhập “{label}”."), label=spec.label)
    if spec.kind is Kind.TEXT:
        return text_field(
            max_length=spec.max_length or 200, required=required, missing=missing, **common
        )
    if spec.kind is Kind.INT:
        return serializers.IntegerField(
            min_value=spec.min_value, max_value=spec.max_value, required=required,
            error_messages=messages(Kind.INT, missing), **common,
        )
    if spec.kind is Kind.DATE:
        return date_field(required=required, missing=missing, **common)
    if spec.kind is Kind.CHOICE:
        return serializers.ChoiceField(
            choices=[c for c, _label in spec.choices], required=required,
            error_messages=messages(Kind.CHOICE, missing), **common,
        )
    if spec.kind is Kind.BOOL:
        return serializers.BooleanField(
            required=required, default=False, error_messages=messages(Kind.BOOL, missing),
            **common,
        )
    if spec.kind is Kind.USER:
        return id_field(required=required, missing=missing, **common)
    raise ValueError(f"no field for {spec.kind}")


def comment_field(rule: Rule) -> serializers.Field:
    if rule.comment_required:
        return Text(
            max_length=MAX_COMMENT, label=_("Lý do"), help_text=_("Bắt buộc: nêu lý do."),
            error_messages=messages(Kind.TEXT, _("Vui lòng nêu lý do.")),
        )
    return text_field(max_length=MAX_COMMENT, required=False, label=_("Ý kiến"))


def _class_name(action: str, suffix: str) -> str:
    return "".join(part.capitalize() for part in action.split("_")) + suffix


@functools.cache
def action_schema(action: str) -> type[serializers.Serializer]:
    """The body of one action: its declared inputs and the comment."""
    rule = POLICY[action]
    fields: dict[str, Any] = {spec.name: field_for(spec) for spec in rule.inputs}
    fields["comment"] = comment_field(rule)
    return type(_class_name(action, "Action"), (serializers.Serializer,), fields)


@functools.cache
def bulk_schema() -> type[serializers.Serializer]:
    """A bulk request: one bulk action, many nominations, and the inputs of every bulk
    action (each optional here: the chosen action's own schema parses them again)."""
    fields: dict[str, Any] = {
        "action": serializers.ChoiceField(
            choices=[slug(a) for a in BULK_ACTIONS], error_messages=messages(Kind.CHOICE),
            label=_("Thao tác"),
        ),
        "nomination_ids": serializers.ListField(
            child=id_field(), min_length=1, max_length=MAX_BULK_ITEMS,
            error_messages=messages(
                None, _("Chọn ít nhất một đề nghị."),
                min_length=_("Chọn ít nhất một đề nghị."),
                max_length=_("Chọn tối đa {max_length} đề nghị."),
            ),
            label=_("Các đề nghị"),
        ),
        "comment": text_field(max_length=MAX_COMMENT, required=False, label=_("Ý kiến")),
    }
    for action in BULK_ACTIONS:
        for spec in POLICY[action].inputs:
            fields.setdefault(spec.name, field_for(spec, required=False))
    return type("BulkAction", (serializers.Serializer,), fields)


def slug(action: str) -> str:
    """Service name -> URL name: escalate_release -> escalate-release."""
    return action.replace("_", "-")


ACTION_SLUGS = {slug(a): a for a in POLICY}


def parse(schema: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Parse `data` (a form's POST, a JSON body, a stored job) or raise InvalidInput."""
    serializer = schema(data=data)
    if not serializer.is_valid():
        raise InvalidInput(fields=field_errors(serializer.errors))
    return dict(serializer.validated_data)


def field_errors(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for name, value in errors.items():
        if isinstance(value, Mapping):  # a list field's per-item errors
            flat[name] = [str(m) for item in value.values() for m in item]
        else:
            flat[name] = [str(m) for m in value]
    return flat


def parse_inputs(action: str, data: Any) -> dict[str, Any]:
    return parse(action_schema(action), data)


def inputs_to_json(action: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Parsed inputs -> JSON-safe values (a bulk job stores them in its row)."""
    return dict(action_schema(action)().to_representation(inputs))


def inputs_from_json(action: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Stored values -> the typed inputs the service takes (the same schema parses them)."""
    return parse_inputs(action, data)


def check_typed(rule: Rule, inputs: Mapping[str, Any]) -> None:
    """A service is called with parsed values only: a raw string where a date belongs is a
    programming error caught here, not a value to guess at."""
    names = {spec.name for spec in rule.inputs} | {"comment"}
    unknown = set(inputs) - names
    if unknown:
        raise TypeError(f"{rule.action}: unknown inputs {sorted(unknown)}")
    for spec in rule.inputs:
        value = inputs.get(spec.name)
        if value is None:
            continue
        expected = _PY[spec.kind]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise TypeError(f"{rule.action}: {spec.name} must be {expected.__name__}")


_PY: dict[Kind, type] = {
    Kind.TEXT: str, Kind.INT: int, Kind.DATE: datetime.date, Kind.CHOICE: str,
    Kind.BOOL: bool, Kind.USER: int,
}
