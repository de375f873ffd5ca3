"""The Director's decision (quyết định khen thưởng), the report to the provincial board and
the proposals upward: the services, the bonus arithmetic, the generated files read back."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from approvals import decision_selectors as ds
from approvals import register_selectors as rs
from approvals.access import load_actor
from approvals.bonus import bonus_amount
from approvals.decision_documents import (
    MOTTO,
    NATIONAL_NAME,
    decision_docx,
    decision_xlsx,
    place_and_date,
    report_docx,
    report_xlsx,
    upward_docx,
    upward_xlsx,
)
from approvals.decision_lines import base_salary_on
from approvals.decisions import (
    decision_create,
    report_batch_create,
    upward_outcome_record,
    upward_proposal_create,
)
from approvals.models import (
    Award,
    BaseSalary,
    Decision,
    DecisionLine,
    Nomination,
    ReportBatch,
    Unit,
    UpwardLine,
)
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from approvals.verdicts import Nominee, case_for
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused, RuleViolation
from workflow.models import AuditRecord

TODAY = timezone.localdate


def _decide(people, nominations, *, number="01/QĐ-THADS", day=None, user="director"):
    return decision_create(
        user=people[user], number=number, date=day or TODAY(), place="Hà Nội",
        nomination_ids=[n.pk for n in nominations],
    )


def _texts(data: bytes) -> str:
    """Every paragraph of a DOCX, the body's and the tables' cells', one per line."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


# --- the bonus --------------------------------------------------------------


@pytest.mark.parametrize(("multiple", "expected"), [
    ("0.3", 710_000),     # 702,000 rounds up to the next 10,000
    ("1.0", 2_340_000),   # an exact amount stays
    ("0.8", 1_880_000),   # 1,872,000
    ("1.5", 3_510_000),
    ("4.5", 10_530_000),
    ("12.0", 28_080_000),
])
def test_a_bonus_is_the_multiple_of_the_base_salary_rounded_up_to_ten_thousand(
        multiple, expected):
    assert bonus_amount(Decimal(multiple), 2_340_000) == expected


def test_one_dong_over_a_ten_thousand_rounds_up_to_the_next():
    assert bonus_amount(Decimal("1"), 2_340_001) == 2_350_000


def test_the_base_salary_in_force_is_the_latest_started_on_or_before_the_day(db):
    BaseSalary.objects.all().delete()
    BaseSalary.objects.create(effective_from=datetime.date(2024, 7, 1), amount=2_340_000)
    BaseSalary.objects.create(effective_from=datetime.date(2026, 7, 1), amount=2_530_000)
    assert base_salary_on(datetime.date(2024, 6, 30)) is None
    assert base_salary_on(datetime.date(2024, 7, 1)).amount == 2_340_000
    assert base_salary_on(datetime.date(2026, 6, 30)).amount == 2_340_000
    assert base_salary_on(datetime.date(2026, 7, 1)).amount == 2_530_000


def test_the_catalogue_holds_the_multiples_of_decree_152_and_none_where_the_rules_give_none(org):
    assert Award.objects.get(code="lao-dong-tien-tien").bonus_multiple == Decimal("0.3")
    assert Award.objects.get(code="co-thi-dua-chinh-phu").bonus_multiple == Decimal("12.0")
    assert Award.objects.get(code="giay-khen").bonus_multiple is None


def test_a_decision_takes_the_base_salary_in_force_on_its_date_before_and_after_a_raise(
        org, people, nomination_in):
    raise_day = TODAY() - datetime.timedelta(days=3)
    BaseSalary.objects.create(effective_from=raise_day, amount=2_530_000)
    before, after = (nomination_in(State.AWAITING_DIRECTOR) for _ in range(2))
    # Submitted ten days ago, so a decision may be dated before the raise.
    Nomination.objects.filter(pk__in=[before.pk, after.pk]).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10))
    old = _decide(people, [before], number="01/QĐ", day=raise_day - datetime.timedelta(days=1))
    new = _decide(people, [after], number="02/QĐ", day=raise_day)
    assert old.base_salary == 2_340_000
    assert old.lines.get().amount == 710_000  # 0.3 × 2,340,000 = 702,000
    assert new.base_salary == 2_530_000
    assert new.lines.get().amount == 760_000  # 0.3 × 2,530,000 = 759,000


# --- the decision -----------------------------------------------------------


