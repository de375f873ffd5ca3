"""The council's vote sessions: thresholds on the whole membership, the quorum, written votes,
quotas with the chair's tie break, who may vote and who may open or close a session."""

import pytest
from django.utils import timezone

from approvals import council
from approvals.council_selectors import session_outcome
from approvals.models import (
    Attendance,
    BallotParticipation,
    Person,
    SessionItem,
    VoteSession,
)
from approvals.roles import Role
from approvals.states import State
from tests import factories
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused, RuleViolation
from workflow.models import AuditRecord

CSTDCS = "chien-si-thi-dua-co-so"
SECTOR = "chien-si-thi-dua-nganh"
NATIONAL = "chien-si-thi-dua-toan-quoc"


@pytest.fixture
def term(people):
    """Seven members: the Director (chair), the council member and five more, each holding
    the council member's role so that they may vote in the app."""
    made = factories.council_term(people, size=7)
    for user in made.members.exclude(pk__in=[people["director"].pk, people["member"].pk]):
        factories.role_grant(user=user, role=Role.COUNCIL_MEMBER, unit=None)
    return made


def members(term):
    return list(term.members.order_by("id"))


def open_session(people, term, nominations, **attendance):
    secretary = people["secretary"]
    session = council.council_session_open(
        user=secretary, term_id=term.pk, campaign_id=nominations[0].campaign_id,
        meets_on=timezone.localdate(), nomination_ids=[n.pk for n in nominations])
    statuses = {m.pk: "present" for m in members(term)}
    statuses.update({u.pk: s for u, s in attendance.get("statuses", {}).items()})
    council.council_attendance_record(user=secretary, session_id=session.pk, statuses=statuses)
    return session


def item_of(session, n):
    return SessionItem.objects.get(session=session, nomination=n)


def vote(session, voters, n, yes):
    """`yes` of `voters` vote for `n`, the rest against."""
    item = item_of(session, n)
    for i, user in enumerate(voters):
        council.council_ballot_cast(user=user, session_id=session.pk, choices={item.pk: i < yes})


def outcome_of(session):
    return session_outcome(VoteSession.objects.get(pk=session.pk))


def close(people, session):
    return council.council_session_close(user=people["secretary"], session_id=session.pk)


def fresh(n):
    return type(n).objects.get(pk=n.pk)


def test_six_yes_of_seven_passes_at_eighty_percent_and_goes_to_the_director(
    people, nomination_in, term
):
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    session = open_session(people, term, [n])
    vote(session, members(term), n, yes=6)
    outcome = close(people, session)
    assert outcome.items[0].threshold == 80 and outcome.items[0].passed
    n = fresh(n)
    assert n.state == State.AWAITING_DIRECTOR and (n.votes_for, n.votes_total) == (6, 7)
    record = AuditRecord.objects.get(nomination=n, action="council_pass")
    assert record.data["votes_for"] == 6 and record.data["votes_total"] == 7
    assert record.actor == people["secretary"]
    assert VoteSession.objects.get(pk=session.pk).status == VoteSession.Status.CLOSED


def test_five_yes_of_seven_fails_and_rejects_it_with_the_tally(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    session = open_session(people, term, [n])
    vote(session, members(term), n, yes=5)
    close(people, session)
    n = fresh(n)
    assert n.state == State.REJECTED and (n.votes_for, n.votes_total) == (5, 7)
    record = AuditRecord.objects.get(nomination=n, action="council_fail")
    assert "5/7 phiếu đồng ý" in record.comment and "80" in record.comment
    assert n.process.status == "DONE"


def test_an_absent_member_without_a_written_vote_still_counts_in_the_denominator(
    people, nomination_in, term
):
    """Six present vote yes, one is absent: 6/7 (85.7 %) passes; but 5 yes of 6 present
    (83 % of those present) is 5/7 of the council, and fails."""
    everyone = members(term)
    a = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    b = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS, name="Trần Văn Bình")
    session = open_session(people, term, [a, b], statuses={everyone[-1]: "absent"})
    vote(session, everyone[:6], a, yes=6)
    vote(session, everyone[:6], b, yes=5)
    with pytest.raises(RuleViolation):  # the absent member may not vote
        council.council_ballot_cast(user=everyone[-1], session_id=session.pk,
                                    choices={item_of(session, a).pk: True})
    outcome = close(people, session)
    assert outcome.members == 7 and outcome.absent == 1
    assert (fresh(a).state, fresh(a).votes_total) == (State.AWAITING_DIRECTOR, 7)
    assert (fresh(b).state, fresh(b).votes_for, fresh(b).votes_total) == (State.REJECTED, 5, 7)


