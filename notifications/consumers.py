"""The websocket endpoint /ws/notifications/: per-user groups, catch-up by last seen id.

A client must say {"type": "hello", "last_id": N} first; it then gets every
notice after N from the database, in order, then a "counts" event. Live
pushes that arrive before the hello (the catch-up reads them: they were
committed before they were pushed) or that this connection already sent are
dropped, so each notice reaches a connection exactly once. Ids are compared
as a set, not a high-water mark: two transactions may commit out of id order.

Live pushes come from this process's hub (notifications.hub), which keeps the
per-user groups and receives one channel-layer message per change.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from approvals.access import load_actor

from . import events, hub, selectors

REFUSED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    # No channel of its own on the layer: the hub receives for every connection of the
    # process ("no such alias" makes channels skip the per-connection channel and its reads).
    channel_layer_alias = "notifications: received by the hub"

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=REFUSED)
            return
        self.user = user
        session = self.scope.get("session")
        self.session_fingerprint = hub.session_fingerprint(getattr(session, "session_key", None))
        self.sent = None  # ids sent on this connection; None until the client's hello
        self.actor = await database_sync_to_async(load_actor)(user)
        try:
            self.hub = await hub.join(self)
        except Exception:
            # The channel layer is down: refuse, so that the browser retries with backoff
            # and catches up from the database once it is back.
            await self.close(code=hub.CLOSE_LAYER_DOWN)
            return
        await self.accept()

    async def disconnect(self, code):
        self.sent = None
        if getattr(self, "hub", None) is not None:
            await self.hub.leave(self)

    @property
    def ready(self) -> bool:
        """The client has said hello: it gets live notices and counts."""
        return self.sent is not None

    async def receive_json(self, content, **kwargs):
        last_id = events.parse_hello(content)
        if last_id is None:
            return
        missed = await database_sync_to_async(selectors.missed_since)(self.user, last_id)
        self.sent = self.sent or set()
        for event in missed:
            await self.deliver(event)
        await self.send_json(
            await database_sync_to_async(selectors.counts_for)(self.user, self.actor)
        )

    async def deliver(self, event: dict) -> None:
        """Send one notice unless this connection has not said hello or already has it."""
        if self.sent is None or event["id"] in self.sent:
            return
        self.sent.add(event["id"])
        await self.send_json(event)
