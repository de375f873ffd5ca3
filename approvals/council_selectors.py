"""The council's sessions as they are read: the one access helper for a session, the
computed outcome of a session (thresholds on the term's whole membership, the quorum, the
quota and the chair's tie breaks) and the member's ballot page. Nobody types "passed": the
outcome is always computed here (docs/council.md)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from workflow.errors import NotFound, RuleViolation

from .access import Actor
from .eligibility import Headcount, ranked, women_first
from .models import (
    Attendance,
    BallotParticipation,
    CouncilTerm,
    Nomination,
    Person,
    SessionItem,
    VoteSession,
)
from .ranking import _headcounts
from .roles import Role
from .rulesets import Parameters
from .states import State
from .verdicts import members_day, rule_set_for

SECRETARY = Role.COUNCIL_SECRETARY


def is_secretary(actor: Actor) -> bool:
    return SECRETARY in actor.roles


def may_vote(actor: Actor, term: CouncilTerm, member_ids: set[int]) -> bool:
    """A member of the term holding the council member's role, or the term's chair."""
    uid = actor.user.pk
    return uid in member_ids and (Role.COUNCIL_MEMBER in actor.roles or uid == term.chair_id)


def get_session_for_actor(actor: Actor, session_id: int | str, *,
                          for_update: bool = False) -> VoteSession:
    """The session, for the council's secretary or a member of its term; a missing session
    and one the actor may not see both raise the same NotFound."""
    try:
        pk = int(session_id)
    except (TypeError, ValueError):
        pk = 0
    query = VoteSession.objects.select_related("term", "campaign")
    if for_update:
        query = query.select_for_update(of=("self",))
    session = query.filter(pk=pk).first()
    if session is None or not (
        is_secretary(actor) or actor.user.pk == session.term.chair_id
        or session.term.members.filter(pk=actor.user.pk).exists()
    ):
        raise NotFound(_("Không có phiên bỏ phiếu này."))
    return session


def sessions_for_actor(actor: Actor) -> QuerySet[VoteSession]:
    """The sessions the actor sees: every one for the secretary, their terms' for a member."""
    query = VoteSession.objects.select_related("term", "campaign").order_by("-meets_on", "-id")
    if is_secretary(actor):
        return query
    return query.filter(Q(term__members=actor.user) | Q(term__chair=actor.user)).distinct()


def sits_on_a_council(user_id: int) -> bool:
    """The user chairs or belongs to a council term, whatever their roles (a chair who is not
    the head of the body): one query."""
    return CouncilTerm.objects.filter(Q(chair_id=user_id) | Q(members__id=user_id)).exists()


def term_in_force(day: datetime.date) -> CouncilTerm | None:
    return (CouncilTerm.objects.filter(starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).order_by("-starts_on").first())


@dataclass
class ItemOutcome:
    item: SessionItem
    nomination: Nomination
    threshold: Decimal  # per cent of the whole membership
    votes_for: int
    ballots: int
    over_threshold: bool
    # Among the candidates over the threshold at the quota's cut with equal votes (and equal
    # priority): the chair must choose.
    tied: bool = False
    passed: bool = False
    # Why it failed: "threshold", "quota" ("" when it passed).
    reason: str = ""


@dataclass
class Outcome:
    session: VoteSession
    members: int
    present: int
    written: int
    absent: int
    quorum_met: bool
    quorum: str  # "2/3"
    items: list[ItemOutcome]
    # Award codes whose tie at the quota the chair has not yet broken.
    ties_open: list[str]

    @property
    def may_close(self) -> bool:
        return self.session.status == VoteSession.Status.OPEN and self.quorum_met and (
            not self.ties_open
        )

    def refusals(self) -> list[str]:
        reasons = []
        if not self.quorum_met:
            reasons.append(_("Chưa đủ số thành viên có mặt theo quy định (%(q)s tổng số "
                             "%(n)d thành viên); không thể kết thúc phiên.")
                           % {"q": self.quorum, "n": self.members})
        if self.ties_open:
            reasons.append(_("Chủ tịch Hội đồng chưa quyết định các trường hợp bằng phiếu "
                             "vượt chỉ tiêu: %(awards)s.") % {"awards": ", ".join(self.ties_open)})
        return reasons


def params_for(session: VoteSession) -> Parameters:
    rule_set = rule_set_for(session.campaign)
    if rule_set is None:
        raise RuleViolation(reasons=[_("Đợt thi đua chưa có bộ quy tắc xét khen thưởng.")])
    return rule_set.params