def test_a_written_vote_counts_in_the_tally(people, nomination_in, term):
    """Five present vote yes; the sixth yes is an absent member's written vote, entered from
    the paper with the minutes: 6/7 passes."""
    everyone = members(term)
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    session = open_session(people, term, [n], statuses={everyone[5]: "written",
                                                         everyone[6]: "absent"})
    vote(session, everyone[:5], n, yes=5)
    council.council_paper_tally(user=people["secretary"], session_id=session.pk,
                                tallies={item_of(session, n).pk: (1, 1)},
                                minutes_name="bien-ban.pdf", minutes=factories.MINUTES)
    outcome = close(people, session)
    assert (outcome.present, outcome.written) == (5, 1)
    assert fresh(n).state == State.AWAITING_DIRECTOR and fresh(n).votes_for == 6
    stored = VoteSession.objects.get(pk=session.pk)
    assert stored.minutes.open("rb").read() == factories.MINUTES


def test_a_paper_tally_needs_its_minutes_and_cannot_count_more_ballots_than_voters(
    people, nomination_in, term
):
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    session = open_session(people, term, [n])
    item = item_of(session, n)
    with pytest.raises(InvalidInput) as refused:
        council.council_paper_tally(user=people["secretary"], session_id=session.pk,
                                    tallies={item.pk: (7, 7)}, minutes_name="x", minutes=b"")
    assert "minutes" in refused.value.fields
    with pytest.raises(RuleViolation):
        council.council_paper_tally(user=people["secretary"], session_id=session.pk,
                                    tallies={item.pk: (8, 8)}, minutes_name="b.pdf",
                                    minutes=factories.MINUTES)


def test_without_the_quorum_the_session_cannot_close_and_nothing_moves(
    people, nomination_in, term
):
    """Two thirds of seven is 4.67: four present are not enough, even with two written
    votes (the quorum counts those at the meeting: docs/council.md)."""
    everyone = members(term)
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    session = open_session(people, term, [n], statuses={
        everyone[4]: "written", everyone[5]: "written", everyone[6]: "absent"})
    vote(session, everyone[:6], n, yes=6)
    assert not outcome_of(session).quorum_met
    with pytest.raises(RuleViolation) as refused:
        close(people, session)
    assert "Chưa đủ số thành viên có mặt" in refused.value.reasons[0]
    assert fresh(n).state == State.COUNCIL_VOTE
    assert VoteSession.objects.get(pk=session.pk).status == VoteSession.Status.OPEN
    council.council_attendance_record(user=people["secretary"], session_id=session.pk,
                                      statuses={everyone[4].pk: "present"})
    close(people, session)
    assert fresh(n).state == State.AWAITING_DIRECTOR


@pytest.mark.parametrize("code", [SECTOR, NATIONAL])
def test_a_ninety_percent_award_fails_with_six_yes_of_seven(people, nomination_in, term, code):
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    type(n).objects.filter(pk=n.pk).update(award=factories.award(code))
    session = open_session(people, term, [n])
    vote(session, members(term), n, yes=6)
    outcome = close(people, session)
    assert outcome.items[0].threshold == 90
    assert fresh(n).state == State.REJECTED and fresh(n).votes_for == 6


def test_seven_of_seven_pass_a_ninety_percent_award(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE, award_code=CSTDCS)
    type(n).objects.filter(pk=n.pk).update(award=factories.award(SECTOR))
    session = open_session(people, term, [n])
    vote(session, members(term), n, yes=7)
    close(people, session)
    assert fresh(n).state == State.AWAITING_DIRECTOR


