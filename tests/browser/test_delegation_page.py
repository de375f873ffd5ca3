"""The delegation page in Chromium: lend a role, see it listed, cancel it after the question."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import Delegation
from approvals.roles import Role
from tests.factories import person

pytestmark = pytest.mark.browser


def test_a_reviewer_lends_her_role_sees_it_listed_and_cancels_it(people, login, screenshot):
    substitute = person("nv.an", first_name="An", last_name="Nguyễn Văn")
    ends = timezone.localdate() + datetime.timedelta(days=4)
    page = login(None, "reviewer")
    page.get_by_role("link", name="Ủy quyền").click()
    expect(page.locator("h1")).to_have_text("Ủy quyền khi vắng mặt")
    form = page.locator("[data-testid=delegation-form]")
    form.locator("#d-role").select_option(Role.STANDING_REVIEWER)
    form.locator("#d-substitute").select_option(str(substitute.pk))
    form.locator("#d-ends").fill(ends.strftime("%d/%m/%Y"))
    form.locator("#d-note").fill("Nghỉ phép năm")
    screenshot(page, "20-delegation-form")
    form.locator("[data-testid=delegate]").click()
    page.wait_for_load_state()
    row = page.locator("[data-testid=delegations] tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Nguyễn Văn An")
    expect(row.locator("[data-testid=delegation-status]")).to_have_text("Đang có hiệu lực")
    screenshot(page, "21-delegation-listed")

    questions = []
    page.on("dialog", lambda dialog: questions.append(dialog.message))
    row.locator("[data-testid=cancel-delegation]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=delegation-status]")).to_have_text("Đã hủy")
    expect(page.locator("[data-testid=cancel-delegation]")).to_have_count(0)
    screenshot(page, "22-delegation-cancelled")
    assert questions and questions[0].startswith("Hủy ủy quyền cho Nguyễn Văn An?")
    made = Delegation.objects.get()
    assert made.cancelled_at is not None and made.ends_on == ends
