"""Reads for the notification centre and the websocket: each a fixed number of queries."""

from django.db.models import Count, Max, Q, QuerySet

from approvals.access import load_actor
from approvals.selectors import inbox_counts_many

from . import events
from .models import Notification

# A catch-up sends at most this many notices; the "counts" event that follows
# carries the newest id, so the client asks again for the rest.
CATCH_UP_BATCH = 200


def notifications_for(user) -> QuerySet:
    return Notification.objects.filter(recipient=user).select_related("actor").order_by("-id")


def missed_since(user, last_id: int, *, limit: int = CATCH_UP_BATCH) -> list[dict]:
    """The events for the user's notices after `last_id`, oldest first (one query)."""
    rows = (
        Notification.objects.filter(recipient=user, pk__gt=last_id)
        .select_related("actor")
        .order_by("id")[:limit]
    )
    return [events.notification_event(n) for n in rows]


def bell_state(user) -> dict:
    """Unread count and newest notice id (one query)."""
    agg = Notification.objects.filter(recipient=user).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)), last_id=Max("id")
    )
    return {"unread": agg["unread"], "last_id": agg["last_id"] or 0}


def counts_for(user, actor=None) -> dict:
    """The "counts" event: unread notices, inbox tab counts and the newest id.

    Four queries with a loaded Actor (the websocket keeps one), six without."""
    return counts_for_many([actor or load_actor(user)])[user.pk]


def counts_for_many(actors) -> dict:
    """user id -> "counts" event, for many people at once (a live push to all of them).

    One query for every unread count and newest id, then three per distinct set
    of role grants (approvals.selectors.inbox_counts_many)."""
    ids = [a.user.pk for a in actors]
    bells = {
        row["recipient_id"]: row
        for row in Notification.objects.filter(recipient_id__in=ids)
        .order_by()
        .values("recipient_id")
        .annotate(unread=Count("id", filter=Q(read_at__isnull=True)), last_id=Max("id"))
    }
    inboxes = inbox_counts_many(actors)
    empty = {"unread": 0, "last_id": 0}
    return {
        pk: events.counts_event(
            unread=bells.get(pk, empty)["unread"],
            inbox=inboxes[pk],
            last_id=bells.get(pk, empty)["last_id"] or 0,
        )
        for pk in ids
    }
