"""The web app end to end in headless Chromium, one browser context per person."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from playwright.sync_api import expect

from approvals.models import Award, Nomination
from approvals.states import State
from tests.browser.conftest import accept_dialog
from tests.factories import council_term, member, qualify
from workflow.models import AuditRecord

pytestmark = pytest.mark.browser

# The smallest bytes the dossier accepts as a PDF (recognised by content, not name).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


def state_of(pk):
    return Nomination.objects.values_list("state", flat=True).get(pk=pk)


def open_detail(page, pk):
    page.goto(f"/nominations/{pk}/")
    return page


def do(page, action, **fields):
    """Fill and submit the action form `action` on a nomination page."""
    form = page.locator(f'form[data-action="{action}"]')
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator(f'[data-testid="do-{action}"]').click()
    page.wait_for_load_state()



def vote_yes(login, session_url, usernames):
    """Each council member signs in and votes yes on their own ballot page; returns the
    last one's page."""
    for name in usernames:
        voter = login(None, name)
        voter.goto(session_url + "ballot/")
        voter.locator("[data-testid=ballot] input[value=yes]").check()
        voter.locator("[data-testid=ballot] button[type=submit]").click()
        expect(voter.locator("[data-testid=voted]")).to_have_count(1)
    return voter


def test_the_whole_pipeline_across_six_people(org, people, login, screenshot):
    today = timezone.localdate().strftime("%d/%m/%Y")
    award = Award.objects.get(code="chien-si-thi-dua-co-so")  # needs a council vote

    # Rated excellent and holding LĐTT for the campaign's year, as CSTĐCS requires.
    nominee = qualify(member(org["a"], "Lê Thị Hồng"), org["campaign"].year)
    staff = login(None, "staff")
    screenshot(staff, "01-inbox-unit-staff")
    staff.click("text=Lập đề nghị")
    staff.select_option("#id_unit", str(org["a"].pk))
    staff.select_option("#id_campaign", str(org["campaign"].pk))
    staff.select_option("#id_award", str(award.pk))
    expect(staff.locator("[data-award-docs]")).to_contain_text("Biên bản họp Hội đồng")
    staff.select_option("#id_nominee_person", str(nominee.pk))
    staff.fill("#id_achievements", "Hoàn thành xuất sắc nhiệm vụ năm.")
    screenshot(staff, "02-nomination-form")
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/nominations/*/")
    pk = int(staff.url.rstrip("/").rsplit("/", 1)[1])
    expect(staff.locator("[data-testid=state]")).to_have_text("Dự thảo")
    kinds = award.required_documents
    expect(staff.locator("[data-testid=checklist] .missing")).to_have_count(len(kinds))
    for left, kind in enumerate(kinds, start=1):
        staff.select_option("#id_kind", kind)
        staff.set_input_files("#id_file", {"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                           "buffer": PDF})
        staff.click("form.upload button[type=submit]")
        expect(staff.locator("[data-testid=checklist] .missing")).to_have_count(len(kinds) - left)
    expect(staff.locator("form[data-action]")).to_have_count(0)  # staff may not submit

    head = login(None, "head")
    expect(head.locator(f'#inbox-rows tr[data-nomination="{pk}"]')).to_be_visible()
    open_detail(head, pk)
    do(head, "submit")
    expect(head.locator("[data-testid=state]")).to_have_text("Đã trình, chờ thẩm định")

    reviewer = login(None, "reviewer")
    row = reviewer.locator(f'#inbox-rows tr[data-nomination="{pk}"]')
    screenshot(reviewer, "03-inbox-reviewer-queue")
    row.get_by_role("button", name="Nhận xử lý").click()
    reviewer.wait_for_url("**/inbox/?tab=queue")
    assert state_of(pk) == State.IN_REVIEW
    reviewer.goto("/inbox/?tab=mine")
    expect(reviewer.locator('[data-inbox-count="mine"]')).to_have_text("1")
    open_detail(reviewer, pk)
    expect(reviewer.locator("[data-testid=holder]")).to_have_text("reviewer")
    screenshot(reviewer, "04-nomination-detail-reviewer")
    do(reviewer, "recommend", to="council", comment="Đủ điều kiện, trình Hội đồng.")
    expect(reviewer.locator("[data-testid=state]")).to_have_text(
        "Chờ Hội đồng Thi đua - Khen thưởng bỏ phiếu"
    )

    # The council meets: the secretary opens a session, both members are present and vote
    # on their ballot pages (secret), and closing it computes the outcome.
    term = council_term(people, size=2)
    secretary = login(None, "secretary")
    secretary.goto("/council/")
    secretary.locator("[data-testid=session-open] button[type=submit]").click()
    secretary.wait_for_url("**/council/sessions/*/")
    session_url = secretary.url
    for m in term.members.all():
        secretary.select_option(f"select[name=member-{m.pk}]", "present")
    secretary.locator("[data-testid=attendance] button[type=submit]").click()
    expect(secretary.locator("[data-testid=quorum]")).to_contain_text("Đủ số thành viên có mặt.")
    voter = vote_yes(login, session_url, ("member", "director"))
    screenshot(voter, "05a-council-ballot-member")
    secretary.goto(session_url)
    expect(secretary.locator("[data-testid=votes]")).to_have_text("2/2")
    screenshot(secretary, "05b-council-session-secretary")
    secretary.locator("[data-testid=close] button[type=submit]").click()
    expect(secretary.locator("[data-testid=session-status]")).to_have_text("Đã kết thúc")
    assert state_of(pk) == State.AWAITING_DIRECTOR

    director = login(None, "director")
    open_detail(director, pk)
    do(director, "approve", decision_number="35/QĐ-THADS", decision_date="01/01/2099")
    expect(director.locator("[data-testid=error]")).to_contain_text(
        "Ngày văn bản không được ở tương lai."
    )
    expect(director.locator("#a-approve-decision_number")).to_have_value("35/QĐ-THADS")
    screenshot(director, "05-refused-action-director")
    do(director, "approve", decision_number="35/QĐ-THADS", decision_date=today)
    expect(director.locator("[data-testid=state]")).to_have_text("Đã phê duyệt")

    liaison = login(None, "liaison")
    open_detail(liaison, pk)
    do(liaison, "report", report_number="25/BC-THADS",
       comment="Đã gửi Ban Thi đua - Khen thưởng tỉnh.")
    expect(liaison.locator("[data-testid=state]")).to_have_text(
        "Đã báo cáo Ban Thi đua - Khen thưởng tỉnh"
    )
    expect(liaison.locator("[data-testid=timeline] > li")).to_have_count(7 + len(kinds))
    screenshot(liaison, "06-nomination-detail-reported")

    actions = list(AuditRecord.objects.filter(nomination_id=pk).values_list("action", flat=True))
    assert actions == ["create", *["upload_document"] * len(kinds), "submit", "claim",
                       "recommend", "council_pass", "approve", "report"]
    assert state_of(pk) == State.REPORTED
    report = AuditRecord.objects.get(nomination_id=pk, action="report")
    assert report.data["report_number"] == "25/BC-THADS"
    assert report.data["report_date"] == timezone.localdate().isoformat()


