"""The dashboard, alerts and rules pages, the XLSX export and the API."""

import datetime
import io
import re

import pytest
from django.http import HttpRequest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from approvals.models import Nomination
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from monitoring.alerts import alerts_scan
from monitoring.dashboard import FIGURES
from monitoring.models import Alert, AlertRule
from tests import factories


@pytest.fixture
def login(client, people):
    def as_(name):
        assert client.login(request=HttpRequest(), username=name, password=factories.PASSWORD)
        return client

    return as_


@pytest.fixture
def api(people):
    def as_(name):
        client = APIClient()
        client.force_authenticate(people[name])
        return client

    return as_


@pytest.fixture
def late_alert(org, people, nomination_in):
    AlertRule.objects.create(kind=AlertRule.Kind.OVERDUE, threshold=0)
    n = nomination_in(State.SUBMITTED)
    Nomination.objects.filter(pk=n.pk).update(due_on=datetime.date(2026, 1, 5))
    alerts_scan()
    return Alert.objects.get()


def test_a_manager_lands_on_the_dashboard_and_others_on_their_inbox(login):
    assert login("manager").get("/").url == reverse("dashboard")
    assert login("reviewer").get("/").url == reverse("inbox")


def test_the_dashboard_draws_charts_with_their_tables(login, nomination_in):
    nomination_in(State.IN_REVIEW)
    nomination_in(State.AWAITING_DIRECTOR, name="Hai")
    for name in ("manager", "director", "reviewer"):
        response = login(name).get(reverse("dashboard"))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<svg class="chart" role="img"' in html and 'data-chart="wip"' in html
        assert "<title id=\"chart-wip-t\">Hồ sơ đang xử lý theo bước</title>" in html
        assert html.count('<table class="table table--figure">') >= 10
        assert re.search(r'(src|href)="(https?:)?//', html) is None  # nothing from elsewhere


def test_the_dashboard_is_refused_to_other_roles(login):
    for name in ("staff", "head", "auditor", "liaison", "secretary", "admin"):
        assert login(name).get(reverse("dashboard")).status_code == 403, name


def test_a_bad_filter_is_a_vietnamese_field_error(login):
    response = login("manager").get(reverse("dashboard"), {"unit": "khong-co"})
    assert response.status_code == 400
    assert "Đơn vị không có hoặc ngoài phạm vi bạn theo dõi." in response.content.decode()


def test_every_figure_is_a_sheet_of_the_xlsx(login, nomination_in):
    nomination_in(State.IN_REVIEW)
    response = login("manager").get(reverse("dashboard-xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == FIGURES  # every figure, work held by people away included
    rows = list(book["wip"].values)
    assert rows[0][0] == "Hồ sơ đang xử lý theo bước"
    assert rows[2] == ("Bước", "Tổng", "Chờ nhận", "Đã có người nhận")
    assert ("Thẩm định", 1, 0, 1) in rows


def test_the_alerts_page_lists_and_acknowledges(login, late_alert):
    client = login("manager")
    html = client.get(reverse("alerts")).content.decode()
    assert f'data-alert="{late_alert.pk}"' in html and "quá hạn" in html
    response = client.post(reverse("alert-acknowledge", args=[late_alert.pk]),
                           {"note": "Đã nhắc"})
    assert response.status_code == 302
    late_alert.refresh_from_db()
    assert late_alert.acknowledged_at is not None and late_alert.note == "Đã nhắc"
    html = client.get(reverse("alerts")).content.decode()
    assert "Đã nhắc" in html and 'data-testid="open-alerts"' not in html


def test_a_manager_of_another_unit_neither_sees_nor_acknowledges(login, org, people,
                                                                 late_alert):
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    client = login("outsider_head")
    assert f'data-alert="{late_alert.pk}"' not in client.get(reverse("alerts")).content.decode()
    response = client.post(reverse("alert-acknowledge", args=[late_alert.pk]))
    assert response.status_code == 404
    assert login("reviewer").get(reverse("alerts")).status_code == 403


def test_a_manager_adds_and_changes_a_rule_on_the_page(login):
    client = login("manager")
    response = client.post(reverse("alert-rules"),
                           {"kind": "queue", "threshold": "7", "unit": "", "enabled": "true"})
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.kind, rule.threshold, rule.unit, rule.enabled) == ("queue", 7, None, True)
    client.post(reverse("alert-rules"), {"rule": rule.pk, "kind": "queue", "threshold": "3",
                                         "unit": ""})
    rule.refresh_from_db()
    assert (rule.threshold, rule.enabled) == (3, False)
    bad = client.post(reverse("alert-rules"), {"kind": "queue", "threshold": "nhiều"})
    assert bad.status_code == 400 and "Nhập một số nguyên." in bad.content.decode()


def test_the_api_returns_every_figure_and_one_figure(api, nomination_in):
    nomination_in(State.IN_REVIEW)
    body = api("manager").get("/api/v1/dashboard/").json()
    keys = [f["key"] for f in body["figures"]]
    assert keys == FIGURES
    wip = api("director").get("/api/v1/dashboard/wip/").json()["figures"]
    assert wip == [{"key": "wip", "title": "Hồ sơ đang xử lý theo bước",
                    "columns": ["Bước", "Tổng", "Chờ nhận", "Đã có người nhận"],
                    "rows": [["Thẩm định", 1, 0, 1]], "note": "", "computed_at": None}]
    assert api("manager").get("/api/v1/dashboard/khong-co/").status_code == 404
    bad = api("manager").get("/api/v1/dashboard/", {"campaign": "khong-co"})
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"campaign": ["Không có đợt thi đua này."]}
    assert api("staff").get("/api/v1/dashboard/").status_code == 403


