"""Reads for the notification centre and the websocket: each a fixed number of queries."""

from django.db.models import Count, Max, Q, QuerySet

from approvals.access import load_actor
from approvals.selectors import inbox_counts

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
    bell = bell_state(user)
    inbox = inbox_counts(actor or load_actor(user))
    return events.counts_event(unread=bell["unread"], inbox=inbox, last_id=bell["last_id"])
