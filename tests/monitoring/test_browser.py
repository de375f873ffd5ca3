"""The dashboard and the alerts page in headless Chromium; an alert arrives live."""

import datetime
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from approvals.models import Nomination
from approvals.states import State
from monitoring.alerts import alerts_scan
from monitoring.models import AlertRule
from tests import factories
from tests.browser import conftest as shared

browser = shared.browser
server_url = shared.server_url
new_context = shared.new_context
login = shared.login
screenshot = shared.screenshot

pytestmark = pytest.mark.browser


def scan_elsewhere() -> None:
    """Scan as beat's worker would, in a thread of its own: this one runs Playwright's event
    loop, where the after-commit push could not reach the channel layer."""

    def scan() -> None:
        alerts_scan()
        connection.close()

    thread = threading.Thread(target=scan)
    thread.start()
    thread.join(30)


def test_the_manager_reads_the_dashboard_and_acknowledges_a_live_alert(org, people, login,
                                                                      screenshot):
    for state in (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_DIRECTOR, State.RETURNED,
                  State.REPORTED):
        factories.nomination_in(org, people, state, name=f"Người {state}")
    late = factories.nomination_in(org, people, State.SUBMITTED, name="Trễ hạn")
    AlertRule.objects.create(kind=AlertRule.Kind.OVERDUE, threshold=0)

    manager = login(None, "manager")
    manager.goto("/")
    manager.wait_for_url("**/dashboard/")
    expect(manager.locator("h1")).to_have_text("Bảng theo dõi")
    wip = manager.locator('[data-figure="wip"]')
    expect(wip.locator("svg[role=img] #chart-wip-t")).to_have_text("Hồ sơ đang xử lý theo bước")
    expect(wip.locator("tbody tr")).to_have_count(3)  # prepare, review, decide
    expect(manager.locator('[data-figure="trend"] svg polyline').first).to_be_attached()
    screenshot(manager, "monitoring-01-dashboard")

    manager.select_option("#d-unit", str(org["b"].pk))
    manager.click('[data-testid="dashboard-filters"] button[type=submit]')
    expect(manager.locator('[data-figure="wip"] .empty')).to_be_visible()  # unit B: no work

    manager.goto("/alerts/")
    expect(manager.locator("[data-vd-notifications]")).to_have_attribute("data-ws-state", "open")
    expect(manager.locator(".empty").first).to_contain_text("Không có cảnh báo nào đang mở")
    Nomination.objects.filter(pk=late.pk).update(due_on=datetime.date(2026, 1, 5))
    scan_elsewhere()
    toast = manager.locator("[data-vd-toasts] .vd-toast")
    expect(toast).to_contain_text(f"#{late.pk}")
    expect(toast).to_contain_text("quá hạn")
    expect(manager.locator("[data-unread-count]")).to_have_text("1")
    screenshot(manager, "monitoring-02-live-alert")

    manager.reload()
    item = manager.locator('[data-testid="open-alerts"] li').first
    expect(item).to_contain_text("Trễ hạn")
    item.locator("input[name=note]").fill("Đã nhắc phòng thẩm định")
    item.get_by_role("button", name="Xác nhận đã biết").click()
    manager.wait_for_url("**/alerts/")
    expect(manager.locator('[data-testid="past-alerts"]')).to_contain_text(
        "Đã nhắc phòng thẩm định")
    screenshot(manager, "monitoring-03-alerts-acknowledged")
