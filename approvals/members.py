"""Reads of the nominee register: who belonged to a unit when, and whom a unit may propose."""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Membership, Person, Unit


def covering(starts_on: datetime.date, ends_on: datetime.date) -> Q:
    """Memberships in force on some day from `starts_on` to `ends_on` (both inclusive)."""
    return Q(starts_on__lte=ends_on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))


def is_member_during(
    *, person_id: int, unit_id: int, starts_on: datetime.date, ends_on: datetime.date
) -> bool:
    """The person belonged to the unit on some day of the period (a campaign's, say)."""
    return Membership.objects.filter(
        covering(starts_on, ends_on), person_id=person_id, unit_id=unit_id
    ).exists()


def members_on(unit_id: int, day: datetime.date) -> QuerySet[Person]:
    """A collective's members on `day`: the persons whose membership of the unit covers it."""
    return Person.objects.filter(
        pk__in=Membership.objects.filter(covering(day, day), unit_id=unit_id).values("person_id")
    )


def proposable_persons(unit_ids: Iterable[int]) -> QuerySet[Person]:
    """The persons some membership ties to one of the units (the nomination form's choices;
    the service checks the membership against the campaign)."""
    return Person.objects.filter(
        pk__in=Membership.objects.filter(unit_id__in=list(unit_ids)).values("person_id")
    ).order_by("full_name", "id")


def proposable_collectives(unit_ids: Iterable[int]) -> QuerySet[Unit]:
    """The collectives the units may propose: each unit itself and its child units."""
    ids = list(unit_ids)
    return Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).order_by("code")
