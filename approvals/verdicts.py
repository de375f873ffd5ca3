"""Which law judges a campaign, the facts the rules read (loaded from the register and the
records in a fixed number of queries, however long a person's history or however large a
collective), the verdict of a nomination or of a nominee before any nomination exists, and
the dossier's missing documents."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q
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
    Discipline,
    DocumentKind,
    DossierDocument,
    EligibilityKind,
    Initiative,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    ResearchProject,
    RuleSet,
    Unit,
    UpwardLine,
    YearRating,
)
from .states import State

CONFERRED = (State.APPROVED, State.REPORTED)


def conferred(nomination: Nomination) -> bool:
    """The nominee holds the award: the body approved it and, for an award a higher
    authority decides, that authority conferred it (approvals/decisions.py; the line is
    read with the nomination: select_related("upward_line"))."""
    line = getattr(nomination, "upward_line", None)
    return _conferred(nomination.state, nomination.award.decided_by,
                      line.outcome if line is not None else None)


def _conferred(state: str, decided_by: str, outcome: str | None) -> bool:
    if state not in CONFERRED:
        return False
    return decided_by == Award.Decider.BODY or outcome == UpwardLine.Outcome.CONFERRED


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


# --- the facts of persons: one statement, whatever their number and history ----------
#
# Each person's records come back as JSON arrays, one per kind (json_agg on PostgreSQL,
# json_group_array on SQLite, the demo), and are put in the models' own orderings here:
# the facts are the same as reading each model (tests/test_verdict_facts.py compares).

def _records_sql(vendor: str) -> str:
    agg, row = ("json_agg", "json_build_array") if vendor == "postgresql" else (
        "json_group_array", "json_array")
    t = {m: m._meta.db_table for m in (Person, YearRating, Initiative, ResearchProject,
                                        Discipline, PendingCase, PastAward, Award, Nomination,
                                        Campaign, UpwardLine)}
    not_live = ", ".join(f"'{s}'" for s in NOT_LIVE_STATES)

    def records(columns: str, source: str) -> str:
        return f"(SELECT {agg}({row}({columns})) FROM {source})"

    return f"""
SELECT p.id, p.full_name, p.gender,
  {records("r.year, r.rating, CAST(r.months_worked AS TEXT), "
           "CAST(r.maternity_months AS TEXT)",
           f"{t[YearRating]} r WHERE r.person_id = p.id")},
  {records("i.id, i.level, i.year, i.title", f"{t[Initiative]} i WHERE i.person_id = p.id")},
  {records("x.id, x.level, x.accepted_year, x.title",
           f"{t[ResearchProject]} x WHERE x.person_id = p.id")},
  {records("d.id, d.level, d.effective_from, d.effective_to, d.decision_ref",
           f"{t[Discipline]} d WHERE d.person_id = p.id")},
  {records("c.id, c.kind, c.opened_on",
           f"{t[PendingCase]} c WHERE c.person_id = p.id AND c.closed_on IS NULL")},
  {records("a.id, w.eligibility, a.year, w.code",
           f"{t[PastAward]} a JOIN {t[Award]} w ON w.id = a.award_id WHERE a.person_id = p.id")},
  {records("n.id, CAST(n.created_at AS TEXT), w.eligibility, n.year, k.kind, n.state, "
           "w.decided_by, u.outcome, w.code",
           f"{t[Nomination]} n JOIN {t[Award]} w ON w.id = n.award_id "
           f"JOIN {t[Campaign]} k ON k.id = n.campaign_id "
           f"LEFT JOIN {t[UpwardLine]} u ON u.nomination_id = n.id "
           f"WHERE n.nominee_person_id = p.id AND n.state NOT IN ({not_live})")}
FROM {t[Person]} p WHERE p.id IN (SELECT value FROM {{ids}})
ORDER BY p.full_name, p.id"""


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value[:10])


def _rows(value: Any) -> list[list[Any]]:
    """A JSON array column: psycopg decodes it, SQLite returns its text (NULL: none)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def persons_facts(ids: Iterable[int], *, excluding: int | None = None) -> list[PersonFacts]:
    """The facts of these persons (by name), every record the rules read: one query.

    `excluding`: the nomination being judged, which is not one of the person's titles."""
    ids = sorted(set(ids))
    if not ids:
        return []
    vendor = connection.vendor
    params: list[Any]
    if vendor == "postgresql":
        source, params = "unnest(%s::integer[]) AS value", [ids]
    else:
        source, params = "json_each(%s)", [json.dumps(ids)]
    with connection.cursor() as cursor:
        cursor.execute(_records_sql(vendor).replace("{ids}", source), params)
        found = cursor.fetchall()
    pending_labels = dict(PendingCase.Kind.choices)
    facts = []
    for pk, name, gender, ratings, initiatives, research, disciplines, cases, past, live in found:
        nominations = sorted(_rows(live), key=lambda n: (n[1], n[0]), reverse=True)
        titles = [TitleFact(e, y, Campaign.Kind.YEARLY, True, code)
                  for _id, e, y, code in sorted(_rows(past), key=lambda a: (-a[2], a[0]))]
        titles += [TitleFact(e, y, kind, _conferred(state, decided_by, outcome), code)
                   for n_id, _at, e, y, kind, state, decided_by, outcome, code in nominations
                   if n_id != excluding]
        works = [WorkFact("initiative", level, year, title) for _id, level, year, title
                 in sorted(_rows(initiatives), key=lambda i: (-i[2], i[0]))]
        works += [WorkFact("research", level, year, title) for _id, level, year, title
                  in sorted(_rows(research), key=lambda r: (-r[2], r[0]))]
        facts.append(PersonFacts(
            name=name,
            gender=gender,
            years={y: YearFacts(y, rating, Decimal(worked), Decimal(maternity))
                   for y, rating, worked, maternity in sorted(_rows(ratings),
                                                               key=lambda r: -r[0])},
            titles=tuple(titles),
            works=tuple(works),
            disciplines=tuple(
                DisciplineFact(level, _day(start), _day(end), ref)
                for _id, level, start, end, ref in sorted(
                    _rows(disciplines), key=lambda d: (_negated(d[2]), d[0]))
            ),
            pending_cases=tuple(
                PendingCaseFact(kind, _day(opened), str(pending_labels.get(kind, kind)))
                for _id, kind, opened in sorted(_rows(cases),
                                                key=lambda c: (_negated(c[2]), c[0]))
            ),
            person_id=pk,
        ))
    return facts


def _negated(day: str) -> int:
    """A sort key putting later days first."""
    return -_day(day).toordinal()


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
    """The facts of one nominee for one award in one campaign (at most 4 queries)."""
    family = award.eligibility
    if nominee.unit_id is not None:
        unit = Unit.objects.only("name").get(pk=nominee.unit_id)
        day = members_day(campaign)
        ids = Membership.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day), unit_id=unit.pk, starts_on__lte=day
        ).values_list("person_id", flat=True)
        members = tuple(persons_facts(ids, excluding=nomination_id))
        subject: PersonFacts | CollectiveFacts = CollectiveFacts(unit.name, members, unit.pk)
    else:
        found = persons_facts([nominee.person_id or 0], excluding=nomination_id)
        if not found:
            raise Person.DoesNotExist
        subject = found[0]
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
