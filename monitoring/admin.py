from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from approvals.admin import ThroughServices

from .access import signed_in_user
from .alerts import MAX_THRESHOLD, alert_rule_save
from .models import Alert, AlertRule, StageVisit


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ("kind", "threshold", "unit", "enabled")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        most = MAX_THRESHOLD.get(data.get("kind", ""), 10_000)
        if data.get("threshold") is not None and data["threshold"] > most:
            self.add_error("threshold", _("Ngưỡng phải từ 0 đến %(n)d.") % {"n": most})
        return data


@admin.register(AlertRule)
class AlertRuleAdmin(ThroughServices):
    """Saved through alert_rule_save (its own durable transaction); a rule is switched off,
    not deleted, so that its alerts stay on record."""

    list_display = ("id", "kind", "threshold", "unit", "enabled", "updated_at", "updated_by")
    list_filter = ("kind", "enabled")
    form = AlertRuleForm

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AlertRule, form: Any, change: bool) -> None:
        # Through the service, as from the managers' page (it checks who may).
        saved = alert_rule_save(user=signed_in_user(request), rule_id=obj.pk if change else None,
                                kind=obj.kind, threshold=obj.threshold, unit_id=obj.unit_id,
                                enabled=obj.enabled)
        obj.pk = saved.pk


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts are raised and cleared by the scan and acknowledged by managers: read-only."""

    list_display = ("id", "rule", "unit", "raised_at", "cleared_at", "acknowledged_at")
    list_filter = ("rule__kind",)
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StageVisit)
class StageVisitAdmin(admin.ModelAdmin):
    list_display = ("nomination", "stage", "entered_at", "left_at", "holder", "outcome")
    list_filter = ("stage",)
    raw_id_fields = ("nomination", "holder")
    readonly_fields = [f.name for f in StageVisit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
