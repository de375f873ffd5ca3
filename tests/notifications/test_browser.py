"""Live notifications in headless Chromium: two people, two browser contexts, no reload."""

import pytest
from playwright.sync_api import expect

from approvals.states import State
from notifications.models import Notification
from tests import factories
from tests.browser import conftest as shared
from tests.notifications.test_services import DEAD_LAYER
from workflow import services

# The shared browser fixtures (tests/browser/conftest.py), for this directory too.
browser = shared.browser
server_url = shared.server_url
new_context = shared.new_context
login = shared.login
screenshot = shared.screenshot

pytestmark = pytest.mark.browser


def test_the_reviewer_sees_a_new_nomination_and_the_bell_rise_when_the_unit_head_submits(
    people,
    draft,
    login,
    screenshot,
):
    reviewer = login(None, "reviewer")
    expect(reviewer.locator("[data-vd-notifications]")).to_have_attribute("data-ws-state", "open")
    expect(reviewer.locator('[data-inbox-count="queue"]')).to_have_text("0")
    expect(reviewer.locator("[data-unread-count]")).to_be_hidden()
    reviewer.evaluate("window.__sameDocument = true")

    head = login(None, "head")  # another browser context: another person
    head.goto(f"/nominations/{draft.pk}/")
    head.locator('form[data-action="submit"] [data-testid="do-submit"]').click()
    head.wait_for_load_state()
    assert draft.__class__.objects.get(pk=draft.pk).state == State.SUBMITTED

    bell = reviewer.locator("[data-unread-count]")
    expect(bell).to_be_visible()
    expect(bell).to_have_text("1")
    expect(reviewer.locator('[data-inbox-count="queue"]')).to_have_text("1")
    expect(reviewer.locator(f'#inbox-rows tr[data-nomination="{draft.pk}"]')).to_be_visible()
    toast = reviewer.locator("[data-vd-toasts] .vd-toast")
    expect(toast).to_contain_text(f"#{draft.pk}")
    expect(toast).to_contain_text("chờ thẩm định")
    screenshot(reviewer, "notifications-01-live-bell-and-toast")
    assert reviewer.evaluate("window.__sameDocument") is True  # no reload happened


def test_the_notification_centre_lists_marks_read_and_marks_all_read(
    people,
    nomination_in,
    login,
    screenshot,
):
    nomination_in(State.RETURNED)  # the head: the staff's new draft, then its return
    head = login(None, "head")
    expect(head.locator("[data-unread-count]")).to_have_text("2")
    head.locator("[data-vd-notifications] a").click()
    head.wait_for_url("**/notifications/")
    rows = head.locator("[data-notification-list] .vd-notification--unread")
    expect(rows).to_have_count(2)
    expect(head.locator("[data-notification-list]")).to_contain_text("bị trả lại để bổ sung")
    screenshot(head, "notifications-02-centre")

    rows.first.locator("button").click()
    expect(head.locator("[data-notification-list] .vd-notification--unread")).to_have_count(1)
    expect(head.locator("[data-unread-count]")).to_have_text("1")
    head.locator("[data-mark-all-read]").click()
    expect(head.locator("[data-notification-list] .vd-notification--unread")).to_have_count(0)
    expect(head.locator("[data-unread-count]")).to_be_hidden()
    assert not Notification.objects.filter(recipient=people["head"], read_at__isnull=True)
    assert Notification.objects.filter(recipient=people["staff"], read_at__isnull=True).count() == 1


def test_a_notice_whose_push_failed_reaches_the_page_after_a_newer_one_came_live(
    org, people, login, settings
):
    gap, newer = (factories.new_draft(org, people, name=n) for n in ("Người A", "Người B"))
    reviewer = login(None, "reviewer")
    expect(reviewer.locator("[data-vd-notifications]")).to_have_attribute("data-ws-state", "open")
    reviewer.evaluate("""window.__got = [];
        document.addEventListener("vd:notification", (e) => window.__got.push(e.detail.id));""")
    settings.CHANNEL_LAYERS = DEAD_LAYER  # its push fails: stored, never pushed
    services.nomination_submit(user=people["head"], nomination_id=gap.pk)
    head = login(None, "head")  # the newer one through the server: pushed live
    head.goto(f"/nominations/{newer.pk}/")
    head.locator('form[data-action="submit"] [data-testid="do-submit"]').click()
    head.wait_for_load_state()
    stored = list(Notification.objects.filter(recipient=people["reviewer"])
                  .order_by("id").values_list("id", flat=True))
    assert len(stored) == 2
    reviewer.wait_for_function("window.__got.length >= 2")
    reviewer.wait_for_timeout(500)  # room for a duplicate to show up
    got = reviewer.evaluate("window.__got")
    assert sorted(got) == stored and got[0] == stored[1]  # the newer one came first
    expect(reviewer.locator("[data-unread-count]")).to_have_text("2")
