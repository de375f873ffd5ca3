"""The candidates for one award in one campaign, in the order the council weighs them: the
most votes in favour first (once the council has voted), and among otherwise equal
candidates women, or collectives whose members are at least the rule set's share of women
(70 %), first (Law 06/2022/QH15 Art. 5; approvals.eligibility.ranked). Five queries,
whatever the number of candidates or the size of the collectives."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from workflow.errors import NotFound

from .access import Actor
from .eligibility import Headcount, ranked, women_first
from .models import NOT_LIVE_STATES, Award, Campaign, Membership, Nomination, Person
from .rulesets import Parameters
from .selectors import nomination_list
from .states import State
from .verdicts import members_day, rule_set_for

# A draft is not yet a candidate: its unit has not proposed it.
NOT_CANDIDATES = (*NOT_LIVE_STATES, State.DRAFT)


@dataclass(frozen=True)
class Candidate:
    nomination: Nomination
    position: int
    # A woman, or a collective with at least the rule set's share of women.
    women_first: bool
    # Placed by the priority alone above a candidate with as many votes who lacks it.
    raised: bool
    # Collectives: members and women among them on the day they are counted.
    women: int | None = None
    members: int | None = None

    @property
    def votes_for(self) -> int | None:
        return self.nomination.votes_for

    @property
    def votes_total(self) -> int | None:
        return self.nomination.votes_total


@dataclass(frozen=True)
class Ranking:
    campaign: Campaign
    award: Award
    rule_set: str
    citation: str
    share_percent: Decimal | None
    counted_on: datetime.date
    candidates: list[Candidate]


def _headcounts(unit_ids: set[int], day: datetime.date) -> dict[int, Headcount]:
    """Members of each collective on `day`, and the women among them (one query)."""
    if not unit_ids:
        return {}
    rows = (
        Membership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day),
                                  unit_id__in=unit_ids, starts_on__lte=day)
        .values("unit_id")
        .annotate(members=Count("person_id", distinct=True),
                  women=Count("person_id", distinct=True,
                              filter=Q(person__gender=Person.Gender.FEMALE)))
        .order_by()
    )
    return {r["unit_id"]: Headcount(r["women"], r["members"]) for r in rows}


def candidate_ranking(actor: Actor, *, campaign_id: int, award_id: int) -> Ranking:
    """The live, proposed nominations the actor may see for an award in a campaign, ranked
    (five queries); NotFound for an unknown campaign or award."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    award = Award.objects.filter(pk=award_id).first()
    if campaign is None or award is None:
        raise NotFound(_("Không có đợt thi đua này.") if campaign is None
                       else _("Không có danh hiệu, hình thức khen thưởng này."))
    rule_set = rule_set_for(campaign)
    params: Parameters | None = rule_set.params if rule_set else None
    rows = list(
        nomination_list(actor, filters={"campaign": campaign.pk, "award": award.pk})
        .exclude(state__in=NOT_CANDIDATES)
        .select_related("nominee_person")
        .order_by("submitted_at", "id")
    )
    day = members_day(campaign)
    counts = _headcounts({n.nominee_unit_id for n in rows if n.nominee_unit_id}, day)

    def nominee(n: Nomination) -> Headcount:
        if n.nominee_unit_id is not None:
            return counts.get(n.nominee_unit_id, Headcount(0, 0))
        gender = n.nominee_person.gender if n.nominee_person else ""
        return Headcount(int(gender == Person.Gender.FEMALE), 1, person=True)

    def merit(n: Nomination) -> int:
        return n.votes_for if n.votes_for is not None else -1

    first = {n.pk: params is not None and women_first(nominee(n), params) for n in rows}
    order = ranked(rows, merit=merit, nominee=nominee, params=params) if params else rows
    # The merits some candidate without the priority shares: a woman with one of them was
    # placed above that candidate by the priority alone.
    shared = {merit(n) for n in rows if not first[n.pk]}
    candidates = []
    for position, n in enumerate(order, start=1):
        count = counts.get(n.nominee_unit_id) if n.nominee_unit_id is not None else None
        candidates.append(Candidate(
            nomination=n, position=position, women_first=first[n.pk],
            raised=first[n.pk] and merit(n) in shared,
            women=count.women if count else None, members=count.members if count else None,
        ))
    return Ranking(
        campaign=campaign, award=award, rule_set=rule_set.code if rule_set else "",
        citation=params.citation("women_first") if params else "",
        share_percent=params.women_first_collective_percent if params else None,
        counted_on=day, candidates=candidates,
    )