def test_a_decision_over_three_nominations_approves_all_three_with_one_row(
        org, people, nomination_in, consistent):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(2)]
    ns.append(nomination_in(State.AWAITING_DIRECTOR, award_code="chien-si-thi-dua-co-so"))
    decision = _decide(people, ns, number="15/QĐ-THADS")
    assert Decision.objects.count() == 1
    assert decision.issuing_body == org["body"]
    assert decision.signer_name == "director"
    assert [line.amount for line in decision.lines.order_by("nomination_id")] == [
        710_000, 710_000, 2_340_000]
    for n in Nomination.objects.filter(pk__in=[n.pk for n in ns]):
        assert n.state == State.APPROVED
        assert (n.decision_number, n.decision_date) == ("15/QĐ-THADS", TODAY())
        record = AuditRecord.objects.filter(nomination=n).latest("id")
        assert record.action == "approve"
        assert record.data["decision_number"] == "15/QĐ-THADS"


def _approve(people, n, *, number="30/QĐ-THADS", day=None, user="director", place=""):
    return services.nomination_approve(
        user=people[user], nomination_id=n.pk, decision_number=number,
        decision_date=day or TODAY(), place=place,
    )


def test_approving_one_nomination_issues_its_decision_with_the_bonus_and_the_bodys_place(
        org, people, nomination_in):
    n = _approve(people, nomination_in(State.AWAITING_DIRECTOR))
    decision = Decision.objects.get(number="30/QĐ-THADS")
    line = decision.lines.get()
    assert (line.nomination_id, line.position, line.amount) == (n.pk, 1, 710_000)
    assert (decision.place, decision.issuing_body, decision.line_count) == (
        "Hà Nội", org["body"], 1)
    assert "Lao động tiên tiến" in decision.subject
    assert AuditRecord.objects.filter(nomination=n).latest("id").data["bonus"] == 710_000


def test_approvals_under_one_number_by_one_signer_on_one_day_are_lines_of_one_decision(
        org, people, nomination_in):
    first = _approve(people, nomination_in(State.AWAITING_DIRECTOR, name="Người một"))
    second = _approve(people, nomination_in(State.AWAITING_DIRECTOR, name="Người hai",
                                            award_code="chien-si-thi-dua-co-so"))
    decision = Decision.objects.get()
    assert [(line.nomination_id, line.position) for line in decision.lines.all()] == [
        (first.pk, 1), (second.pk, 2)]
    assert decision.line_count == 2
    assert "Chiến sĩ thi đua cơ sở" in decision.subject and "Lao động tiên tiến" in \
        decision.subject


def test_a_decision_number_another_signer_used_refuses_the_approval_and_changes_nothing(
        org, people, nomination_in):
    _approve(people, nomination_in(State.AWAITING_DIRECTOR))
    deputy = get_user_model().objects.create_user(username="pho.thu.truong")
    role_grant(user=deputy, role=Role.DIRECTOR, unit=None)
    n = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(InvalidInput) as refused:
        _approve({"director": deputy}, n)
    assert "decision_number" in refused.value.fields
    assert Nomination.objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR
    assert Decision.objects.get().line_count == 1


def test_an_approval_names_its_place_when_the_body_has_none(org, people, nomination_in):
    Unit.objects.filter(pk=org["body"].pk).update(place="")
    n = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(InvalidInput) as refused:
        _approve(people, n)
    assert "place" in refused.value.fields
    _approve(people, n, place="Minh Sơn")
    assert Decision.objects.get().place == "Minh Sơn"


def test_an_approval_of_an_award_without_a_multiple_is_refused_until_one_is_set(
        org, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR, award_code="giay-khen")
    with pytest.raises(RuleViolation):
        _approve(people, n)
    assert Nomination.objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR
    assert not Decision.objects.exists()


def test_the_approval_of_an_award_decided_upward_issues_no_decision_line(
        org, people, nomination_in):
    n = _approve(people, nomination_in(State.AWAITING_DIRECTOR,
                                       award_code="bang-khen-chu-tich-tinh"))
    assert n.state == State.APPROVED
    assert not Decision.objects.exists() and not DecisionLine.objects.exists()


def test_one_refused_nomination_refuses_the_whole_decision_naming_it(
        org, people, nomination_in):
    ready = [nomination_in(State.AWAITING_DIRECTOR) for _ in range(2)]
    late = nomination_in(State.IN_REVIEW, name="Trần Thị Bình")
    records = AuditRecord.objects.count()
    with pytest.raises(Conflict) as refused:
        _decide(people, [*ready, late])
    assert "Trần Thị Bình" in str(refused.value.message)
    assert f"#{late.pk}" in str(refused.value.message)
    assert not Decision.objects.exists() and not DecisionLine.objects.exists()
    assert AuditRecord.objects.count() == records
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in ready])
               .values_list("state", flat=True)) == {State.AWAITING_DIRECTOR}


