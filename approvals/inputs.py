"""The input schema of a delegation (ủy quyền khi vắng mặt), shared by its page and the API:
strings become typed values here; approvals.delegations decides what is allowed."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.schemas import date_field, id_field, messages, parse, text_field

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
