"""The websocket events, in one place: their schemas and the functions that build them.

Server -> client: "notification" (one stored notice, with "previous": the id of the
recipient's notice before it, 0 for the first: a client that lacks it has missed
something and asks again) and "counts" (unread
notices, inbox tab counts and the newest notice id, so that a client can see
that it missed a push and catch up). Client -> server: "hello" with the last
notice id the client has seen.
"""

from django.urls import reverse

from approvals.names import full_name

NULLABLE_INT = (int, type(None))
NULLABLE_STR = (str, type(None))

SCHEMAS: dict[str, dict[str, tuple]] = {
    "notification": {
        "type": (str,),
        "id": (int,),
        "previous": (int,),
        "kind": (str,),
        "nomination": NULLABLE_INT,
        "url": NULLABLE_STR,
        "actor": NULLABLE_STR,
        "text_vi": (str,),
        "text_en": (str,),
        "created_at": (str,),
        "read": (bool,),
    },
    "counts": {
        "type": (str,),
        "unread": (int,),
        "inbox": (dict,),
        "last_id": (int,),
    },
    "hello": {
        "type": (str,),
        "last_id": (int,),
    },
}
INBOX_TABS = ("mine", "queue", "done")


class EventError(ValueError):
    pass


def validate(event: dict) -> dict:
    """Return `event` if it matches its type's schema exactly, else raise EventError."""
    if not isinstance(event, dict) or event.get("type") not in SCHEMAS:
        raise EventError(f"unknown event type: {event!r}")
    schema = SCHEMAS[event["type"]]
    if set(event) != set(schema):
        raise EventError(f"{event['type']}: fields {sorted(event)} != {sorted(schema)}")
    for name, types in schema.items():
        value = event[name]
        # bool is an int in Python; an id or a count must not be a bool.
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            raise EventError(f"{event['type']}.{name}: {value!r} is not {types}")
    if event["type"] == "counts":
        inbox = event["inbox"]
        if set(inbox) != set(INBOX_TABS) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in inbox.values()
        ):
            raise EventError(f"counts.inbox: {inbox!r}")
    return event


def nomination_url(nomination_id) -> str | None:
    return reverse("nomination-detail", args=[nomination_id]) if nomination_id else None


def notification_event(notification, *, actor_name: str | None = None,
                       url: str | None = None) -> dict:
    """The event for one Notification row (actor_name saves a query when the caller knows it;
    `url`, its nomination's, a reverse() when the caller makes many for one nomination)."""
    if actor_name is None and notification.actor_id:
        actor_name = full_name(notification.actor)
    return validate(
        {
            "type": "notification",
            "id": notification.pk,
            "previous": notification.previous_id,
            "kind": notification.kind,
            "nomination": notification.nomination_id,
            "url": url if url is not None else nomination_url(notification.nomination_id),
            "actor": actor_name,
            "text_vi": notification.text_vi,
            "text_en": notification.text_en,
            "created_at": notification.created_at.isoformat(),
            "read": notification.read_at is not None,
        }
    )


def counts_event(*, unread: int, inbox: dict, last_id: int) -> dict:
    return validate({"type": "counts", "unread": unread, "inbox": dict(inbox), "last_id": last_id})


def parse_hello(message) -> int | None:
    """The last seen id from a client's hello, or None if the message is not a valid hello."""
    try:
        validate(message)
    except EventError:
        return None
    if message["type"] != "hello" or message["last_id"] < 0:
        return None
    return message["last_id"]
