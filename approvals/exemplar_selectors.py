"""Reads of the exemplars (điển hình tiên tiến): the public page's list and entry, which read
only published exemplars and only the public fields (name, unit, award, year, story: never
the dossier, the ratings or any other personal data), the staff's list of proposals, and the
year's compilation. Each runs a fixed number of queries, whatever the data."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from .access import COMPILATION_ROLES, Actor
from .decision_selectors import signer_of
from .models import Award, Exemplar, Unit
from .states import State

# Exactly what the public may read of an exemplar; the page and the API show these alone.
PUBLIC_FIELDS = ("id", "name", "unit", "award", "year", "story")
PUBLIC_LIMIT = 200
# The awards counted in the compilation: decided that year and not revoked.
CONFERRED_STATES = (State.APPROVED, State.REPORTED)


def _published() -> QuerySet[Exemplar]:
    return Exemplar.objects.filter(status=Exemplar.Status.PUBLISHED)


def _unit_named(unit: str) -> Q:
    """A collective's unit is itself; a person's, the unit that proposed them."""
    return Q(nomination__nominee_unit__name=unit) | Q(
        nomination__nominee_unit__isnull=True, nomination__unit__name=unit)


def _public_rows(qs: QuerySet[Exemplar]) -> Any:
    """Rows of PUBLIC_FIELDS only, newest year first, then by unit and name."""
    return (
        qs.annotate(
            name=F("nomination__nominee_name"),
            unit=Coalesce(F("nomination__nominee_unit__name"), F("nomination__unit__name")),
            award=F("nomination__award__name_vi"),
            year=F("nomination__year"),
        )
        .order_by(F("nomination__year").desc(), "unit", "name", "id")
        .values(*PUBLIC_FIELDS)
    )


def _unaccent(text: str) -> Func:
    return Func(Value(text), function="UNACCENT", output_field=CharField())


def public_exemplars(
    *, q: str = "", year: int | None = None, unit: str = ""
) -> list[dict[str, Any]]:
    """The published exemplars, newest year first, then by unit: one query. `q` matches the
    name, the unit, the award or the story, accents and case aside ("nguyen thi huong" finds
    "Nguyễn Thị Hương", approvals.search); `unit`: the unit's exact name."""
    qs = _published()
    if q.strip():
        text = _unaccent(q.strip())
        qs = qs.filter(
            Q(nomination__nominee_name__unaccent__icontains=text)
            | Q(nomination__unit__name__unaccent__icontains=text)
            | Q(nomination__award__name_vi__unaccent__icontains=text)
            | Q(story__unaccent__icontains=text)
        )
    if year is not None:
        qs = qs.filter(nomination__year=year)
    if unit:
        qs = qs.filter(_unit_named(unit))
    return list(_public_rows(qs)[:PUBLIC_LIMIT])


def public_exemplar(exemplar_id: int) -> dict[str, Any] | None:
    """One published exemplar's public fields, or None (missing or not published)."""
    row: dict[str, Any] | None = _public_rows(_published().filter(pk=exemplar_id)).first()
    return row


@dataclass(frozen=True)
class PublicChoices:
    years: list[int]
    units: list[str]


def public_choices() -> PublicChoices:
    """The years and units that have a published exemplar (the page's filters): one query."""
    rows = list(_public_rows(_published()).order_by().values("year", "unit").distinct())
    return PublicChoices(
        years=sorted({r["year"] for r in rows}, reverse=True),
        units=sorted({r["unit"] for r in rows}),
    )


def exemplar_list(actor: Actor, *, status: str = "") -> QuerySet[Exemplar]:
    """The exemplars of the units the actor sees (any role there), newest first: one query."""
    units = actor.units_for(*actor.scopes)
    qs = Exemplar.objects.filter(nomination__unit_id__in=units)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("nomination", "nomination__award", "nomination__unit",
                             "proposed_by", "decided_by")


@dataclass(frozen=True)
class Compilation:
    """The year's outstanding results and exemplars (tổng hợp thành tích, điển hình), and who
    issues it: the body, where, and who signs it."""

    year: int
    # unit name -> its published exemplars of the year (PUBLIC_FIELDS), by name
    exemplars: dict[str, list[dict[str, Any]]]
    # (award name, how many were conferred that year, not revoked), in catalogue order
    counts: list[tuple[str, int]]
    made_on: datetime.date
    body: Unit
    # Địa danh: where the body issues its documents (Unit.place; "" until an admin sets it).
    place: str
    signer_name: str
    signer_title: str


def _depth(unit: Unit, units: dict[int, Unit]) -> int:
    depth = 0
    while unit.parent_id is not None:
        depth, unit = depth + 1, units[unit.parent_id]
    return depth


def compilation_body(actor: Actor) -> Unit:
    """The unit with legal personality (Law 06/2022 Art. 80(1)) that issues the actor's
    compilation: the top one of the units they cover with a compilation role, else the first
    top unit (one query). The actor may read the compilation, so there is a top unit."""
    units = {u.pk: u for u in Unit.objects.select_related("parent")}
    covered = actor.units_for(*COMPILATION_ROLES)
    bodies = [u for u in units.values() if u.pk in covered and u.has_legal_personality]
    if not bodies:
        bodies = [u for u in units.values() if u.parent_id is None]
    return min(bodies, key=lambda u: (_depth(u, units), u.code))


def year_compilation(year: int, *, actor: Actor, today: datetime.date) -> Compilation:
    """Four queries: the year's published exemplars, the awards conferred that year, the
    issuing body (with its place) and the signer (the actor)."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in _public_rows(_published().filter(nomination__year=year)):
        by_unit.setdefault(row["unit"], []).append(row)
    counted = (
        Award.objects.annotate(n=Count("nomination", filter=Q(
            nomination__year=year, nomination__state__in=CONFERRED_STATES)))
        .filter(n__gt=0).order_by("code").values_list("name_vi", "n")
    )
    body = compilation_body(actor)
    name, title = signer_of(actor.user)
    return Compilation(year=year, exemplars=by_unit, counts=list(counted), made_on=today,
                       body=body, place=body.place, signer_name=name, signer_title=title)
