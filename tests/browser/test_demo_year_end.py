"""The product's acceptance run, on the demo's own seeded data (approvals/demo.py): in
Chromium, a year-end cycle goes from the demo's drafts through the council's ballot, one
generated decision and the report to the provincial board, to an exemplar on the public page.

After the seed, every step is a person on a page; the database is only read, to find the
demo's rows and to check what the pages did."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from approvals.demo import seed_demo
from approvals.models import Award, Campaign, CouncilTerm, Decision, Exemplar, Nomination
from approvals.states import State
from tests import factories
from tests.browser.test_web_app import PDF, do, open_detail, vote_yes
from tests.browser.test_year_end_cycle import issue

pytestmark = pytest.mark.browser

LDTT, CSTDCS = "lao-dong-tien-tien", "chien-si-thi-dua-co-so"
HANG, CHAU, NGOC = "Lương Thị Hằng", "Tống Minh Châu", "Lý Thị Ngọc"
STORY = ("Thư ký thi hành án xây dựng sổ theo dõi tiền, tài sản tạm giữ điện tử, "
         "giúp cả phòng đối chiếu số liệu trong ngày.")


def demo_nomination(name, award_code):
    return Nomination.objects.get(nominee_name=name, award__code=award_code)


def state_of(nomination):
    return Nomination.objects.values_list("state", flat=True).get(pk=nomination.pk)


def complete_dossier(page, nomination):
    """Upload one PDF for each document the award's checklist asks for."""
    open_detail(page, nomination.pk)
    kinds = nomination.award.required_documents
    missing = page.locator("[data-testid=checklist] .missing")
    expect(missing).to_have_count(len(kinds))
    for left, kind in enumerate(kinds, start=1):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", {"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                          "buffer": PDF})
        page.click("form.upload button[type=submit]")
        expect(missing).to_have_count(len(kinds) - left)


def propose_ldtt(page, campaign, name):
    """The unit's staff proposes `name` for LĐTT of the year on the nomination form."""
    drafted = demo_nomination(name, CSTDCS)
    page.goto("/inbox/")
    page.click("text=Lập đề nghị")
    page.select_option("#id_unit", str(drafted.unit_id))
    page.select_option("#id_campaign", str(campaign.pk))
    page.select_option("#id_award", str(Award.objects.get(code=LDTT).pk))
    page.select_option("#id_nominee_person", str(drafted.nominee_person_id))
    page.fill("#id_achievements", "Hoàn thành tốt nhiệm vụ năm; có sáng kiến được công nhận.")
    page.click("main button[type=submit]")
    page.wait_for_url("**/nominations/*/")
    return demo_nomination(name, LDTT)


def claim(page, nomination):
    page.goto("/inbox/?tab=queue")
    row = page.locator(f'#inbox-rows tr[data-nomination="{nomination.pk}"]')
    row.get_by_role("button", name="Nhận xử lý").click()
    page.wait_for_url("**/inbox/?tab=queue")
    assert state_of(nomination) == State.IN_REVIEW