def test_the_api_lists_and_acknowledges_alerts(api, late_alert):
    listed = api("manager").get("/api/v1/alerts/").json()
    assert [a["id"] for a in listed] == [late_alert.pk] and listed[0]["kind"] == "overdue"
    done = api("manager").post(f"/api/v1/alerts/{late_alert.pk}/acknowledge/",
                               {"note": "ok"}, format="json")
    assert done.status_code == 200 and done.json()["acknowledged_by"] == "manager"
    again = api("manager").post(f"/api/v1/alerts/{late_alert.pk}/acknowledge/", {},
                                format="json")
    assert again.status_code == 409
    assert api("manager").get("/api/v1/alerts/", {"status": "past"}).json()[0]["note"] == "ok"
    assert api("reviewer").get("/api/v1/alerts/").status_code == 403


def test_the_openapi_schema_documents_the_dashboard_and_alerts(api):
    schema = api("manager").get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/dashboard/", "/api/v1/dashboard/{key}/", "/api/v1/alerts/",
                 "/api/v1/alerts/{id}/acknowledge/", "/api/v1/alert-rules/"):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/dashboard/"]["get"]["parameters"]}
    assert {"campaign", "unit"} <= params


def test_the_dashboard_speaks_english_too(login, nomination_in):
    nomination_in(State.IN_REVIEW)
    client = login("manager")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("dashboard")).content.decode()
    assert "Work in progress by stage" in html and "Waiting to be claimed" in html
    assert "Time in stage: waiting to be claimed and claimed" in html


def test_an_administrator_edits_a_rule_in_the_admin_through_the_service(login, people):
    people["admin"].is_superuser = True  # as the demo's administrator: the admin's model rights
    people["admin"].save()
    client = login("admin")
    response = client.post("/admin/monitoring/alertrule/add/",
                           {"kind": "idle_holder", "threshold": "4", "unit": "", "enabled": "on"})
    assert response.status_code == 302, response.content.decode()[:500]
    rule = AlertRule.objects.get()
    assert (rule.kind, rule.threshold, rule.updated_by) == ("idle_holder", 4, people["admin"])


def test_the_admin_refuses_a_share_above_100_with_a_field_error(login, people):
    people["admin"].is_superuser = True
    people["admin"].save()
    response = login("admin").post("/admin/monitoring/alertrule/add/",
                                   {"kind": "return_share", "threshold": "150", "unit": ""})
    assert response.status_code == 200 and "Ngưỡng phải từ 0 đến 100." in response.content.decode()
    assert not AlertRule.objects.exists()