@pytest.mark.parametrize("user", ["reviewer", "secretary", "liaison", "manager", "head"])
def test_only_the_director_issues_a_decision(org, people, nomination_in, user):
    n = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(PermissionRefused):
        _decide(people, [n], user=user)
    assert Nomination.objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR
    assert not Decision.objects.exists()


def test_a_decision_number_is_used_once(org, people, nomination_in):
    _decide(people, [nomination_in(State.AWAITING_DIRECTOR)], number="7/QĐ")
    with pytest.raises(InvalidInput) as refused:
        _decide(people, [nomination_in(State.AWAITING_DIRECTOR)], number="7/QĐ")
    assert "number" in refused.value.fields


def test_a_decision_is_not_dated_in_the_future(org, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(InvalidInput) as refused:
        _decide(people, [n], day=TODAY() + datetime.timedelta(days=1))
    assert "date" in refused.value.fields


def test_an_award_without_a_multiple_refuses_the_decision_until_one_is_set(
        org, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR, award_code="giay-khen")
    with pytest.raises(RuleViolation) as refused:
        _decide(people, [n])
    assert "Giấy khen" in " ".join(refused.value.reasons)
    Award.objects.filter(code="giay-khen").update(bonus_multiple="0.3")
    assert _decide(people, [n]).lines.get().amount == 710_000


def test_an_award_a_higher_authority_decides_is_not_in_the_bodys_decision(
        org, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR, award_code="bang-khen-chu-tich-tinh")
    with pytest.raises(RuleViolation):
        _decide(people, [n])
    assert not ds.decision_candidates(load_actor(people["director"])).filter(pk=n.pk).exists()


def test_the_decision_docx_has_the_administrative_layout_and_the_awardees(
        org, people, nomination_in):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name="Nguyễn Văn An"),
          nomination_in(State.AWAITING_DIRECTOR, name="Lê Thị Cúc",
                        award_code="chien-si-thi-dua-co-so")]
    decision = _decide(people, ns, number="15/QĐ-THADS")
    text = _texts(decision_docx(decision))
    for expected in (
        NATIONAL_NAME, MOTTO, "CƠ QUAN THỬ NGHIỆM", "Số: 15/QĐ-THADS",
        place_and_date("Hà Nội", TODAY()), "QUYẾT ĐỊNH", "Về việc khen thưởng",
        "Căn cứ Luật Thi đua, Khen thưởng số 06/2022/QH15;", "Căn cứ Nghị định",
        "Điều 1.", "Điều 2.", "Điều 3.", "Nguyễn Văn An", "Lê Thị Cúc",
        "Lao động tiên tiến; tiền thưởng 710.000 đồng", "tiền thưởng 2.340.000 đồng",
        "tổng cộng 3.050.000 đồng", "Nơi nhận:", "director",
    ):
        assert expected in text, expected


def test_the_decision_xlsx_lists_each_amount_and_the_total(org, people, nomination_in):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name="Nguyễn Văn An"),
          nomination_in(State.AWAITING_DIRECTOR, name="Lê Thị Cúc")]
    decision = _decide(people, ns, number="15/QĐ-THADS")
    rows = _rows(decision_xlsx(decision))
    assert "15/QĐ-THADS" in rows[0][0]
    assert place_and_date("Hà Nội", TODAY()) in rows[1][0]
    body = {r[1]: r for r in rows[3:-1]}
    assert body["Nguyễn Văn An"][3:] == ("Lao động tiên tiến", 0.3, 2_340_000, 710_000)
    assert body["Lê Thị Cúc"][6] == 710_000
    assert rows[-1][1] == "Tổng cộng" and rows[-1][6] == 1_420_000


def test_the_files_are_generated_the_same_from_the_same_rows(org, people, nomination_in):
    decision = _decide(people, [nomination_in(State.AWAITING_DIRECTOR)])
    Nomination.objects.update(nominee_name="Tên đã đổi")
    again = Decision.objects.get(pk=decision.pk)
    assert _texts(decision_docx(again)) == _texts(decision_docx(decision))
    assert "Tên đã đổi" not in _texts(decision_docx(again))
    assert _rows(decision_xlsx(again)) == _rows(decision_xlsx(decision))


# --- the report to the provincial board -------------------------------------


