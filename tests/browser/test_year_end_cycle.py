"""The end of the year in Chromium, after the council's ballot (tests/browser/test_web_app.py
drives a draft through it): the Director issues one decision over two proposals and
downloads it, the liaison reports them to the provincial board, and one of them, published
as an exemplar, is what a visitor who never signs in finds on the public page."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from approvals.models import Decision, Exemplar, Nomination
from approvals.states import State
from tests import factories

pytestmark = pytest.mark.browser

STORY = "Chị Lan giải quyết dứt điểm các vụ việc tồn đọng nhiều năm của đơn vị."


def issue(page, kind, number, ids, *, campaign=None):
    page.goto(f"/documents/{kind}/new/")
    form = page.locator("[data-testid=document-form]")
    form.locator("#i-number").fill(number)
    form.locator("#i-place").fill("Minh Sơn")
    if campaign is not None:
        form.locator("#i-campaign").select_option(str(campaign))
    for pk in ids:
        form.locator(f"#n-{pk}").check()
    form.locator("[data-testid=issue]").click()
    page.wait_for_url(f"**/documents/{kind}/*/")


def test_a_decision_a_report_and_an_exemplar_close_the_year(
    org, people, login, new_context, screenshot
):
    lan = factories.qualify(factories.member(org["a"], "Trần Thị Lan", gender="female"),
                            org["campaign"].year)
    first = factories.nomination_in(org, people, State.AWAITING_DIRECTOR, person=lan)
    second = factories.nomination_in(org, people, State.AWAITING_DIRECTOR,
                                     name="Phạm Văn Bình")
    ids = [first.pk, second.pk]

    director = login(None, "director")
    issue(director, "decision", "40/QĐ-THADS", ids)
    expect(director.locator("[data-testid=lines]")).to_contain_text("Trần Thị Lan")
    expect(director.locator("[data-testid=lines]")).to_contain_text("Phạm Văn Bình")
    screenshot(director, "70-decision-issued")
    with director.expect_download() as download:
        director.locator("[data-testid=download-docx]").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "40/QĐ-THADS" in text
    assert Decision.objects.get().lines.count() == 2
    assert set(Nomination.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        State.APPROVED}

    liaison = login(None, "liaison")
    issue(liaison, "report", "41/BC-THADS", ids, campaign=org["campaign"].pk)
    screenshot(liaison, "71-report-issued")
    assert set(Nomination.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        State.REPORTED}

    reviewer = login(None, "reviewer")
    reviewer.goto("/exemplars/")
    form = reviewer.locator("[data-testid=exemplar-form]")
    form.locator("#e-nomination").fill(str(first.pk))
    form.locator("#e-story").fill(STORY)
    form.locator("[data-testid=propose]").click()
    reviewer.wait_for_load_state()
    director.goto("/exemplars/")
    director.locator("[data-testid=publish]").click()
    director.wait_for_load_state()
    assert Exemplar.objects.get().status == Exemplar.Status.PUBLISHED

    visitor = new_context().new_page()
    visitor.goto("/dien-hinh/")
    entry = visitor.locator("[data-testid=exemplar]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Trần Thị Lan")
    expect(visitor.locator("body")).not_to_contain_text("Phạm Văn Bình")
    screenshot(visitor, "72-public-exemplars")
