"""The inputs of the managers' actions on alerts, parsed at the edge (web form and API)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.schemas import id_field, messages

from .alerts import NOTE_MAX
from .models import AlertRule


class AcknowledgeInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX,
        error_messages=messages(), label=_("Ghi chú"),
    )


class AlertRuleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlertRule.Kind.choices, error_messages=messages())
    threshold = serializers.IntegerField(
        min_value=0, max_value=10_000, label=_("Ngưỡng N"),
        error_messages=messages(invalid=_("Nhập một số nguyên.")),
    )
    unit = id_field(required=False, allow_null=True, default=None,
                    help_text="Unit id; left out: the whole body.")
    enabled = serializers.BooleanField(
        required=False, default=False, error_messages=messages(invalid=_("Chọn có hoặc không."))
    )


def rule_fields(parsed: dict[str, Any]) -> dict[str, Any]:
    """AlertRuleInput's values as alert_rule_save's arguments."""
    return {"kind": parsed["kind"], "threshold": parsed["threshold"], "unit_id": parsed["unit"],
            "enabled": parsed["enabled"]}