def test_over_the_quota_the_most_votes_pass_and_the_chair_breaks_a_tie(
    people, nomination_in, term
):
    """Quota two; four pass the threshold: 7, 6, 6 (two men) and 6 (a woman). The 7 passes,
    the woman comes first among the 6s (Law Art. 5); the two men tie for nothing, so no
    choice is needed... until the quota is three: then the chair picks one of the two men."""
    everyone = members(term)
    best = nomination_in(State.COUNCIL_VOTE, name="Nguyễn Văn Một")
    man1 = nomination_in(State.COUNCIL_VOTE, name="Lê Văn Hai")
    man2 = nomination_in(State.COUNCIL_VOTE, name="Phạm Văn Ba")
    woman = nomination_in(State.COUNCIL_VOTE, person=factories.qualify(
        factories.member(factories.Unit.objects.get(code="don-vi-a"), "Đỗ Thị Bốn",
                         gender=Person.Gender.FEMALE), timezone.localdate().year))
    low = nomination_in(State.COUNCIL_VOTE, name="Hồ Văn Năm")
    session = open_session(people, term, [best, man1, man2, woman, low])
    for n, yes in [(best, 7), (man1, 6), (man2, 6), (woman, 6), (low, 5)]:
        vote(session, everyone, n, yes=yes)
    secretary, chair = people["secretary"], people["director"]
    council.council_quota_set(user=secretary, session_id=session.pk, award_code=CSTDCS, quota=2)
    outcome = outcome_of(session)
    assert {o.nomination.pk for o in outcome.items if o.passed} == {best.pk, woman.pk}
    assert outcome.ties_open == []
    council.council_quota_set(user=secretary, session_id=session.pk, award_code=CSTDCS, quota=3)
    outcome = outcome_of(session)
    assert outcome.ties_open == [CSTDCS] and not outcome.may_close
    assert {o.nomination.pk for o in outcome.items if o.tied} == {man1.pk, man2.pk}
    with pytest.raises(RuleViolation):
        close(people, session)
    with pytest.raises(PermissionRefused):
        council.council_tie_break(user=secretary, session_id=session.pk, award_code=CSTDCS,
                                  chosen=[item_of(session, man2).pk])
    council.council_tie_break(user=chair, session_id=session.pk, award_code=CSTDCS,
                              chosen=[item_of(session, man2).pk])
    choice = AuditRecord.objects.get(action="council_tie_break")
    assert choice.actor == chair and choice.data["chosen"] == [item_of(session, man2).pk]
    close(people, session)
    assert [fresh(n).state for n in (best, woman, man2)] == [State.AWAITING_DIRECTOR] * 3
    assert fresh(man1).state == State.REJECTED
    assert "ngoài chỉ tiêu" in fresh(man1).last_reason
    assert fresh(low).state == State.REJECTED


def test_a_member_cannot_vote_twice_on_a_nomination(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE)
    session = open_session(people, term, [n])
    item = item_of(session, n)
    council.council_ballot_cast(user=people["member"], session_id=session.pk,
                                choices={item.pk: True})
    with pytest.raises(Conflict):
        council.council_ballot_cast(user=people["member"], session_id=session.pk,
                                    choices={item.pk: False})
    item.refresh_from_db()
    assert (item.yes, item.no) == (1, 0)
    assert BallotParticipation.objects.filter(item=item).count() == 1


def test_only_members_of_the_term_vote(people, nomination_in, term):
    """A council member's role without a seat in the term, or a seat without the role (and
    not the chair), is refused; a secretary does not vote either."""
    n = nomination_in(State.COUNCIL_VOTE)
    session = open_session(people, term, [n])
    item = item_of(session, n)
    outsider = factories.person("uv.ngoai", (Role.COUNCIL_MEMBER, None))
    for user in (outsider, people["secretary"]):
        with pytest.raises((NotFound, PermissionRefused)):
            council.council_ballot_cast(user=user, session_id=session.pk,
                                        choices={item.pk: True})
    term.members.remove(people["member"])
    with pytest.raises(NotFound):
        council.council_ballot_cast(user=people["member"], session_id=session.pk,
                                    choices={item.pk: True})
    # The chair votes without the council member's role.
    council.council_ballot_cast(user=people["director"], session_id=session.pk,
                                choices={item.pk: True})
    assert item_of(session, n).yes == 1


def test_only_the_secretary_opens_records_and_closes_a_session(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE)
    for name in ("member", "director", "reviewer", "admin"):
        with pytest.raises(PermissionRefused):
            council.council_session_open(user=people[name], term_id=term.pk,
                                         campaign_id=n.campaign_id,
                                         meets_on=timezone.localdate())
    session = open_session(people, term, [n])
    vote(session, members(term), n, yes=7)
    for name in ("member", "director"):
        with pytest.raises(PermissionRefused):
            council.council_session_close(user=people[name], session_id=session.pk)
        with pytest.raises(PermissionRefused):
            council.council_attendance_record(user=people[name], session_id=session.pk,
                                              statuses={people[name].pk: "absent"})
    with pytest.raises(NotFound):
        council.council_session_close(user=people["reviewer"], session_id=session.pk)
    close(people, session)
    with pytest.raises(Conflict):
        close(people, session)


def test_a_nomination_is_in_one_open_session_at_a_time(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE)
    open_session(people, term, [n])
    with pytest.raises(RuleViolation):
        council.council_session_open(user=people["secretary"], term_id=term.pk,
                                     campaign_id=n.campaign_id, meets_on=timezone.localdate())


