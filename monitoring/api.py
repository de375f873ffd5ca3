"""The dashboard, the alerts and the alert rules over the REST API (/api/v1/...)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.access import request_actor
from approvals.filters import AlertFilters, DashboardFilters, parse_filters
from workflow.errors import NotFound, PermissionRefused
from workflow.schemas import parse

from . import alerts as services
from .access import (
    MANAGERS_ONLY,
    alert_units,
    alerts_visible_q,
    get_alert_for_actor,
    signed_in_user,
)
from .dashboard import FIGURES, Figure, Scope, dashboard_figures, dashboard_scope
from .models import Alert, AlertRule
from .schemas import AcknowledgeInput, AlertRuleInput, rule_fields

MAX_ALERTS = 500


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()),
                                 help_text="One list per row, in the order of `columns`.")
    note = serializers.CharField()
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When a stored whole-body figure was computed; null: now.")


class DashboardSerializer(serializers.Serializer):
    campaign = serializers.DictField(help_text="id, code and name of the campaign shown.")
    unit = serializers.DictField(allow_null=True, help_text="The unit filtered on, if any.")
    today = serializers.DateField()
    figures = FigureSerializer(many=True)


def _scope(request: Request) -> Scope:
    return dashboard_scope(request_actor(request),
                           **parse_filters(DashboardFilters, request.query_params))


def _body(scope: Scope, figures: list[Figure]) -> dict[str, Any]:
    campaign, unit = scope.campaign, scope.unit
    return {
        "campaign": {"id": campaign.pk, "code": campaign.code, "name": campaign.name},
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None,
        "today": scope.today,
        "figures": [{"key": f.key, "title": f.title, "columns": f.columns, "rows": f.rows,
                     "note": f.note, "computed_at": f.computed_at} for f in figures],
    }


class Dashboard(APIView):
    """Every figure of the dashboard: managers, the Director and the standing reviewer."""

    @extend_schema(parameters=[DashboardFilters], responses=DashboardSerializer)
    def get(self, request: Request) -> Response:
        scope = _scope(request)
        body = _body(scope, dashboard_figures(scope, request_actor(request)))
        return Response(DashboardSerializer(body).data)


class DashboardFigure(APIView):
    """One figure; `key` is one of the figures' keys (wip, wip_unit, ..., overdue)."""

    @extend_schema(parameters=[DashboardFilters], responses=DashboardSerializer,
                   operation_id="dashboard_figure_retrieve")
    def get(self, request: Request, key: str) -> Response:
        if key not in FIGURES:
            raise NotFound()
        scope = _scope(request)
        body = _body(scope, dashboard_figures(scope, request_actor(request), only=key))
        return Response(DashboardSerializer(body).data)


class AlertSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="rule.kind")
    unit = serializers.CharField(source="unit.code")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", allow_null=True,
                                            default=None)

    class Meta:
        model = Alert
        fields = ["id", "kind", "key", "unit", "nomination", "campaign", "holder", "value",
                  "text_vi", "text_en", "raised_at", "cleared_at", "acknowledged_at",
                  "acknowledged_by", "note"]


def _manager(request: Request) -> None:
    if not alert_units(request_actor(request)):
        raise PermissionRefused(MANAGERS_ONLY)


class Alerts(APIView):
    """The alerts of the units you manage: open (default) or past, newest first."""

    @extend_schema(parameters=[AlertFilters], responses=AlertSerializer(many=True))
    def get(self, request: Request) -> Response:
        _manager(request)
        status = parse_filters(AlertFilters, request.query_params)["status"]
        qs = Alert.objects.filter(alerts_visible_q(request_actor(request))).select_related(
            "rule", "unit", "acknowledged_by")
        open_q = {"cleared_at__isnull": True, "acknowledged_at__isnull": True}
        qs = qs.filter(**open_q) if status == "open" else qs.exclude(**open_q)
        return Response(AlertSerializer(qs[:MAX_ALERTS], many=True).data)


class AlertAcknowledge(APIView):
    @extend_schema(request=AcknowledgeInput, responses=AlertSerializer)
    def post(self, request: Request, pk: int) -> Response:
        _manager(request)
        note = parse(AcknowledgeInput, request.data)["note"]
        services.alert_acknowledge(user=signed_in_user(request), alert_id=pk, note=note)
        alert = get_alert_for_actor(request_actor(request), pk)
        return Response(AlertSerializer(alert).data)


class AlertRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertRule
        fields = ["id", "kind", "threshold", "unit", "enabled", "updated_at"]


class AlertRules(APIView):
    @extend_schema(responses=AlertRuleSerializer(many=True))
    def get(self, request: Request) -> Response:
        _manager(request)
        return Response(AlertRuleSerializer(AlertRule.objects.all(), many=True).data)

    @extend_schema(request=AlertRuleInput, responses={201: AlertRuleSerializer})
    def post(self, request: Request) -> Response:
        fields = rule_fields(parse(AlertRuleInput, request.data))
        rule = services.alert_rule_save(user=signed_in_user(request), rule_id=None, **fields)
        return Response(AlertRuleSerializer(rule).data, status=201)


class AlertRuleDetail(APIView):
    @extend_schema(request=AlertRuleInput, responses=AlertRuleSerializer)
    def put(self, request: Request, pk: int) -> Response:
        fields = rule_fields(parse(AlertRuleInput, request.data))
        rule = services.alert_rule_save(user=signed_in_user(request), rule_id=pk, **fields)
        return Response(AlertRuleSerializer(rule).data)
