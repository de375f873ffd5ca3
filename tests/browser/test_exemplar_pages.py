"""Exemplars in Chromium: the reviewer proposes one, the Director publishes it, and a visitor
who never signs in finds it on the public page by typing the name without accents."""

import pytest
from playwright.sync_api import expect

from approvals.models import Exemplar
from approvals.states import State
from tests import factories

pytestmark = pytest.mark.browser

STORY = "Chị Hương đi đầu trong chuyển đổi số, rút ngắn một nửa thời gian giải quyết hồ sơ."


def test_a_published_exemplar_reaches_the_public_page(org, people, nomination_in, login,
                                                      new_context, screenshot):
    huong = factories.qualify(factories.member(org["a"], "Nguyễn Thị Hương", gender="female"),
                              org["campaign"].year)
    n = nomination_in(State.APPROVED, person=huong)

    page = login(None, "reviewer")
    page.get_by_role("link", name="Điển hình tiên tiến").click()
    form = page.locator("[data-testid=exemplar-form]")
    form.locator("#e-nomination").fill(str(n.pk))
    form.locator("#e-story").fill(STORY)
    form.locator("[data-testid=propose]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-testid=exemplars] tbody tr")).to_contain_text("Nguyễn Thị Hương")

    page = login(None, "director")
    page.goto("/exemplars/")
    screenshot(page, "60-exemplar-proposed")
    page.locator("[data-testid=publish]").click()
    page.wait_for_load_state()
    assert Exemplar.objects.get().status == Exemplar.Status.PUBLISHED

    visitor = new_context().new_page()
    visitor.goto("/dien-hinh/")
    visitor.locator("input[name=q]").fill("nguyen thi huong")
    visitor.get_by_role("button", name="Lọc").click()
    visitor.wait_for_load_state()
    entry = visitor.locator("[data-testid=exemplar]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Nguyễn Thị Hương")
    expect(entry).to_contain_text("Lao động tiên tiến")
    expect(visitor.locator("a[href^='/nominations/']")).to_have_count(0)
    screenshot(visitor, "61-exemplar-public-page")
    entry.get_by_role("link").click()
    visitor.wait_for_load_state()
    expect(visitor.locator("h1")).to_have_text("Nguyễn Thị Hương")
    expect(visitor.locator(".story")).to_contain_text("chuyển đổi số")
    screenshot(visitor, "62-exemplar-public-entry")
