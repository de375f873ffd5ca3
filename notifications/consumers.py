"""The websocket endpoint /ws/notifications/: one group per user, catch-up by last seen id.

A client must say {"type": "hello", "last_id": N} first; it then gets every
notice after N from the database, in order, then a "counts" event. Live
pushes that arrive before the hello (the catch-up reads them: they were
committed before they were pushed) or that this connection already sent are
dropped, so each notice reaches a connection exactly once. Ids are compared
as a set, not a high-water mark: two transactions may commit out of id order.
"""

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from approvals.access import load_actor

from . import events, selectors
from .services import user_group

REFUSED = 4401
# Several pushes in a burst (a bulk action) share one counts refresh; the notices
# themselves go out at once; the counts (four queries per connection) follow a second
# later, so that a large fan-out delivers its notices before the database work starts.
COUNTS_DELAY_SECONDS = 1.0
# Re-join the group this often: a restarted Redis has forgotten every group, and a
# layer that is down closes the socket so that the client reconnects and catches up.
# The user's role grants (for the inbox counts) are re-read as often.
REJOIN_SECONDS = 30


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=REFUSED)
            return
        self.user = user
        self.group = user_group(user.pk)
        self.sent = None  # ids sent on this connection; None until the client's hello
        self.counts_task = None
        self.actor = await database_sync_to_async(load_actor)(user)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.rejoin_task = asyncio.ensure_future(self._rejoin_forever())

    async def disconnect(self, code):
        for task in (getattr(self, "counts_task", None), getattr(self, "rejoin_task", None)):
            if task is not None:
                task.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        last_id = events.parse_hello(content)
        if last_id is None:
            return
        missed = await database_sync_to_async(selectors.missed_since)(self.user, last_id)
        self.sent = self.sent or set()
        for event in missed:
            if event["id"] not in self.sent:
                self.sent.add(event["id"])
                await self.send_json(event)
        await self.send_counts()

    async def send_counts(self):
        counts = await database_sync_to_async(selectors.counts_for)(self.user, self.actor)
        await self.send_json(counts)

    # --- channel layer messages (type "notify" -> notify, "counts.refresh" -> counts_refresh)

    async def notify(self, message):
        event = message["event"]
        if self.sent is None or event["id"] in self.sent:
            return
        self.sent.add(event["id"])
        await self.send_json(event)
        self.schedule_counts()

    async def counts_refresh(self, message):
        if self.sent is not None:
            self.schedule_counts()

    def schedule_counts(self):
        if self.counts_task is None or self.counts_task.done():
            self.counts_task = asyncio.ensure_future(self._counts_later())

    async def _rejoin_forever(self):
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            try:
                await self.channel_layer.group_add(self.group, self.channel_name)
            except Exception:
                await self.close(code=1011)
                return
            self.actor = await database_sync_to_async(load_actor)(self.user)

    async def _counts_later(self):
        await asyncio.sleep(COUNTS_DELAY_SECONDS)
        await self.send_counts()