def test_refusing_asks_first_and_saying_no_changes_nothing(nomination_in, login):
    n = nomination_in(State.AWAITING_DIRECTOR)
    director = login(None, "director")
    open_detail(director, n.pk)
    reject = director.locator('[data-testid="do-reject"]')
    approve = director.locator('[data-testid="do-approve"]')
    # Approving and refusing do not look alike.
    assert "btn--danger" in reject.get_attribute("class")
    assert "btn--primary" in approve.get_attribute("class")
    questions = []
    director.remove_listener("dialog", accept_dialog)

    def answer_no(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    director.on("dialog", answer_no)
    director.locator('form[data-action="reject"] [name="comment"]').fill("Không đạt")
    reject.click()
    director.wait_for_timeout(300)
    assert questions and "Từ chối đề nghị này?" in questions[0]
    assert state_of(n.pk) == State.AWAITING_DIRECTOR


def test_a_returned_nomination_goes_back_to_the_unit_and_comes_back(
    nomination_in, login, screenshot
):
    n = nomination_in(State.IN_REVIEW)
    reviewer = login(None, "reviewer")
    open_detail(reviewer, n.pk)
    do(reviewer, "return", comment="Bổ sung số liệu năm.")
    expect(reviewer.locator("[data-testid=state]")).to_have_text("Trả lại để bổ sung")

    staff = login(None, "staff")
    expect(staff.locator(f'#inbox-rows tr[data-nomination="{n.pk}"]')).to_be_visible()
    open_detail(staff, n.pk)
    expect(staff.locator("[data-testid=last-reason]")).to_have_text("Bổ sung số liệu năm.")
    staff.click("text=Sửa đề nghị")
    staff.fill("#id_achievements", "Đã bổ sung số liệu năm.")
    screenshot(staff, "07-nomination-edit")
    staff.click("main button[type=submit]")
    staff.wait_for_url(f"**/nominations/{n.pk}/")

    head = login(None, "head")
    open_detail(head, n.pk)
    do(head, "submit", comment="Đã bổ sung.")
    assert state_of(n.pk) == State.SUBMITTED

    reviewer.goto("/inbox/?tab=queue")
    expect(reviewer.locator(f'#inbox-rows tr[data-nomination="{n.pk}"]')).to_be_visible()


def test_a_comment_with_html_and_script_is_shown_as_text(nomination_in, login):
    n = nomination_in(State.IN_REVIEW)
    reviewer = login(None, "reviewer")
    open_detail(reviewer, n.pk)
    reviewer.locator('form[data-action="return"] textarea').fill(XSS)
    reviewer.locator('[data-testid="do-return"]').click()
    reviewer.wait_for_load_state()

    head = login(None, "head")
    open_detail(head, n.pk)
    expect(head.locator("[data-testid=comment]").last).to_have_text(XSS)
    expect(head.locator("[data-testid=last-reason]")).to_have_text(XSS)
    assert head.evaluate("window.__xss") is None
    assert head.locator("main img[src=x]").count() == 0


def test_a_user_of_another_unit_gets_404_for_a_typed_draft_url(draft, login):
    outsider = login(None, "outsider_staff")
    response = outsider.goto(f"/nominations/{draft.pk}/")
    assert response.status == 404
    assert outsider.goto(f"/nominations/{draft.pk}/edit/").status == 404


def test_a_bulk_approval_of_50_runs_in_the_background_to_the_end(
    nomination_in, login, screenshot, background_worker
):
    ids = [nomination_in(State.AWAITING_DIRECTOR, name=f"Cán bộ {i:02d}").pk for i in range(50)]
    director = login(None, "director")
    expect(director.locator('[data-inbox-count="queue"]')).to_have_text("50")
    director.check("[data-select-all]")
    expect(director.locator("[data-selected-count]")).to_have_text("50")
    director.select_option("#bulk-action", "approve")
    expect(director.locator("#bulk-votes_for")).to_be_hidden()
    expect(director.locator("#bulk-report_number")).to_be_hidden()
    director.fill("#bulk-decision_number", "50/QĐ-THADS")
    director.fill("#bulk-decision_date", timezone.localdate().strftime("%d/%m/%Y"))
    director.fill("#bulk-comment", "Phê duyệt theo danh sách.")
    screenshot(director, "08-inbox-bulk-selection")
    director.click("[data-testid=bulk-submit]")
    director.wait_for_url("**/jobs/*/")
    progress = director.locator("[data-testid=job-progress]")
    expect(progress).to_have_attribute("value", "100", timeout=90_000)
    expect(director.locator("[data-testid=job-results] tbody tr")).to_have_count(50)
    expect(director.locator("[data-testid=job-failures]")).to_have_count(0)
    screenshot(director, "09-bulk-job-done")
    states = set(Nomination.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states == {State.APPROVED}


def test_the_inbox_rows_refresh_without_a_reload_on_the_inbox_changed_event(
    people, nomination_in, login
):
    director = login(None, "director")
    expect(director.locator("#inbox-rows .empty")).to_be_visible()
    director.evaluate("window.__sameDocument = true")
    n = nomination_in(State.AWAITING_DIRECTOR)
    director.evaluate("document.dispatchEvent(new CustomEvent('vd:inbox-changed'))")
    expect(director.locator(f'#inbox-rows tr[data-nomination="{n.pk}"]')).to_be_visible()
    assert director.evaluate("window.__sameDocument") is True


def test_the_english_switch_translates_the_pages(people, login, screenshot):
    page = login(None, "head")
    expect(page.locator("h1")).to_have_text("Hộp việc")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Inbox")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".grants")).to_contain_text("Unit head")
    screenshot(page, "10-inbox-english")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("h1")).to_have_text("Hộp việc")


def test_the_auditor_pages_show_the_history_and_the_chain(nomination_in, login, screenshot):
    nomination_in(State.APPROVED)
    auditor = login(None, "auditor")
    auditor.click("text=Lịch sử & kiểm tra")
    expect(auditor.locator("[data-testid=audit-table] tbody tr")).to_have_count(
        AuditRecord.objects.count()
    )
    screenshot(auditor, "11-audit-history")
    with auditor.expect_download() as download:
        auditor.click("[data-testid=export-csv]")
    assert download.value.suggested_filename == "lich-su.csv"
    auditor.click("text=Kiểm tra chuỗi băm")
    expect(auditor.locator("[data-testid=chain-ok]")).to_be_visible()
    screenshot(auditor, "12-audit-verify")


def test_signing_in_through_the_login_form(people, new_context, screenshot):
    user = people["head"]
    # The server runs the production hashers; the test settings' fast one is not among them.
    user.password = PBKDF2PasswordHasher().encode("mat-khau-dung", PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    page = new_context().new_page()
    page.goto("/login/")
    page.fill("#id_username", "head")
    page.fill("#id_password", "sai-mat-khau")
    page.click("main button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("không đúng")
    screenshot(page, "00-login-refused")
    page.fill("#id_password", "mat-khau-dung")
    page.click("main button[type=submit]")
    page.wait_for_url("**/inbox/")
    expect(page.locator("[data-testid=user-name]")).to_have_text("head")
    expect(page.locator(".grants")).to_contain_text("Thủ trưởng đơn vị – Đơn vị A")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")


def test_a_live_refresh_of_the_rows_keeps_what_the_user_ticked(nomination_in, login):
    first = nomination_in(State.AWAITING_DIRECTOR, name="Cán bộ một")
    director = login(None, "director")
    director.check(f'#inbox-rows input[name="ids"][value="{first.pk}"]')
    second = nomination_in(State.AWAITING_DIRECTOR, name="Cán bộ hai")
    director.evaluate("document.dispatchEvent(new CustomEvent('vd:inbox-changed'))")
    expect(director.locator(f'#inbox-rows tr[data-nomination="{second.pk}"]')).to_be_visible()
    expect(director.locator(f'#inbox-rows input[name="ids"][value="{first.pk}"]')).to_be_checked()
    expect(director.locator("[data-selected-count]")).to_have_text("1")
