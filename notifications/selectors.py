"""Reads for the notification centre and the websocket: each a fixed number of queries."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q, QuerySet

from approvals.access import Actor, load_actor
from approvals.selectors import inbox_counts_many

from . import events
from .models import Notification

# A catch-up sends at most this many notices; the "counts" event that follows
# carries the newest id, so the client asks again for the rest.
CATCH_UP_BATCH = 200


def notifications_for(user: User) -> QuerySet:
    return Notification.objects.filter(recipient=user).select_related("actor").order_by("-id")


def missed_since(user: User, last_id: int, *, limit: int = CATCH_UP_BATCH) -> list[dict]:
    """The events for the user's notices after `last_id`, oldest first (one query)."""
    rows = (
        Notification.objects.filter(recipient=user, pk__gt=last_id)
        .select_related("actor")
        .order_by("id")[:limit]
    )
    return [events.notification_event(n) for n in rows]


def bell_state(user: User) -> dict:
    """Unread count and newest notice id (one query)."""
    return bell_states([user.pk])[user.pk]


def bell_states(user_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """user id -> unread count and newest notice id, for many people (one query)."""
    rows = (
        Notification.objects.filter(recipient_id__in=list(user_ids))
        .order_by()
        .values("recipient_id")
        .annotate(unread=Count("id", filter=Q(read_at__isnull=True)), last_id=Max("id"))
    )
    found = {r["recipient_id"]: {"unread": r["unread"], "last_id": r["last_id"]} for r in rows}
    return {pk: found.get(pk, {"unread": 0, "last_id": 0}) for pk in user_ids}


def counts_for(user: User, actor: Actor | None = None) -> dict:
    """The "counts" event: unread notices, inbox tab counts and the newest id.

    Four queries with a loaded Actor (the websocket keeps one), six without."""
    return counts_for_many([actor or load_actor(user)])[user.pk]


def counts_for_many(actors: list[Actor]) -> dict[int, dict]:
    """user id -> "counts" event, for many people at once (a live push to all of them).

    One query for every unread count and newest id, then three per distinct set
    of role grants (approvals.selectors.inbox_counts_many)."""
    ids = [a.user.pk for a in actors]
    bells = bell_states(ids)
    inboxes = inbox_counts_many(actors)
    return {pk: events.counts_event(inbox=inboxes[pk], **bells[pk]) for pk in ids}
