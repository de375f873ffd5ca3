"""Which law judges a campaign, the facts the rules read (loaded from the register and the
records in a fixed number of queries, however long a person's history or however large a
collective), the verdict of a nomination or of a nominee before any nomination exists, and
the dossier's missing documents."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import NotFound

from .access import Actor
from .eligibility import (
    Case,
    Check,
    CollectiveFacts,
    DisciplineFact,
    Outcome,
    PendingCaseFact,
    PersonFacts,
    QuotaFacts,
    TitleFact,
    Verdict,
    WorkFact,
    YearFacts,
    judge,
)
from .models import (
    NOT_LIVE_STATES,
    Award,
    Campaign,
    DocumentKind,
    DossierDocument,
    EligibilityKind,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    RuleSet,
    Unit,
    UpwardLine,
)
from .states import State

CONFERRED = (State.APPROVED, State.REPORTED)


def conferred(nomination: Nomination) -> bool:
    """The nominee holds the award: the body approved it and, for an award a higher
    authority decides, that authority conferred it (approvals/decisions.py; the line is
    read with the nomination: select_related("upward_line"))."""
    if nomination.state not in CONFERRED:
        return False
    if nomination.award.decided_by == Award.Decider.BODY:
        return True
    line = getattr(nomination, "upward_line", None)
    return line is not None and line.outcome == UpwardLine.Outcome.CONFERRED


def rule_set_for(campaign: Campaign) -> RuleSet | None:
    """The rule set in force on the campaign's submission deadline (one query)."""
    return (
        RuleSet.objects.in_force_on(campaign.submission_deadline)
        .order_by("-effective_from")
        .first()
    )


def members_day(campaign: Campaign) -> datetime.date:
    """The day a collective's members are counted on: its campaign's deadline, or the end
    of the campaign's year if that comes first."""
    return min(campaign.submission_deadline, datetime.date(campaign.year, 12, 31))


def _persons(ids: Any) -> QuerySet[Person]:
    """Persons with every record the rules read: one query each, whatever their number."""
    return Person.objects.filter(pk__in=ids).order_by("full_name", "id").prefetch_related(
        "ratings", "initiatives", "research_projects", "disciplines",
        Prefetch("pending_cases", queryset=PendingCase.objects.filter(closed_on__isnull=True)),
        Prefetch("past_awards", queryset=PastAward.objects.select_related("award")),
        Prefetch("nominations", queryset=Nomination.objects.exclude(
            state__in=NOT_LIVE_STATES).select_related("award", "campaign", "upward_line")),
    )


def _facts(person: Person, *, excluding: int | None) -> PersonFacts:
    titles = [
        TitleFact(a.award.eligibility, a.year, Campaign.Kind.YEARLY, True, a.award.code)
        for a in person.past_awards.all()
    ] + [
        TitleFact(n.award.eligibility, n.year, n.campaign.kind, conferred(n), n.award.code)
        for n in person.nominations.all() if n.pk != excluding
    ]
    works = [WorkFact("initiative", i.level, i.year, i.title) for i in person.initiatives.all()]
    works += [WorkFact("research", r.level, r.accepted_year, r.title)
              for r in person.research_projects.all()]
    return PersonFacts(
        name=person.full_name,
        gender=person.gender,
        years={r.year: YearFacts(r.year, r.rating, r.months_worked, r.maternity_months)
               for r in person.ratings.all()},
        titles=tuple(titles),
        works=tuple(works),
        disciplines=tuple(DisciplineFact(d.level, d.effective_from, d.effective_to,
                                         d.decision_ref) for d in person.disciplines.all()),
        pending_cases=tuple(PendingCaseFact(c.kind, c.opened_on, c.get_kind_display())
                            for c in person.pending_cases.all()),
        person_id=person.pk,
    )


def _quota(unit_id: int, year: int, *, excluding: int | None, adding: int) -> QuotaFacts:
    """The proposing unit's LĐTT holders and CSTĐCS candidates of the year (one query)."""
    live = Nomination.objects.filter(unit_id=unit_id, year=year).exclude(
        state__in=NOT_LIVE_STATES)
    if excluding is not None:
        live = live.exclude(pk=excluding)
    counts = live.aggregate(
        ldtt=Count("pk", filter=Q(award__eligibility=EligibilityKind.LDTT)),
        cstdcs=Count("pk", filter=Q(award__eligibility=EligibilityKind.CSTDCS)),
    )
    return QuotaFacts(counts["ldtt"], counts["cstdcs"] + adding)


