"""The law inside the lifecycle: submit refuses a hard fail and a missing document, a pending
case defers (nobody can approve meanwhile; closing the case lets it go on), the standing
reviewer overrides a soft fail with a justification, and the verdict goes into the history."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals.models import Nomination, PendingCase, YearRating
from approvals.register import record_save
from approvals.states import State
from approvals.verdicts import nomination_verdict
from tests import factories
from workflow import services
from workflow.errors import Conflict, InvalidInput, PermissionRefused, RuleViolation
from workflow.models import AuditRecord


@pytest.fixture
def year(org):
    return org["campaign"].year


def _person(org, year, rating="excellent", **kwargs):
    person = factories.member(org["a"], kwargs.pop("name", "Trần Thị Bình"), **kwargs)
    YearRating.objects.create(person=person, year=year, rating=rating, months_worked=12)
    return person


def _submit(people, n):
    return services.nomination_submit(user=people["head"], nomination_id=n.pk)


def _last(n, action):
    return AuditRecord.objects.filter(nomination_id=n.pk, action=action).latest("id")


def test_submit_refuses_a_hard_fail_naming_the_rule_and_its_article(org, people, year):
    n = factories.new_draft(org, people, person=_person(org, year, rating="completed"))
    with pytest.raises(RuleViolation) as refused:
        _submit(people, n)
    reasons = " ".join(refused.value.reasons)
    assert "Xếp loại hoàn thành tốt nhiệm vụ trở lên" in reasons
    assert "Luật TĐKT 2022, Điều 24" in reasons
    assert Nomination.objects.get(pk=n.pk).state == State.DRAFT


def test_submit_refuses_a_missing_document_listing_what_is_missing(org, people):
    n = factories.new_draft(org, people, dossier=False)
    with pytest.raises(RuleViolation) as refused:
        _submit(people, n)
    assert refused.value.reasons == ["Hồ sơ còn thiếu: Tờ trình đề nghị, Báo cáo thành tích."]
    assert Nomination.objects.get(pk=n.pk).state == State.DRAFT


def test_submit_lists_every_hard_fail_and_the_missing_documents_together(org, people, year):
    person = _person(org, year, rating="not_completed")
    YearRating.objects.filter(person=person).update(months_worked=3)
    n = factories.new_draft(org, people, person=person, dossier=False)
    with pytest.raises(RuleViolation) as refused:
        _submit(people, n)
    assert len(refused.value.reasons) == 3  # months worked, rating, the dossier


def test_a_submission_records_the_verdict_with_its_rule_set_and_each_check(org, people):
    n = _submit(people, factories.new_draft(org, people))
    assert n.state == State.SUBMITTED
    verdict = _last(n, "submit").data["eligibility"]
    assert verdict["rule_set"] == "R2025" and verdict["outcome"] == "pass"
    assert [c["code"] for c in verdict["checks"]] == [
        "pending_case", "months_worked", "discipline_in_year", "ldtt_rating"]
    assert all(c["article"] and c["reason"] for c in verdict["checks"])


def _pending(person):
    return PendingCase.objects.create(
        person=person, kind="discipline", opened_on=timezone.localdate() - datetime.timedelta(5)
    )


def test_a_pending_case_defers_the_nomination_and_nobody_can_approve_or_claim_it(
    org, people, year, consistent
):
    person = factories.qualify(factories.member(org["a"], "Lê Văn Cường"), year)
    _pending(person)
    n = _submit(people, factories.new_draft(org, people, person=person))
    assert n.state == State.DEFERRED
    assert _last(n, "submit").data["eligibility"]["outcome"] == "defer"
    with pytest.raises(Conflict):
        services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    with pytest.raises((Conflict, PermissionRefused)):
        services.nomination_approve(user=people["director"], nomination_id=n.pk,
                                    decision_number="1/QĐ", decision_date=timezone.localdate())
    assert Nomination.objects.get(pk=n.pk).state == State.DEFERRED


def test_closing_the_case_lets_the_deferred_nomination_go_on_to_the_review(
    org, people, year, django_capture_on_commit_callbacks, consistent
):
    person = factories.qualify(factories.member(org["a"], "Lê Văn Cường"), year)
    case = _pending(person)
    n = _submit(people, factories.new_draft(org, people, person=person))
    with django_capture_on_commit_callbacks(execute=True):
        record_save(user=people["reviewer"], kind="pending_case", record_id=case.pk,
                    values={"closed_on": timezone.localdate()})
    assert Nomination.objects.get(pk=n.pk).state == State.SUBMITTED
    resumed = _last(n, "resume")
    assert (resumed.from_state, resumed.to_state) == (State.DEFERRED, State.SUBMITTED)
    assert resumed.data["eligibility"]["outcome"] == "pass"
    assert services.nomination_claim(user=people["reviewer"], nomination_id=n.pk).state == (
        State.IN_REVIEW)


def test_the_sweep_moves_on_a_deferred_nomination_only_once_its_case_is_closed(
    org, people, year, consistent
):
    person = factories.qualify(factories.member(org["a"], "Lê Văn Cường"), year)
    case = _pending(person)
    n = _submit(people, factories.new_draft(org, people, person=person))
    assert services.deferred_sweep() == 0
    assert Nomination.objects.get(pk=n.pk).state == State.DEFERRED
    PendingCase.objects.filter(pk=case.pk).update(closed_on=timezone.localdate())
    assert services.deferred_sweep() == 1
    assert Nomination.objects.get(pk=n.pk).state == State.SUBMITTED


def test_a_case_still_open_after_an_edit_keeps_the_nomination_deferred(
    org, people, year, django_capture_on_commit_callbacks
):
    person = factories.qualify(factories.member(org["a"], "Lê Văn Cường"), year)
    case = _pending(person)
    n = _submit(people, factories.new_draft(org, people, person=person))
    with django_capture_on_commit_callbacks(execute=True):
        record_save(user=people["reviewer"], kind="pending_case", record_id=case.pk,
                    values={"note": "Bổ sung tài liệu"})
    assert Nomination.objects.get(pk=n.pk).state == State.DEFERRED


@pytest.fixture
def soft_failing(org, people, year):
    """A CSTĐCS proposal in review whose LĐTT of the year is proposed in the same round, not
    yet conferred: a soft fail."""
    person = _person(org, year)
    factories.new_draft(org, people, person=person)  # its LĐTT, proposed
    n = factories.new_draft(org, people, person=person, award_code="chien-si-thi-dua-co-so")
    n = _submit(people, n)
    n = services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    assert [c.code for c in nomination_verdict(n).having("soft_fail")] == ["cstdcs_ldtt"]
    return n


def test_a_soft_fail_blocks_the_recommendation_until_it_is_overridden(people, soft_failing):
    with pytest.raises(RuleViolation) as refused:
        services.nomination_recommend(user=people["reviewer"], nomination_id=soft_failing.pk,
                                      to="council")
    assert "Đạt danh hiệu Lao động tiên tiến cùng năm" in refused.value.reasons[0]


def test_the_standing_reviewer_overrides_a_soft_fail_with_a_justification_in_the_history(
    people, soft_failing, consistent
):
    justification = "Quyết định công nhận LĐTT số 12/QĐ đã ký ngày 05/12, đính kèm hồ sơ."
    services.nomination_override_soft_fail(user=people["reviewer"],
                                           nomination_id=soft_failing.pk, comment=justification)
    record = _last(soft_failing, "override_soft_fail")
    assert record.comment == justification
    assert record.data["overridden"] == ["cstdcs_ldtt"]
    assert record.data["eligibility"]["outcome"] == "soft_fail"
    n = services.nomination_recommend(user=people["reviewer"], nomination_id=soft_failing.pk,
                                      to="council")
    assert n.state == State.COUNCIL_VOTE


def test_an_override_without_a_justification_is_refused(people, soft_failing):
    with pytest.raises(InvalidInput) as refused:
        services.nomination_override_soft_fail(user=people["reviewer"],
                                               nomination_id=soft_failing.pk, comment="  ")
    assert "comment" in refused.value.fields
    assert not AuditRecord.objects.filter(action="override_soft_fail").exists()


@pytest.mark.parametrize("who", ["head", "director", "secretary", "manager", "admin"])
def test_nobody_but_the_standing_reviewer_may_override_a_soft_fail(people, soft_failing, who):
    with pytest.raises(PermissionRefused):
        services.nomination_override_soft_fail(user=people[who], nomination_id=soft_failing.pk,
                                               comment="Đủ điều kiện")
    assert not AuditRecord.objects.filter(action="override_soft_fail").exists()


def test_an_override_is_refused_when_nothing_needs_confirming(people, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    with pytest.raises(RuleViolation):
        services.nomination_override_soft_fail(user=people["reviewer"], nomination_id=n.pk,
                                               comment="Đủ điều kiện")


def test_a_hard_fail_found_after_submission_refuses_the_approval(org, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    YearRating.objects.filter(person_id=n.nominee_person_id).update(rating="completed")
    with pytest.raises(RuleViolation):
        services.nomination_approve(user=people["director"], nomination_id=n.pk,
                                    decision_number="2/QĐ", decision_date=timezone.localdate())
    assert _last(n, "recommend").data["eligibility"]["outcome"] == "pass"


def test_the_verdict_loads_in_a_fixed_number_of_queries_however_large_the_collective(
    org, people, year, django_assert_max_num_queries
):
    for i in range(12):
        factories.qualify(factories.member(org["a"], f"Thành viên {i}"), year)
    n = factories.new_draft(org, people, award_code="tap-the-lao-dong-tien-tien")
    n = Nomination.objects.select_related("award", "campaign").get(pk=n.pk)
    with django_assert_max_num_queries(10):
        verdict = nomination_verdict(n)
    assert verdict.check("ttldtt_members_ldtt").outcome == "pass"
    call_command("check_consistency")
