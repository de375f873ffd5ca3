"""Thu hồi khen thưởng (Law 06/2022 ch. VII): the Director revokes an approved or reported
award with a reason and the revocation decision; everyone else, and a revocation without a
reason, is refused. The history, the person's commendation history and the eligibility of
later proposals all see it; the bonus is flagged for recovery."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from approvals import register_selectors as rs
from approvals.eligibility import Outcome
from approvals.models import Award, Exemplar, Nomination, YearRating
from approvals.states import State
from approvals.verdicts import Nominee, verdict_for
from tests import factories
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")

REASON = "Hồ sơ khai man thành tích (Thanh tra kết luận số 5/KL-TTr)."


def revoke(user, n, **overrides):
    inputs = {"revocation_number": "21/QĐ-THKT", "revocation_date": timezone.localdate(),
              "comment": REASON, **overrides}
    return services.nomination_revoke(user=user, nomination_id=n.pk, **inputs)


@pytest.mark.parametrize("state", [State.APPROVED, State.REPORTED])
def test_the_director_revokes_an_award_with_a_reason_and_its_bonus_is_flagged(
    people, nomination_in, state
):
    n = nomination_in(state)
    revoked = revoke(people["director"], n)
    n = Nomination.objects.get(pk=n.pk)
    assert revoked.state == n.state == State.REVOKED
    assert (n.revocation_number, n.revocation_date) == ("21/QĐ-THKT", timezone.localdate())
    assert n.bonus_to_recover is True
    assert n.last_reason == REASON
    # The award's own decision is kept: the history shows what was revoked.
    assert n.decision_number == "15/QĐ-TĐKT"
    record = AuditRecord.objects.filter(nomination=n).latest("id")
    assert (record.action, record.actor_role, record.from_state, record.to_state) == (
        "revoke", "director", state, State.REVOKED)
    assert record.comment == REASON
    assert record.data["revocation_number"] == "21/QĐ-THKT"
    assert record.data["bonus_to_recover"] is True
    # From "approved" the report task is cancelled; a reported award's process had ended.
    n.process.refresh_from_db()
    assert n.process.status == (PROCESS.CANCELED if state == State.APPROVED else PROCESS.DONE)
    assert n.task_id is None


@pytest.mark.parametrize("name", ["staff", "head", "reviewer", "member", "secretary", "auditor",
                                  "manager", "liaison", "admin"])
def test_everyone_but_the_director_is_refused(people, nomination_in, name):
    n = nomination_in(State.APPROVED)
    with pytest.raises(PermissionRefused):
        revoke(people[name], n)
    n = Nomination.objects.get(pk=n.pk)
    assert n.state == State.APPROVED and n.bonus_to_recover is False
    assert not AuditRecord.objects.filter(nomination=n, action="revoke").exists()


def test_another_units_people_do_not_even_see_the_award(people, nomination_in):
    n = nomination_in(State.APPROVED)
    with pytest.raises(NotFound):
        revoke(people["outsider_head"], n)


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_revocation_without_a_reason_is_refused(people, nomination_in, comment):
    n = nomination_in(State.REPORTED)
    with pytest.raises(InvalidInput) as refused:
        revoke(people["director"], n, comment=comment)
    assert "comment" in refused.value.fields
    assert Nomination.objects.get(pk=n.pk).state == State.REPORTED


def test_a_revocation_without_its_decision_number_is_refused(people, nomination_in):
    n = nomination_in(State.APPROVED)
    with pytest.raises(InvalidInput) as refused:
        revoke(people["director"], n, revocation_number="")
    assert "revocation_number" in refused.value.fields


def test_a_revocation_dated_before_the_award_is_refused(people, nomination_in):
    n = nomination_in(State.APPROVED)
    with pytest.raises(InvalidInput) as refused:
        revoke(people["director"], n,
               revocation_date=timezone.localdate() - datetime.timedelta(days=1))
    assert "revocation_date" in refused.value.fields


@pytest.mark.parametrize("state", [State.AWAITING_DIRECTOR, State.REJECTED])
def test_only_a_decided_award_can_be_revoked(people, nomination_in, state):
    n = nomination_in(state)
    with pytest.raises(Conflict):
        revoke(people["director"], n)


def test_an_award_is_revoked_once(people, nomination_in):
    n = nomination_in(State.APPROVED)
    revoke(people["director"], n)
    with pytest.raises(Conflict):
        revoke(people["director"], n)


def test_the_persons_history_shows_the_award_as_revoked(people, nomination_in):
    n = nomination_in(State.REPORTED)
    revoke(people["director"], n)
    [entry] = [c for c in rs.person_history(n.nominee_person) if c.nomination_id == n.pk]
    assert entry.revoked and entry.state == State.REVOKED
    assert (entry.revocation_number, entry.revocation_date) == ("21/QĐ-THKT",
                                                                timezone.localdate())
    profile = rs.person_profile(n.nominee_person)
    # The past LĐTT of factories.qualify still counts; the revoked award does not.
    assert profile.awards == len(profile.history) - 1


def test_a_revoked_award_no_longer_counts_as_a_title_for_later_eligibility(
    org, people, nomination_in
):
    """A CSTĐCS needs the LĐTT of the same year: held through an approved nomination, it
    passes; once that LĐTT is revoked, the CSTĐCS check fails (not a proposal either)."""
    year = org["campaign"].year
    person = factories.member(org["a"], "Trần Văn Bình")
    YearRating.objects.create(person=person, year=year, rating="excellent", months_worked=12)
    ldtt = nomination_in(State.APPROVED, person=person)

    def cstdcs_title():
        verdict = verdict_for(award=Award.objects.get(code="chien-si-thi-dua-co-so"),
                              campaign=org["campaign"], nominee=Nominee(person.pk),
                              proposing_unit_id=org["a"].pk)
        return verdict.check("cstdcs_ldtt").outcome

    assert cstdcs_title() == Outcome.PASS
    revoke(people["director"], ldtt)
    assert cstdcs_title() == Outcome.FAIL


def test_a_revoked_award_takes_its_exemplar_off_the_public_page(people, nomination_in):
    from approvals.exemplars import exemplar_propose, exemplar_publish

    n = nomination_in(State.APPROVED)
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story="Tận tụy.")
    exemplar_publish(user=people["director"], exemplar_id=e.pk)
    revoke(people["director"], n)
    e.refresh_from_db()
    assert e.status == Exemplar.Status.WITHDRAWN
    record = AuditRecord.objects.get(nomination=n, action="revoke")
    assert record.data["exemplars_withdrawn"] == [e.pk]


def test_the_director_is_offered_the_revocation_on_a_decided_award_only(people, nomination_in):
    from approvals.access import available_actions, load_actor, open_task

    director = load_actor(people["director"])
    for state, offered in [(State.APPROVED, True), (State.REPORTED, True),
                           (State.AWAITING_DIRECTOR, False)]:
        n = nomination_in(state)
        task = open_task(n)
        actions = available_actions(director, Nomination.objects.get(pk=n.pk),
                                    task_id=task.pk if task else None,
                                    owner_id=task.owner_id if task else None)
        assert ("revoke" in actions) is offered, state
    reviewer = load_actor(people["reviewer"])
    assert "revoke" not in available_actions(reviewer, n, task_id=None, owner_id=None)