@dataclass(frozen=True)
class Nominee:
    person_id: int | None = None
    unit_id: int | None = None


def case_for(*, award: Award, campaign: Campaign, nominee: Nominee, proposing_unit_id: int,
             nomination_id: int | None = None) -> Case:
    """The facts of one nominee for one award in one campaign (at most 10 queries)."""
    family = award.eligibility
    if nominee.unit_id is not None:
        unit = Unit.objects.only("name").get(pk=nominee.unit_id)
        day = members_day(campaign)
        ids = Membership.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day), unit_id=unit.pk, starts_on__lte=day
        ).values("person_id")
        members = tuple(_facts(p, excluding=nomination_id) for p in _persons(ids))
        subject: PersonFacts | CollectiveFacts = CollectiveFacts(unit.name, members, unit.pk)
    else:
        person = _persons([nominee.person_id or 0]).first()
        if person is None:
            raise Person.DoesNotExist
        subject = _facts(person, excluding=nomination_id)
    quota = None
    if family == EligibilityKind.CSTDCS:
        quota = _quota(proposing_unit_id, campaign.year, excluding=nomination_id, adding=1)
    return Case(family=family, year=campaign.year, nominee=subject, campaign_kind=campaign.kind,
                quota=quota)


def verdict_for(*, award: Award, campaign: Campaign, nominee: Nominee, proposing_unit_id: int,
                nomination_id: int | None = None) -> Verdict:
    rule_set = rule_set_for(campaign)
    if rule_set is None:
        return Verdict("", award.eligibility, (Check(
            "rule_set", Outcome.FAIL,
            _("Không có bộ quy tắc nào có hiệu lực vào hạn nộp của đợt (%(day)s).")
            % {"day": campaign.submission_deadline.strftime("%d/%m/%Y")}, ""),))
    case = case_for(award=award, campaign=campaign, nominee=nominee,
                    proposing_unit_id=proposing_unit_id, nomination_id=nomination_id)
    return judge(case, rule_set.params, rule_set=rule_set.code)


def nomination_verdict(nomination: Nomination) -> Verdict:
    """The live verdict of a nomination (its award and campaign already loaded)."""
    return verdict_for(
        award=nomination.award, campaign=nomination.campaign,
        nominee=Nominee(nomination.nominee_person_id, nomination.nominee_unit_id),
        proposing_unit_id=nomination.unit_id, nomination_id=nomination.pk,
    )


def missing_documents(nomination: Nomination) -> list[str]:
    """The award's checklist (Award.required_documents) less the dossier's current files:
    the labels of what is missing, in the checklist's order (one query)."""
    present = set(DossierDocument.objects.filter(
        nomination_id=nomination.pk, removed_at__isnull=True).values_list("kind", flat=True))
    labels = dict(DocumentKind.choices)
    return [str(labels.get(kind, kind)) for kind in nomination.award.required_documents
            if kind not in present]


def soft_fails_open(nomination: Nomination, verdict: Verdict) -> list[Check]:
    """The verdict's soft fails that no override in the history since the latest submission
    covers (one query)."""
    soft = verdict.having(Outcome.SOFT_FAIL)
    if not soft:
        return []
    covered: set[str] = set()
    for data in nomination.history.filter(
        action="override_soft_fail", created_at__gte=nomination.submitted_at or timezone.now()
    ).values_list("data", flat=True):
        covered.update(data.get("overridden", []))
    return [c for c in soft if c.code not in covered]


def preview_verdict(*, actor: Actor, award_id: int, campaign_id: int, unit_id: int,
                    person_id: int | None = None, collective_id: int | None = None) -> Verdict:
    """The verdict for a nominee, an award and a campaign before any nomination exists, for
    someone with a role at the proposing unit; a nominee the unit cannot propose (a person
    never its member, a collective neither it nor its child), like anything missing, is the
    same 404 as something hidden."""
    award = Award.objects.filter(pk=award_id).first()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if award is None or campaign is None or not actor.roles_at(unit_id):
        raise NotFound()
    if person_id is not None:
        tied = Membership.objects.filter(person_id=person_id, unit_id=unit_id).exists()
    else:
        tied = collective_id is not None and Unit.objects.filter(
            Q(pk=unit_id) | Q(parent_id=unit_id), pk=collective_id).exists()
    if not tied:
        raise NotFound()
    return verdict_for(award=award, campaign=campaign,
                       nominee=Nominee(person_id, collective_id), proposing_unit_id=unit_id)