def test_a_report_batch_marks_the_campaigns_approved_nominations_reported(
        org, people, nomination_in, consistent):
    ns = [nomination_in(State.APPROVED, name=f"Người {i}") for i in range(3)]
    batch = report_batch_create(
        user=people["liaison"], campaign_id=org["campaign"].pk, number="12/BC-THADS",
        date=TODAY(), place="Hà Nội", nomination_ids=[n.pk for n in ns],
    )
    assert batch.lines.count() == 3 and batch.recipient == "Ban Thi đua - Khen thưởng tỉnh"
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in ns])
               .values_list("state", flat=True)) == {State.REPORTED}
    record = AuditRecord.objects.filter(nomination=ns[0]).latest("id")
    assert (record.action, record.data["report_number"]) == ("report", "12/BC-THADS")
    text = _texts(report_docx(batch))
    for expected in (NATIONAL_NAME, MOTTO, "BÁO CÁO", "Số: 12/BC-THADS",
                     "Kính gửi: Ban Thi đua - Khen thưởng tỉnh", "Người 0", "15/QĐ-TĐKT"):
        assert expected in text, expected
    rows = _rows(report_xlsx(batch))
    assert "12/BC-THADS" in rows[0][0]
    assert {r[1] for r in rows[3:]} == {"Người 0", "Người 1", "Người 2"}


def test_a_report_batch_with_one_nomination_not_approved_reports_none(
        org, people, nomination_in):
    ok = nomination_in(State.APPROVED)
    waiting = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(Conflict):
        report_batch_create(
            user=people["reviewer"], campaign_id=org["campaign"].pk, number="1/BC",
            date=TODAY(), place="Hà Nội", nomination_ids=[ok.pk, waiting.pk],
        )
    assert Nomination.objects.get(pk=ok.pk).state == State.APPROVED
    assert not ReportBatch.objects.exists()


def test_the_director_does_not_report_to_the_provincial_board(org, people, nomination_in):
    n = nomination_in(State.APPROVED)
    with pytest.raises(PermissionRefused):
        report_batch_create(user=people["director"], campaign_id=org["campaign"].pk,
                            number="1/BC", date=TODAY(), place="Hà Nội", nomination_ids=[n.pk])


# --- proposals upward -------------------------------------------------------

UPWARD = "bang-khen-chu-tich-tinh"


def _propose(people, nominations, number="05/TTr-THADS"):
    return upward_proposal_create(
        user=people["reviewer"], number=number, date=TODAY(), place="Hà Nội",
        authority="Chủ tịch UBND tỉnh", nomination_ids=[n.pk for n in nominations],
    )


def test_a_proposal_upward_waits_for_the_outcome_shown_in_the_persons_history(
        org, people, nomination_in, consistent):
    n = nomination_in(State.APPROVED, award_code=UPWARD, name="Phạm Văn Dũng")
    entry = next(c for c in rs.person_history(n.nominee_person) if c.nomination_id == n.pk)
    assert (entry.outcome, entry.held) == ("pending", False)  # approved, not yet proposed
    proposal = _propose(people, [n])
    line = proposal.lines.get()
    assert line.outcome == UpwardLine.Outcome.PENDING
    entry = next(c for c in rs.person_history(n.nominee_person) if c.nomination_id == n.pk)
    assert (entry.outcome, entry.held) == ("pending", False)

    upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=True,
                          decision_number="123/QĐ-UBND", decision_date=TODAY())
    entry = next(c for c in rs.person_history(n.nominee_person) if c.nomination_id == n.pk)
    assert (entry.outcome, entry.held) == ("conferred", True)
    assert (entry.decision_number, entry.decision_date) == ("123/QĐ-UBND", TODAY())
    record = AuditRecord.objects.filter(nomination=n).latest("id")
    assert record.action == "upward_outcome" and record.data["outcome"] == "conferred"
    assert record.from_state == record.to_state == State.APPROVED


def test_a_conferred_outcome_counts_as_a_title_for_later_eligibility_and_a_pending_one_not(
        org, people, nomination_in):
    n = nomination_in(State.APPROVED, award_code=UPWARD)

    def title_conferred() -> bool:
        case = case_for(award=n.award, campaign=n.campaign,
                        nominee=Nominee(person_id=n.nominee_person_id), proposing_unit_id=n.unit_id)
        return next(t for t in case.nominee.titles if t.award_code == UPWARD).conferred

    assert title_conferred() is False
    _propose(people, [n])
    assert title_conferred() is False
    upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=True,
                          decision_number="9/QĐ-UBND", decision_date=TODAY())
    assert title_conferred() is True


