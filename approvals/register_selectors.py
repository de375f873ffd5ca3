"""Reads of the nominee register: people, collectives, their records and their commendation
history across years. Each runs a fixed number of queries, whatever the data."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .access import Actor, persons_visible_q, units_visible
from .models import Award, Membership, Nomination, PastAward, Person, Unit, UpwardLine
from .record_kinds import KINDS, RECORD_KINDS
from .states import State
from .verdicts import conferred

# A nomination that ended in an award: the body decided it (and may have reported it).
AWARDED_STATES = (State.APPROVED, State.REPORTED)
# The history also keeps the awards later revoked, marked so (they count for nothing).
HISTORY_STATES = (*AWARDED_STATES, State.REVOKED)
LOOKUP_LIMIT = 50
# Held: the body decides the award, or the higher authority conferred it.
HELD_Q = Q(award__decided_by=Award.Decider.BODY) | Q(upward_line__outcome="conferred")


def _unaccent(text: str) -> Func:
    return Func(Value(text.strip()), function="UNACCENT", output_field=CharField())


def _current(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def person_list(
    actor: Actor, *, filters: dict[str, Any] | None = None, today: datetime.date | None = None
) -> QuerySet:
    """The people the actor reads, by name, each with their current units
    (`current_memberships`) and how many awards they hold (`awards`): three queries for a
    page (its count, its rows, their memberships)."""
    f, day = filters or {}, today or timezone.localdate()
    qs = Person.objects.filter(persons_visible_q(actor))
    if f.get("q"):
        # Accents and case aside: "nguyen van an" finds "Nguyễn Văn An" (approvals.search).
        qs = qs.filter(full_name__unaccent__icontains=_unaccent(str(f["q"])))
    if f.get("unit"):
        qs = qs.filter(
            pk__in=Membership.objects.filter(_current(day), unit_id=f["unit"]).values("person_id")
        )
    awarded = Nomination.objects.filter(
        HELD_Q, nominee_person=OuterRef("pk"), state__in=AWARDED_STATES
    ).order_by().values("nominee_person").annotate(n=Count("pk")).values("n")
    past = PastAward.objects.filter(person=OuterRef("pk")).order_by().values("person").annotate(
        n=Count("pk")
    ).values("n")
    return (
        qs.annotate(
            awards=Coalesce(Subquery(awarded), 0) + Coalesce(Subquery(past), 0),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(_current(day)).select_related("unit"),
                to_attr="current_memberships",
            )
        )
        .order_by("full_name", "id")
    )


def collective_list(actor: Actor, *, q: str = "") -> QuerySet:
    """The units the actor reads as collectives, matching `q` (accents and case aside)."""
    qs = Unit.objects.filter(pk__in=units_visible(actor))
    if q:
        text = _unaccent(q)
        qs = qs.filter(Q(name__unaccent__icontains=text) | Q(code__icontains=q.strip()))
    awarded = Nomination.objects.filter(
        HELD_Q, nominee_unit=OuterRef("pk"), state__in=AWARDED_STATES
    ).order_by().values("nominee_unit").annotate(n=Count("pk")).values("n")
    past = PastAward.objects.filter(unit=OuterRef("pk")).order_by().values("unit").annotate(
        n=Count("pk")
    ).values("n")
    return qs.annotate(
        awards=Coalesce(Subquery(awarded), 0) + Coalesce(Subquery(past), 0)
    ).order_by("code")


@dataclass(frozen=True)
class Commendation:
    """One award a person or a collective holds: a nomination of this system that the body
    decided, or an award conferred outside it (before it, or by a higher authority)."""

    year: int
    award: Award
    source: str  # "nomination" or "past_award"
    decision_number: str
    decision_date: datetime.date | None
    decider: str
    nomination_id: int | None = None
    state: str = ""
    past_award_id: int | None = None
    # A revoked award (thu hồi khen thưởng) stays in the history, shown as revoked.
    revocation_number: str = ""
    revocation_date: datetime.date | None = None
    # An award a higher authority decides: that authority's outcome (UpwardLine.Outcome;
    # "pending" until proposed and decided), and whether the nominee holds it.
    outcome: str = ""
    held: bool = True

    @property
    def revoked(self) -> bool:
        return self.state == State.REVOKED

    @property
    def outcome_label(self) -> str:
        return str(UpwardLine.Outcome(self.outcome).label) if self.outcome else ""


def _commendation(n: Nomination) -> Commendation:
    decider = n.award.decider_note or str(Award.Decider(n.award.decided_by).label)
    common = {"year": n.year, "award": n.award, "source": "nomination", "decider": decider,
              "nomination_id": n.pk, "state": n.state, "held": conferred(n),
              "revocation_number": n.revocation_number, "revocation_date": n.revocation_date}
    if n.award.decided_by == Award.Decider.BODY:
        return Commendation(decision_number=n.decision_number, decision_date=n.decision_date,
                            **common)
    # Approved by the body, the award is the higher authority's to confer (docs/decisions.md).
    line = getattr(n, "upward_line", None)
    outcome = line.outcome if line is not None else UpwardLine.Outcome.PENDING
    return Commendation(
        decision_number=line.outcome_number if line is not None else "",
        decision_date=line.outcome_date if line is not None else None,
        outcome=outcome, **common,
    )


def _from_nominations(qs: QuerySet) -> list[Commendation]:
    return [
        _commendation(n)
        for n in qs.filter(state__in=HISTORY_STATES).select_related("award", "upward_line")
    ]


def _from_past(qs: QuerySet) -> list[Commendation]:
    return [
        Commendation(
            year=p.year, award=p.award, source="past_award", decision_number=p.decision_number,
            decision_date=p.decision_date, decider=p.decider, past_award_id=p.pk,
        )
        for p in qs.select_related("award")
    ]


def _by_year(entries: list[Commendation]) -> list[Commendation]:
    return sorted(
        entries,
        key=lambda c: (-c.year, -(c.decision_date or datetime.date.min).toordinal(),
                       c.award.code),
    )


def person_history(person: Person) -> list[Commendation]:
    """The person's awards across the years, newest first: two queries."""
    return _by_year(
        _from_nominations(Nomination.objects.filter(nominee_person=person))
        + _from_past(PastAward.objects.filter(person=person))
    )