def docx_text(download):
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_demo_runs_a_year_end_cycle_from_its_drafts_to_the_public_page(
    login, new_context, screenshot
):
    factories.load_reference_data()  # an earlier transactional test's flush emptied them
    seed_demo()
    campaign = Campaign.objects.filter(kind="yearly").order_by("-year").first()
    cstdcs, chau = demo_nomination(HANG, CSTDCS), demo_nomination(CHAU, LDTT)
    ngoc = demo_nomination(NGOC, CSTDCS)  # past its council: awaiting the Director
    assert {state_of(cstdcs), state_of(chau)} == {State.DRAFT}
    assert state_of(ngoc) == State.AWAITING_DIRECTOR

    # Regional Office 1: CSTĐCS needs LĐTT of the same year, so her LĐTT is proposed in the
    # same round (the demo drafts only the CSTĐCS); then each dossier is completed.
    staff = login(None, "cb.kv1")
    screenshot(staff, "80-demo-01-inbox-unit-staff")
    ldtt = propose_ldtt(staff, campaign, HANG)
    expect(staff.locator("[data-testid=state]")).to_have_text("Dự thảo")
    for n in (cstdcs, ldtt, chau):
        complete_dossier(staff, n)
    screenshot(staff, "80-demo-02-dossier-complete")

    head = login(None, "tp.kv1")
    for n in (cstdcs, ldtt, chau):
        open_detail(head, n.pk)
        do(head, "submit")
        expect(head.locator("[data-testid=state]")).to_have_text("Đã trình, chờ thẩm định")
    screenshot(head, "80-demo-03-submitted")

    # The standing reviewer: her LĐTT is proposed, not yet decided, a soft fail confirmed
    # with a justification before the CSTĐCS goes to the council.
    reviewer = login(None, "cv.tccb")
    for n in (cstdcs, ldtt, chau):
        claim(reviewer, n)
    open_detail(reviewer, cstdcs.pk)
    expect(reviewer.locator("[data-testid=eligibility]")).to_contain_text(
        "đang được đề nghị, chưa có quyết định công nhận")
    screenshot(reviewer, "80-demo-04-soft-fail-reviewer")
    do(reviewer, "override_soft_fail",
       comment="Danh hiệu Lao động tiên tiến năm nay được đề nghị cùng đợt, đủ tiêu chuẩn.")
    do(reviewer, "recommend", to="council", comment="Đủ điều kiện, trình Hội đồng.")
    expect(reviewer.locator("[data-testid=state]")).to_have_text(
        "Chờ Hội đồng Thi đua - Khen thưởng bỏ phiếu")
    for n in (ldtt, chau):
        open_detail(reviewer, n.pk)
        do(reviewer, "recommend", to="director", comment="Đủ điều kiện.")
        expect(reviewer.locator("[data-testid=state]")).to_have_text("Chờ Thủ trưởng phê duyệt")

    # The council of the demo's term meets: every member present, each votes on their own
    # ballot page, and closing the session sends the CSTĐCS to the Director.
    members = list(CouncilTerm.objects.get().members.order_by("username"))
    secretary = login(None, "tp.tccb")
    secretary.goto("/council/")
    opening = secretary.locator("[data-testid=session-open]")
    opening.locator("#s-campaign").select_option(str(campaign.pk))
    opening.locator("button[type=submit]").click()
    secretary.wait_for_url("**/council/sessions/*/")
    session_url = secretary.url
    expect(secretary.locator("[data-testid=outcome] tbody tr")).to_have_count(1)
    for m in members:
        secretary.select_option(f"select[name=member-{m.pk}]", "present")
    secretary.locator("[data-testid=attendance] button[type=submit]").click()
    expect(secretary.locator("[data-testid=quorum]")).to_contain_text("Đủ số thành viên có mặt.")
    voter = vote_yes(login, session_url, [m.username for m in members])
    screenshot(voter, "80-demo-05-council-ballot")
    secretary.goto(session_url)
    expect(secretary.locator("[data-testid=votes]")).to_have_text(f"{len(members)}/{len(members)}")
    secretary.locator("[data-testid=close] button[type=submit]").click()
    expect(secretary.locator("[data-testid=session-status]")).to_have_text("Đã kết thúc")
    screenshot(secretary, "80-demo-06-council-closed")
    assert state_of(cstdcs) == State.AWAITING_DIRECTOR

    # The Director's one decision, over these and the demo's CSTĐCS already past its council.
    decided = [cstdcs, ldtt, chau, ngoc]
    director = login(None, "truong.thads")
    issue(director, "decision", "45/QĐ-THADS", [n.pk for n in decided])
    for name in (HANG, CHAU, NGOC):
        expect(director.locator("[data-testid=lines]")).to_contain_text(name)
    screenshot(director, "80-demo-07-decision-issued")
    with director.expect_download() as download:
        director.locator("[data-testid=download-docx]").click()
    text = docx_text(download.value)
    assert "Độc lập - Tự do - Hạnh phúc" in text and "45/QĐ-THADS" in text
    assert all(name in text for name in (HANG, CHAU, NGOC))
    assert Decision.objects.get(number="45/QĐ-THADS").lines.count() == len(decided)
    assert {state_of(n) for n in decided} == {State.APPROVED}

    liaison = login(None, "cv.tccb2")
    issue(liaison, "report", "46/BC-THADS", [n.pk for n in decided], campaign=campaign.pk)
    screenshot(liaison, "80-demo-08-report-issued")
    assert {state_of(n) for n in decided} == {State.REPORTED}

    # Two exemplars proposed; the Director publishes only hers.
    reviewer.goto("/exemplars/")
    for n in (cstdcs, chau):
        form = reviewer.locator("[data-testid=exemplar-form]")
        form.locator("#e-nomination").fill(str(n.pk))
        form.locator("#e-story").fill(STORY)
        form.locator("[data-testid=propose]").click()
        reviewer.wait_for_load_state()
    hers = Exemplar.objects.get(nomination=cstdcs)
    unpublished = Exemplar.objects.get(nomination=chau)
    director.goto("/exemplars/")
    director.locator(f'tr[data-exemplar="{hers.pk}"] [data-testid=publish]').click()
    director.wait_for_load_state()
    screenshot(director, "80-demo-09-exemplar-published")
    hers.refresh_from_db()
    unpublished.refresh_from_db()
    assert (hers.status, unpublished.status) == (Exemplar.Status.PUBLISHED,
                                                Exemplar.Status.PROPOSED)

    # A visitor who never signs in: hers beside the demo's own exemplar, nothing unpublished.
    visitor = new_context().new_page()
    visitor.goto("/dien-hinh/")
    entries = visitor.locator("[data-testid=exemplar]")
    expect(entries).to_have_count(2)
    expect(entries.filter(has_text=HANG)).to_contain_text(STORY[:40])
    expect(entries.filter(has_text="Mai Anh Thư")).to_have_count(1)
    expect(visitor.locator("body")).not_to_contain_text(CHAU)
    screenshot(visitor, "80-demo-10-public-exemplars")
    entries.filter(has_text=HANG).locator("a").click()
    visitor.wait_for_url(f"**/dien-hinh/{hers.pk}/")
    expect(visitor.locator("body")).not_to_contain_text(".pdf")
    screenshot(visitor, "80-demo-11-public-exemplar")
    assert visitor.goto(f"/dien-hinh/{unpublished.pk}/").status == 404
    visitor.goto(f"/nominations/{cstdcs.pk}/")
    assert "/login/" in visitor.url