def test_a_not_conferred_outcome_is_shown_and_not_held(org, people, nomination_in):
    n = nomination_in(State.APPROVED, award_code=UPWARD)
    _propose(people, [n])
    upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=False,
                          note="Không đủ chỉ tiêu")
    entry = next(c for c in rs.person_history(n.nominee_person) if c.nomination_id == n.pk)
    assert (entry.outcome, entry.held) == ("not_conferred", False)
    with pytest.raises(Conflict):  # recorded once
        upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=True,
                              decision_number="1/QĐ", decision_date=TODAY())


def test_a_conferred_outcome_needs_the_number_and_date_and_only_the_reviewer_records_it(
        org, people, nomination_in):
    n = nomination_in(State.APPROVED, award_code=UPWARD)
    _propose(people, [n])
    with pytest.raises(InvalidInput) as refused:
        upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=True)
    assert set(refused.value.fields) == {"decision_number", "decision_date"}
    with pytest.raises(PermissionRefused):
        upward_outcome_record(user=people["director"], nomination_id=n.pk, conferred=False)
    assert UpwardLine.objects.get().outcome == UpwardLine.Outcome.PENDING


def test_only_higher_awards_are_proposed_upward_and_once(org, people, nomination_in):
    body_award = nomination_in(State.APPROVED)
    with pytest.raises(RuleViolation):
        _propose(people, [body_award])
    n = nomination_in(State.APPROVED, award_code=UPWARD)
    _propose(people, [n])
    with pytest.raises(Conflict):
        _propose(people, [n], number="06/TTr")


def test_the_upward_files_hold_the_number_the_authority_and_the_outcome(
        org, people, nomination_in):
    n = nomination_in(State.APPROVED, award_code=UPWARD, name="Phạm Văn Dũng")
    proposal = _propose(people, [n])
    text = _texts(upward_docx(proposal))
    for expected in (NATIONAL_NAME, MOTTO, "TỜ TRÌNH", "Số: 05/TTr-THADS",
                     "Kính gửi: Chủ tịch UBND tỉnh", "Phạm Văn Dũng"):
        assert expected in text, expected
    upward_outcome_record(user=people["reviewer"], nomination_id=n.pk, conferred=True,
                          decision_number="123/QĐ-UBND", decision_date=TODAY())
    proposal.refresh_from_db()
    rows = _rows(upward_xlsx(proposal))
    assert rows[3][1] == "Phạm Văn Dũng" and rows[3][5] == "123/QĐ-UBND"


# --- the selectors' query counts --------------------------------------------


def test_the_selectors_run_a_fixed_number_of_queries(
        org, people, nomination_in, django_assert_num_queries):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(4)]
    _decide(people, ns[:2], number="1/QĐ")
    _decide(people, ns[2:], number="2/QĐ")
    actor = load_actor(people["director"])
    with django_assert_num_queries(1):
        list(ds.decision_candidates(actor))
    with django_assert_num_queries(1):
        assert len(list(ds.documents(actor, Decision))) == 2
    first = Decision.objects.first().pk
    with django_assert_num_queries(2):
        decision = ds.get_issued_for_actor(actor, Decision, first)
        assert len(decision.lines.all()) == 2
    with django_assert_num_queries(0):  # the files read the rows already loaded
        decision_docx(decision)
        decision_xlsx(decision)
    liaison, reviewer = load_actor(people["liaison"]), load_actor(people["reviewer"])
    with django_assert_num_queries(1):
        list(ds.report_candidates(liaison))
    with django_assert_num_queries(1):
        list(ds.upward_candidates(reviewer))
    with django_assert_num_queries(1):
        list(ds.upward_pending(reviewer))


def test_a_person_history_stays_at_two_queries_with_upward_outcomes(
        org, people, nomination_in, django_assert_num_queries):
    n = nomination_in(State.APPROVED, award_code=UPWARD)
    _propose(people, [n])
    person = n.nominee_person
    with django_assert_num_queries(2):
        rs.person_history(person)


def test_a_document_is_hidden_from_who_holds_no_role_at_its_body(org, people, nomination_in):
    decision = _decide(people, [nomination_in(State.AWAITING_DIRECTOR)])
    with pytest.raises(NotFound):
        ds.get_issued_for_actor(load_actor(people["outsider_staff"]), Decision, decision.pk)
    assert ds.get_issued_for_actor(load_actor(people["auditor"]), Decision, decision.pk)
