"""The services' rules beyond who-may-act: loops, conditions, input and refusals."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.access import open_task
from approvals.models import Nomination
from approvals.states import State
from tests import factories
from workflow import services
from workflow.errors import Conflict, InvalidInput, RuleViolation
from workflow.models import AuditRecord, SecurityEvent

pytestmark = pytest.mark.usefixtures("consistent")


def history(n):
    return list(AuditRecord.objects.filter(nomination=n).values_list("action", "to_state"))


def test_a_returned_dossier_goes_back_to_the_unit_and_round_again(people, draft):
    n = services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    n = services.nomination_return(
        user=people["reviewer"], nomination_id=n.pk, comment="Thiếu biên bản họp"
    )
    assert n.state == State.RETURNED and n.last_reason == "Thiếu biên bản họp"
    assert open_task(n).flow_task.name == "prepare"

    n = services.nomination_submit(user=people["head"], nomination_id=n.pk)
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="director")
    n = services.nomination_return(user=people["director"], nomination_id=n.pk, comment="Xem lại")
    assert n.state == State.RETURNED
    assert [a for a, _ in history(n)] == [
        "create", "submit", "claim", "return", "submit", "claim", "recommend", "return"
    ]


def test_withdrawing_cancels_the_open_task_and_the_process(people, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    n = services.nomination_withdraw(user=people["head"], nomination_id=n.pk, comment="Rút")
    assert n.state == State.WITHDRAWN
    assert open_task(n) is None
    assert n.process.status == PROCESS.CANCELED
    assert Task.objects.filter(process=n.process, status=STATUS.CANCELED).count() == 1


def test_withdrawing_after_the_decision_is_refused_as_a_conflict(people, nomination_in):
    n = nomination_in(State.APPROVED)
    with pytest.raises(Conflict):
        services.nomination_withdraw(user=people["head"], nomination_id=n.pk, comment="Rút")


def test_a_failed_council_vote_ends_the_proposal_as_rejected(people, nomination_in):
    n = nomination_in(State.COUNCIL_VOTE)
    (n,) = factories.council_decide(people, [n], yes=3)
    assert n.state == State.REJECTED and (n.votes_for, n.votes_total) == (3, 7)
    assert n.process.status == PROCESS.DONE


def test_an_award_that_needs_a_vote_cannot_skip_the_council(people, nomination_in):
    n = nomination_in(State.IN_REVIEW, award_code="chien-si-thi-dua-co-so")
    with pytest.raises(RuleViolation) as refused:
        services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="director")
    assert "bỏ phiếu" in str(refused.value.reasons[0])
    assert Nomination.objects.get(pk=n.pk).state == State.IN_REVIEW


def test_an_award_without_a_vote_may_go_straight_to_the_director(people, nomination_in):
    n = nomination_in(State.IN_REVIEW, award_code="lao-dong-tien-tien")
    n = services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="director")
    assert n.state == State.AWAITING_DIRECTOR


def test_approval_needs_a_decision_number_and_a_date_not_in_the_future(people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        services.nomination_approve(
            user=people["director"], nomination_id=n.pk, decision_number=" ",
            decision_date=tomorrow,
        )
    assert set(refused.value.fields) == {"decision_number", "decision_date"}
    n = services.nomination_approve(
        user=people["director"], nomination_id=n.pk, decision_number="12/QĐ-THADS",
        decision_date=timezone.localdate(),
    )
    assert n.decision_number == "12/QĐ-THADS" and n.decision_date == timezone.localdate()


def test_a_service_refuses_a_raw_string_where_a_date_belongs(people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    with pytest.raises(TypeError, match="decision_date"):
        services.nomination_approve(
            user=people["director"], nomination_id=n.pk, decision_number="12/QĐ",
            decision_date=timezone.localdate().strftime("%d/%m/%Y"),
        )
    assert Nomination.objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR


def test_a_decision_cannot_be_dated_before_the_proposal_was_submitted(people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    submitted = timezone.localdate(Nomination.objects.get(pk=n.pk).submitted_at)
    with pytest.raises(InvalidInput) as refused:
        services.nomination_approve(
            user=people["director"], nomination_id=n.pk, decision_number="12/QĐ",
            decision_date=submitted - datetime.timedelta(days=1),
        )
    assert "trước ngày trình" in refused.value.fields["decision_date"][0]
    assert Nomination.objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR
    n = services.nomination_approve(
        user=people["director"], nomination_id=n.pk, decision_number="12/QĐ",
        decision_date=submitted,
    )
    assert n.state == State.APPROVED


def test_return_and_reject_need_a_reason(people, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    for service in (services.nomination_return, services.nomination_reject):
        with pytest.raises(InvalidInput) as refused:
            service(user=people["reviewer"], nomination_id=n.pk, comment="   ")
        assert "comment" in refused.value.fields
    assert Nomination.objects.get(pk=n.pk).state == State.IN_REVIEW


def test_a_first_submission_after_the_campaign_deadline_is_refused(org, people, draft):
    org["campaign"].submission_deadline = timezone.localdate() - datetime.timedelta(days=1)
    org["campaign"].save()
    with pytest.raises(RuleViolation):
        services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert Nomination.objects.get(pk=draft.pk).state == State.DRAFT


def test_a_returned_dossier_may_be_resubmitted_after_the_deadline(org, people, nomination_in):
    n = nomination_in(State.RETURNED)
    org["campaign"].submission_deadline = timezone.localdate() - datetime.timedelta(days=1)
    org["campaign"].save()
    assert services.nomination_submit(user=people["head"], nomination_id=n.pk).state == (
        State.SUBMITTED
    )


def test_a_reviewer_cannot_act_on_a_review_another_reviewer_holds(people, nomination_in):
    from approvals.services import role_grant
    from tests.factories import make_second_reviewer

    other = make_second_reviewer()
    role_grant(user=other, role="standing_reviewer")
    n = nomination_in(State.IN_REVIEW)  # held by people["reviewer"]
    with pytest.raises(Conflict, match="reviewer"):
        services.nomination_reject(user=other, nomination_id=n.pk, comment="Không đạt")
    with pytest.raises(Conflict):
        services.nomination_claim(user=other, nomination_id=n.pk)


def test_an_admin_reassigns_a_held_review_only_to_another_reviewer(people, nomination_in):
    from approvals.services import role_grant
    from tests.factories import make_second_reviewer

    other = make_second_reviewer()
    n = nomination_in(State.IN_REVIEW)
    with pytest.raises(InvalidInput) as refused:
        services.nomination_reassign(user=people["admin"], nomination_id=n.pk,
                                     assignee=other.pk, comment="Cân đối công việc")
    assert set(refused.value.fields) == {"assignee"}
    role_grant(user=other, role="standing_reviewer")
    services.nomination_reassign(user=people["admin"], nomination_id=n.pk, assignee=other.pk,
                                 comment="Cân đối công việc")
    assert open_task(n).owner == other
    n = services.nomination_recommend(user=other, nomination_id=n.pk, to="director")
    assert n.state == State.AWAITING_DIRECTOR


def test_releasing_a_review_puts_it_back_in_the_queue(people, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    n = services.nomination_release(user=people["reviewer"], nomination_id=n.pk)
    assert n.state == State.SUBMITTED and open_task(n).owner is None


def test_every_history_record_names_actor_role_states_and_request(people, draft):
    from workflow.context import request_id_var

    token = request_id_var.set("req-42")
    try:
        services.nomination_submit(user=people["head"], nomination_id=draft.pk, comment="Trình")
    finally:
        request_id_var.reset(token)
    record = AuditRecord.objects.filter(nomination=draft).last()
    assert (record.actor, record.actor_role, record.action) == (people["head"], "unit_head",
                                                                 "submit")
    assert (record.from_state, record.to_state) == (State.DRAFT, State.SUBMITTED)
    assert (record.comment, record.request_id) == ("Trình", "req-42")
    assert len(record.hash) == 64 and record.prev_hash != record.hash


def test_a_refused_attempt_is_kept_in_the_security_log(people, draft):
    from workflow.errors import NotFound

    with pytest.raises(NotFound):
        services.nomination_submit(user=people["outsider_head"], nomination_id=draft.pk)
    event = SecurityEvent.objects.get()
    assert (event.actor, event.action, event.outcome, event.nomination_id_attempted) == (
        people["outsider_head"], "submit", "not_found", draft.pk
    )