def session_outcome(session: VoteSession) -> Outcome:
    """The computed outcome of the session as its counts stand (five queries)."""
    params = params_for(session)
    counts = {r["status"]: r["n"] for r in Attendance.objects.filter(session=session)
              .values("status").annotate(n=Count("id")).order_by()}
    present = counts.get(Attendance.Status.PRESENT, 0)
    written = counts.get(Attendance.Status.WRITTEN, 0)
    members = session.members_total
    items = list(SessionItem.objects.filter(session=session)
                 .select_related("nomination__award", "nomination__unit",
                                 "nomination__nominee_person", "nomination__nominee_unit"))
    found = []
    for item in items:
        award = item.nomination.award
        found.append(ItemOutcome(
            item=item, nomination=item.nomination,
            threshold=params.vote_threshold(award.eligibility, award.code),
            votes_for=item.votes_for, ballots=item.ballots,
            over_threshold=params.vote_passes(item.votes_for, members, award.eligibility,
                                              award.code),
        ))
    ties = _apply_quotas(session, found, params)
    return Outcome(
        session=session, members=members, present=present, written=written,
        absent=members - present - written,
        quorum_met=params.quorum_met(present, members),
        quorum=f"{params.quorum_numerator}/{params.quorum_denominator}", items=found,
        ties_open=ties,
    )


def _apply_quotas(session: VoteSession, found: list[ItemOutcome],
                  params: Parameters) -> list[str]:
    """Pass those over the threshold within each award's quota: most votes first, among
    equal votes women first (Law Art. 5, eligibility.ranked), then the chair's choice.
    Returns the awards whose tie at the cut still waits for the chair."""
    by_award: dict[str, list[ItemOutcome]] = defaultdict(list)
    closed = session.status == VoteSession.Status.CLOSED
    for o in found:
        o.reason = "" if o.over_threshold else "threshold"
        # A nomination withdrawn while the session sits takes no place in a quota.
        live = o.item.passed is not None if closed else o.nomination.state == State.COUNCIL_VOTE
        if o.over_threshold and live:
            by_award[o.nomination.award.code].append(o)
    day = members_day(session.campaign)
    heads = _headcounts({o.nomination.nominee_unit_id for o in found
                         if o.nomination.nominee_unit_id}, day)

    def nominee(o: ItemOutcome) -> Headcount:
        n = o.nomination
        if n.nominee_unit_id is not None:
            return heads.get(n.nominee_unit_id, Headcount(0, 0))
        female = n.nominee_person is not None and n.nominee_person.gender == Person.Gender.FEMALE
        return Headcount(int(female), 1, person=True)

    def key(o: ItemOutcome) -> tuple[int, bool]:
        return (o.votes_for, women_first(nominee(o), params))

    open_ties = []
    for code, group in by_award.items():
        quota = session.quotas.get(code)
        if quota is None or len(group) <= int(quota):
            for o in group:
                o.passed = True
            continue
        order = ranked(group, merit=lambda o: o.votes_for, nominee=nominee, params=params)
        cut = key(order[int(quota) - 1]) if int(quota) > 0 else None
        above = [o for o in order if cut is not None and key(o) > cut]
        tied = [o for o in order if cut is not None and key(o) == cut]
        places = int(quota) - len(above)
        for o in above:
            o.passed = True
        if len(tied) <= places:
            chosen = tied
        else:
            for o in tied:
                o.tied = True
            chosen = [o for o in tied if o.item.chair_chosen]
            if len(chosen) != places:
                open_ties.append(code)
                chosen = []
        for o in chosen:
            o.passed = True
        for o in group:
            if not o.passed:
                o.reason = "quota"
    return sorted(open_ties)


@dataclass
class BallotPage:
    session: VoteSession
    may_vote: bool
    # (item, whether this member has already cast on it)
    items: list[tuple[SessionItem, bool]]

    @property
    def left(self) -> bool:
        """Some item still waits for this member's ballot."""
        return self.may_vote and not all(done for _, done in self.items)


def ballot_page(actor: Actor, session: VoteSession) -> BallotPage:
    """The nominations of the session for the member, and on which they already voted (never
    how: nothing stored says it). Four queries."""
    member_ids = set(session.term.members.values_list("pk", flat=True))
    attending = Attendance.objects.filter(
        session=session, member_id=actor.user.pk,
        status__in=(Attendance.Status.PRESENT, Attendance.Status.WRITTEN),
    ).exists()
    items = list(SessionItem.objects.filter(session=session)
                 .select_related("nomination__award", "nomination__unit"))
    cast = set(BallotParticipation.objects.filter(item__session=session, member=actor.user)
               .values_list("item_id", flat=True))
    votes = (may_vote(actor, session.term, member_ids) and attending
             and session.status == VoteSession.Status.OPEN)
    return BallotPage(session=session, may_vote=votes,
                      items=[(i, i.pk in cast) for i in items])


def attendance_rows(session: VoteSession) -> list[Attendance]:
    return list(Attendance.objects.filter(session=session).select_related("member")
                .order_by("member__last_name", "member__first_name", "member_id"))