def test_nobody_takes_the_council_outcome_by_hand(people, nomination_in, term):
    """council_pass is only the close's: taken directly, even with a session's numbers, it is
    refused, and it is neither offered nor given a URL."""
    from workflow import policy, services

    n = nomination_in(State.COUNCIL_VOTE)
    session = open_session(people, term, [n])
    with pytest.raises(Conflict):
        services.nomination_act(user=people["secretary"], nomination_id=n.pk,
                                action="council_pass",
                                inputs={"session": session.pk, "votes_for": 7, "votes_total": 7})
    assert fresh(n).state == State.COUNCIL_VOTE
    assert "council_pass" not in policy.LIFECYCLE_ACTIONS
    assert "council_pass" not in policy.BULK_ACTIONS


def test_closing_moves_every_nomination_in_one_transaction(people, nomination_in, term,
                                                            monkeypatch):
    """A failure on the second nomination undoes the first's move: nothing half-closed."""
    from workflow import services

    a = nomination_in(State.COUNCIL_VOTE)
    b = nomination_in(State.COUNCIL_VOTE, name="Trần Văn Bình")
    session = open_session(people, term, [a, b])
    vote(session, members(term), a, yes=7)
    vote(session, members(term), b, yes=7)
    real = services.nomination_act
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["nomination_id"])
        if len(calls) == 2:
            raise Conflict()
        return real(**kwargs)

    monkeypatch.setattr(council, "nomination_act", failing_second)
    with pytest.raises(Conflict):
        close(people, session)
    assert fresh(a).state == fresh(b).state == State.COUNCIL_VOTE
    assert not AuditRecord.objects.filter(action="council_pass").exists()
    monkeypatch.setattr(council, "nomination_act", real)
    close(people, session)
    assert fresh(a).state == fresh(b).state == State.AWAITING_DIRECTOR


def test_attendance_of_a_member_who_voted_cannot_become_absent(people, nomination_in, term):
    n = nomination_in(State.COUNCIL_VOTE)
    session = open_session(people, term, [n])
    vote(session, [people["member"]], n, yes=1)
    with pytest.raises(Conflict):
        council.council_attendance_record(user=people["secretary"], session_id=session.pk,
                                          statuses={people["member"].pk: "absent"})
    assert Attendance.objects.get(session=session, member=people["member"]).status == "present"


def test_the_factory_passes_and_fails_through_a_real_session(people, nomination_in):
    passed = nomination_in(State.AWAITING_DIRECTOR, award_code=CSTDCS)
    assert AuditRecord.objects.filter(nomination=passed, action="council_pass").exists()
    n = nomination_in(State.COUNCIL_VOTE)
    (failed,) = factories.council_decide(people, [n], yes=0)
    assert failed.state == State.REJECTED and failed.votes_total == 7


def test_the_outcome_and_the_ballot_page_read_in_a_fixed_number_of_queries(
    people, nomination_in, term, django_assert_max_num_queries
):
    from approvals.access import load_actor
    from approvals.council_selectors import ballot_page

    few = [nomination_in(State.COUNCIL_VOTE, name=f"Người {i}") for i in range(1)]
    many = [nomination_in(State.COUNCIL_VOTE, name=f"Người thứ {i}") for i in range(4)]
    small = open_session(people, term, few)
    large = council.council_session_open(
        user=people["secretary"], term_id=term.pk, campaign_id=many[0].campaign_id,
        meets_on=timezone.localdate(), nomination_ids=[n.pk for n in many])
    actor = load_actor(people["member"])
    for session in (small, large):
        session = VoteSession.objects.select_related("term", "campaign").get(pk=session.pk)
        with django_assert_max_num_queries(4):
            outcome = session_outcome(session)
        assert len(outcome.items) == session.items.count()
        with django_assert_max_num_queries(4):
            page = ballot_page(actor, session)
        assert len(page.items) == len(outcome.items)


def test_a_nomination_withdrawn_during_the_session_is_left_out_of_the_close(
    people, nomination_in, term
):
    from workflow import services

    a = nomination_in(State.COUNCIL_VOTE)
    b = nomination_in(State.COUNCIL_VOTE, name="Trần Văn Bình")
    session = open_session(people, term, [a, b])
    vote(session, members(term), a, yes=7)
    services.nomination_withdraw(user=people["head"], nomination_id=b.pk, comment="Rút")
    close(people, session)
    assert fresh(a).state == State.AWAITING_DIRECTOR and fresh(b).state == State.WITHDRAWN
    assert AuditRecord.objects.get(action="council_session_close").data["left"] == [b.pk]
    assert item_of(session, b).passed is None