def collective_history(unit: Unit) -> list[Commendation]:
    """The collective's own awards across the years, newest first: two queries."""
    return _by_year(
        _from_nominations(Nomination.objects.filter(nominee_unit=unit))
        + _from_past(PastAward.objects.filter(unit=unit))
    )


def members_on(unit: Unit, day: datetime.date) -> QuerySet:
    """The collective's members on `day`: the memberships covering it (one query)."""
    return (
        Membership.objects.filter(_current(day), unit=unit)
        .select_related("person")
        .order_by("person__full_name", "person_id")
    )


def person_records(person: Person) -> dict[str, list[Any]]:
    """kind -> the person's rows of it (memberships and each record type): one query each."""
    related = {
        "memberships": Membership.objects.select_related("unit"),
        "past_awards": PastAward.objects.select_related("award"),
    }
    records: dict[str, list[Any]] = {}
    for code in RECORD_KINDS:
        model = KINDS[code].model
        qs = related.get(code, model._default_manager.all())
        records[code] = list(qs.filter(person=person))
    return records


def person_profile(person: Person, *, today: datetime.date | None = None) -> Person:
    """The person with every record (`records`: kind -> rows), the units they belong to on
    `today` (`current_memberships`) and their commendation history (`history`, `awards`):
    nine queries, whatever the data."""
    day = today or timezone.localdate()
    records = person_records(person)
    person.records = records  # type: ignore[attr-defined]
    person.current_memberships = [  # type: ignore[attr-defined]
        m for m in records["memberships"]
        if m.starts_on <= day and (m.ends_on is None or m.ends_on >= day)
    ]
    person.history = person_history(person)  # type: ignore[attr-defined]
    person.awards = sum(c.held for c in person.history)  # type: ignore[attr-defined]
    return person


def collective_profile(unit: Unit, *, day: datetime.date | None = None) -> Unit:
    """The unit with its members on `day` (`members`) and its own awards (`history`,
    `awards`): three queries."""
    unit.members = list(members_on(unit, day or timezone.localdate()))  # type: ignore[attr-defined]
    unit.history = collective_history(unit)  # type: ignore[attr-defined]
    unit.awards = sum(c.held for c in unit.history)  # type: ignore[attr-defined]
    return unit
