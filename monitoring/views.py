"""The managers' pages: the dashboard (and its XLSX), the alerts, the alert rules."""

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals.access import request_actor
from approvals.filters import DashboardFilters, parse_filters
from approvals.models import Campaign, Unit
from approvals.views.common import login_required_back_to
from workflow.errors import InvalidInput, NotFound, PermissionRefused, WorkflowError
from workflow.schemas import parse

from . import alerts as services
from .access import alert_units, alerts_visible_q, dashboard_units, signed_in_user
from .charts import chart_svg
from .dashboard import Scope, dashboard_figures, dashboard_scope
from .models import Alert, AlertRule
from .schemas import AcknowledgeInput, AlertRuleInput, rule_fields
from .xlsx import write_dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: HttpRequest) -> tuple[Scope | None, InvalidInput | None]:
    actor = request_actor(request)
    if not dashboard_units(actor):
        raise PermissionDenied
    try:
        return dashboard_scope(actor, **parse_filters(DashboardFilters, request.GET)), None
    except InvalidInput as exc:
        return None, exc


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, error = _scope(request)
    actor = request_actor(request)
    figures = dashboard_figures(scope, actor) if scope else []
    return render(request, "monitoring/dashboard.html", {
        "scope": scope, "filter_error": error, "query": request.GET.urlencode(),
        "figures": [(f, chart_svg(f)) for f in figures],
        "campaigns": Campaign.objects.only("id", "name"),
        "units": Unit.objects.filter(pk__in=dashboard_units(actor)).only("id", "name", "name_en"),
        "values": {k: request.GET.get(k, "") for k in ("campaign", "unit")},
    }, status=400 if error else 200)


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponseBase:
    scope, error = _scope(request)
    if scope is None:
        return redirect(f"/dashboard/?{request.GET.urlencode()}")
    target = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes
    write_dashboard(scope, dashboard_figures(scope, request_actor(request)), target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename="bang-theo-doi.xlsx",
                        content_type=XLSX)


def _require_manager(request: HttpRequest) -> None:
    if not alert_units(request_actor(request)):
        raise PermissionDenied


@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    visible = Alert.objects.filter(alerts_visible_q(request_actor(request))).select_related(
        "rule", "unit", "acknowledged_by", "nomination")
    open_alerts = visible.filter(cleared_at__isnull=True, acknowledged_at__isnull=True)
    past = visible.exclude(cleared_at__isnull=True, acknowledged_at__isnull=True)
    return render(request, "monitoring/alerts.html", {
        "open_alerts": open_alerts[:200], "open_count": open_alerts.count(),
        "past": Paginator(past, 50).get_page(request.GET.get("page")),
    })


@login_required_back_to(lambda request, pk: "/alerts/")
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    try:
        note = parse(AcknowledgeInput, request.POST)["note"]
        services.alert_acknowledge(user=signed_in_user(request), alert_id=pk, note=note)
    except NotFound:
        raise Http404 from None
    except WorkflowError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Đã xác nhận cảnh báo."))
    return redirect("alerts")


def _error_text(exc: WorkflowError) -> str:
    fields = " ".join(m for values in exc.fields.values() for m in values)
    return f"{exc.message} {fields}".strip()


@login_required
def alert_rules_page(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    actor = request_actor(request)
    status = 200
    if request.method == "POST":
        try:
            fields = rule_fields(parse(AlertRuleInput, request.POST))
            rule_id = request.POST.get("rule", "")
            services.alert_rule_save(user=signed_in_user(request),
                                     rule_id=int(rule_id) if rule_id.isdigit() else None, **fields)
        except PermissionRefused as exc:
            raise PermissionDenied from exc
        except WorkflowError as exc:
            messages.error(request, _error_text(exc))
            status = exc.status
        else:
            messages.success(request, _("Đã lưu quy tắc cảnh báo."))
            return redirect("alert-rules")
    rules: list[Any] = list(AlertRule.objects.select_related("unit", "updated_by"))
    for rule in rules:
        rule.editable = services.may_edit_rule(actor, rule.unit_id)
    return render(request, "monitoring/alert_rules.html", {
        "rules": rules, "kinds": AlertRule.Kind.choices,
        "units": Unit.objects.filter(pk__in=alert_units(actor)).only("id", "name", "name_en"),
        "may_add_body_rule": services.may_edit_rule(actor, None),
    }, status=status)
