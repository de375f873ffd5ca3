"""The input schemas of the issued documents (approvals/decisions.py), shared by their pages
and the API: strings become typed values here; the services decide what is allowed."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.policy import Kind
from workflow.schemas import date_field, id_field, messages, parse, text_field

from .decisions import MAX_ITEMS


def _nominations() -> serializers.Field:
    return serializers.ListField(
        child=id_field(), min_length=1, max_length=MAX_ITEMS, label=_("Các đề nghị"),
        error_messages=messages(
            None, _("Chọn ít nhất một đề nghị."), min_length=_("Chọn ít nhất một đề nghị."),
            max_length=_("Chọn tối đa {max_length} đề nghị."),
        ),
        help_text="Nomination ids.",
    )


class IssuedInput(serializers.Serializer):
    number = text_field(max_length=60, label=_("Số, ký hiệu"),
                        missing=_("Vui lòng nhập số, ký hiệu văn bản."))
    date = date_field(label=_("Ngày ban hành (dd/mm/yyyy)"), missing=_("Nhập ngày ban hành."),
                      help_text="dd/mm/yyyy or yyyy-mm-dd; not in the future.")
    place = text_field(max_length=100, label=_("Địa danh"),
                       missing=_("Vui lòng nhập địa danh."))
    nominations = _nominations()


class DecisionInput(IssuedInput):
    pass


class ReportInput(IssuedInput):
    campaign = id_field(label=_("Đợt thi đua"), missing=_("Chọn đợt thi đua."))


class UpwardInput(IssuedInput):
    authority = text_field(max_length=200, label=_("Kính gửi"),
                           missing=_("Vui lòng nhập cơ quan nhận tờ trình."),
                           help_text="The authority that decides, e.g. Bộ trưởng Bộ Tư pháp.")


class OutcomeInput(serializers.Serializer):
    conferred = serializers.BooleanField(label=_("Cấp trên đã khen thưởng"),
                                         error_messages=messages(Kind.BOOL))
    decision_number = text_field(max_length=60, required=False,
                                 label=_("Số quyết định của cấp trên"))
    decision_date = date_field(required=False, allow_null=True, default=None,
                               label=_("Ngày quyết định của cấp trên (dd/mm/yyyy)"))
    note = text_field(max_length=500, required=False, label=_("Ghi chú"))


def _header(parsed: dict[str, Any]) -> dict[str, Any]:
    return {"number": parsed["number"], "date": parsed["date"], "place": parsed["place"],
            "nomination_ids": parsed["nominations"]}


def decision_inputs(data: Any) -> dict[str, Any]:
    """decision_create's keyword arguments from a form's POST or a JSON body."""
    return _header(parse(DecisionInput, data))


def report_inputs(data: Any) -> dict[str, Any]:
    parsed = parse(ReportInput, data)
    return {**_header(parsed), "campaign_id": parsed["campaign"]}


def upward_inputs(data: Any) -> dict[str, Any]:
    parsed = parse(UpwardInput, data)
    return {**_header(parsed), "authority": parsed["authority"]}


def outcome_inputs(data: Any) -> dict[str, Any]:
    parsed = parse(OutcomeInput, data)
    return {"conferred": parsed["conferred"], "decision_number": parsed["decision_number"],
            "decision_date": parsed["decision_date"], "note": parsed["note"]}
