"""Stage visits follow every change in the change's own transaction, and the rebuild from
the history gives the same rows."""

import io

import pytest
from django.core.management import CommandError, call_command

from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from monitoring.models import StageVisit
from monitoring.visits import visits_differing, visits_rebuild
from tests import factories
from workflow import services

FIELDS = ("nomination_id", "stage", "entered_at", "left_at", "outcome", "holder_id",
          "claimed_at", "claimed_seconds", "wait_seconds", "work_seconds", "touched_at",
          "unit_id", "award_id", "campaign_id")


def _rows(nomination_ids=None):
    qs = StageVisit.objects.order_by("nomination_id", "entered_at", "id")
    if nomination_ids is not None:
        qs = qs.filter(nomination_id__in=nomination_ids)
    return [tuple(getattr(v, f) for f in FIELDS) for v in qs]


def test_each_stage_a_nomination_passes_through_is_one_visit(org, people, nomination_in):
    n = nomination_in(State.REPORTED)
    visits = list(StageVisit.objects.filter(nomination=n).order_by("id"))
    assert [(v.stage, v.outcome) for v in visits] == [
        ("prepare", State.SUBMITTED), ("review", State.AWAITING_DIRECTOR),
        ("decide", State.APPROVED), ("report", State.REPORTED),
    ]
    assert all(v.left_at is not None for v in visits)
    review = visits[1]
    # Claimed by the reviewer, who recommended it; never released.
    assert review.holder_id == people["reviewer"].pk
    assert review.work_seconds + review.wait_seconds == int(
        (review.left_at - review.entered_at).total_seconds())
    # The Director decided without claiming first: all of it was waiting.
    assert visits[2].holder_id == people["director"].pk and visits[2].work_seconds == 0


def test_a_claim_a_release_and_a_return_are_followed(org, people, nomination_in):
    n = nomination_in(State.SUBMITTED)
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    open_visit = StageVisit.objects.get(nomination=n, left_at__isnull=True)
    assert open_visit.stage == "review" and open_visit.claimed_at is not None
    assert open_visit.holder_id == people["reviewer"].pk
    services.nomination_release(user=people["reviewer"], nomination_id=n.pk)
    open_visit.refresh_from_db()
    assert open_visit.claimed_at is None and open_visit.holder_id is None
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    services.nomination_return(user=people["reviewer"], nomination_id=n.pk, comment="Bổ sung")
    stages = list(StageVisit.objects.filter(nomination=n).order_by("id")
                  .values_list("stage", "outcome", "left_at"))
    assert [s[:2] for s in stages] == [("prepare", State.SUBMITTED), ("review", State.RETURNED),
                                       ("prepare", "")]
    assert stages[-1][2] is None


def test_a_withdrawn_or_rejected_nomination_has_no_open_visit(org, people, nomination_in):
    for state in (State.WITHDRAWN, State.REJECTED):
        n = nomination_in(state)
        assert not StageVisit.objects.filter(nomination=n, left_at__isnull=True).exists()
        assert StageVisit.objects.filter(nomination=n).last().outcome == state


def test_a_refused_change_leaves_the_visits_as_they_were(org, people, nomination_in):
    n = nomination_in(State.SUBMITTED)
    before = _rows([n.pk])
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the transaction rolled back
        services.nomination_approve(user=people["director"], nomination_id=n.pk,
                                    decision_number="1", decision_date=n.created_at.date())
    assert _rows([n.pk]) == before


def test_the_rebuild_from_the_history_gives_the_same_visits(org, people, nomination_in):
    ids = [nomination_in(state).pk for state in
           (State.DRAFT, State.IN_REVIEW, State.COUNCIL_VOTE, State.RETURNED, State.REPORTED,
            State.WITHDRAWN)]
    reassigned = factories.backdate_clock(nomination_in(State.IN_REVIEW), 21)  # overdue
    second = factories.make_second_reviewer()
    role_grant(user=second, role=Role.STANDING_REVIEWER)
    services.nomination_reassign(user=people["manager"], nomination_id=reassigned.pk,
                                 assignee=second.pk, comment="Chia lại việc")
    ids.append(reassigned.pk)
    assert StageVisit.objects.get(nomination=reassigned, left_at__isnull=True).holder_id == \
        second.pk
    live = _rows()
    assert visits_rebuild() == len(live)
    assert _rows() == live


def test_the_check_names_a_nomination_whose_visits_differ_from_its_history(org, people,
                                                                           nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    other = nomination_in(State.SUBMITTED)
    out = io.StringIO()
    call_command("rebuild_stage_visits", "--check", stdout=out)
    assert out.getvalue().startswith("OK")
    StageVisit.objects.filter(nomination=n, stage="review").update(wait_seconds=12345)
    assert visits_differing() == [n.pk]
    with pytest.raises(CommandError, match=str(n.pk)):
        call_command("rebuild_stage_visits", "--check")
    call_command("rebuild_stage_visits", stdout=io.StringIO())
    assert visits_differing() == [] and other.pk not in visits_differing()
