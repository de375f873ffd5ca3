"""Each worker process's hub: one channel-layer message per change, fanned out in-process.

Every process that holds websockets runs one Hub (one per event loop: in a
worker, one). The hub owns one channel on the channel layer, in the group
WORKERS_GROUP, and keeps the per-user groups itself: user id -> that user's
open connections in this process. After a change commits, `services.push`
sends ONE message to WORKERS_GROUP carrying every recipient's notice; each
worker's hub receives it once, hands each listed user's notice to that user's
local connections at once, then refreshes the inbox counts of everyone it
named, in one batched read (selectors.counts_for_many: a fixed number of
queries per distinct set of role grants).

Why not a channel-layer group per user: a change that reaches 1,000 reviewers
was then 1,000 Redis messages, each popped by its worker with one blocking
round trip and each followed by four queries from its own connection. Measured
with bench/ws_fanout.py (two workers, 1,000 clients): p95 5.7 s; see the README.

If the channel layer fails (Redis down), the hub closes its connections with
code 1011: the browsers reconnect with backoff and catch up from the database,
which holds every notice. A new connection starts a new hub.
"""

import asyncio
import hashlib
import logging
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from approvals.access import load_actors

from . import selectors

logger = logging.getLogger(__name__)

WORKERS_GROUP = "notification-workers"
PUSH_TYPE = "hub.push"
OWN_FIELDS = ("id", "previous")  # each recipient's own; the rest of a notice is shared
# Notices go out the moment they arrive; the counts that follow them are batched:
# everything named within this window shares one read (a bulk action, many changes).
COUNTS_DELAY_SECONDS = 0.1
# Re-join the group this often: a restarted Redis has forgotten every group (the layer's
# group expiry is set above this), and a layer that is down closes the connections so
# that the browsers reconnect and catch up. Role grants (for the counts) are re-read as often.
REJOIN_SECONDS = 30
CLOSE_LAYER_DOWN = 1011
CLOSE_SIGNED_OUT = 4401  # the browser stops reconnecting (live.js)

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


class HubStopped(Exception):
    """The hub stopped while a connection was joining it (its last connection had left)."""


def hub() -> "Hub":
    """The running event loop's hub (created on first use)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None or current.stopped:
        current = _hubs[loop] = Hub(get_channel_layer())
    return current


async def join(consumer) -> "Hub":
    """Add a connection to this process's hub; raises if the channel layer is down."""
    while True:
        current = hub()
        try:
            await current.join(consumer)
            return current
        except HubStopped:
            continue  # it stopped under us: the next call makes a new one


def session_fingerprint(session_key: str | None) -> str:
    """Names a session on the channel layer without putting its key there."""
    return hashlib.sha256(f"vinhdanh-session:{session_key}".encode()).hexdigest()[:32]


def push_message(pushes: dict, nudged=(), *, closed_sessions=(), regranted=()) -> dict:
    """The one message for a change: each user's notices, who only needs new counts, the
    sessions that ended (their websockets close) and whose role grants changed.

    Notices to many people differ only in their ids, so each distinct body is sent
    once ("bodies") and each notice is [user id, body index, notice id, previous id].
    """
    bodies: dict = {}
    notices = []
    for user_id, user_events in pushes.items():
        for event in user_events:
            body = {k: v for k, v in event.items() if k not in OWN_FIELDS}
            index = bodies.setdefault(tuple(sorted(body.items())), len(bodies))
            notices.append([user_id, index, event["id"], event["previous"]])
    return {
        "type": PUSH_TYPE,
        "bodies": [dict(key) for key in bodies],
        "notices": notices,
        "nudge": sorted(set(nudged) - set(pushes)),
        "closed": [session_fingerprint(key) for key in closed_sessions],
        "regranted": sorted(set(regranted)),
    }


class Hub:
    def __init__(self, layer):
        self.layer = layer
        self.connections: dict[int, set] = {}  # user id -> consumers, this process's user groups
        self.channel = None
        self.stopped = False
        self.started = None  # a task: new channel + group_add; joiners wait for it
        self.tasks: list[asyncio.Task] = []
        self.to_count: set[int] = set()
        self.counts_task = None

    # --- membership

    async def join(self, consumer) -> None:
        """Add a connection to its user's group; raises if the channel layer is down."""
        if self.started is None:
            self.started = asyncio.ensure_future(self._start())
        await asyncio.shield(self.started)
        if self.stopped:
            raise HubStopped()
        self.connections.setdefault(consumer.user.pk, set()).add(consumer)

    async def leave(self, consumer) -> None:
        self._drop(consumer)
        if not self.connections and not self.stopped:
            await self.stop()

    async def stop(self) -> None:
        """Leave the group and end the hub's tasks (the last connection has gone)."""
        self.stopped = True
        for task in [*self.tasks, self.counts_task]:
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self.channel is not None:
            try:
                await self.layer.group_discard(WORKERS_GROUP, self.channel)
            except Exception:
                pass  # the layer is down; the membership expires on its own

    async def _start(self) -> None:
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(WORKERS_GROUP, self.channel)
        except BaseException:
            self.stopped = True
            raise
        if self.stopped:  # every connection left while the hub was starting
            await self.layer.group_discard(WORKERS_GROUP, self.channel)
            return
        self.tasks = [
            asyncio.ensure_future(self._receive_forever()),
            asyncio.ensure_future(self._rejoin_forever()),
        ]

    async def _fail(self, reason: str) -> None:
        logger.warning("notification hub: %s; closing %d connection(s)", reason, len(self))
        await self.stop()
        for consumer in [c for users in self.connections.values() for c in users]:
            try:
                await consumer.close(code=CLOSE_LAYER_DOWN)
            except Exception:
                pass
        self.connections.clear()

    def __len__(self) -> int:
        return sum(len(users) for users in self.connections.values())

    # --- the loops

    async def _receive_forever(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                await self._fail(f"channel layer receive failed ({error!r})")
                return
            if message.get("type") == PUSH_TYPE:
                try:
                    await self.deliver(message)
                except Exception:  # a bad message must not end delivery for everyone
                    logger.exception("notification hub: could not deliver a push")

    async def _rejoin_forever(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            try:
                await self.layer.group_add(WORKERS_GROUP, self.channel)
            except Exception as error:
                await self._fail(f"channel layer group_add failed ({error!r})")
                return
            await self.reload_actors()

    async def reload_actors(self, user_ids=None) -> None:
        """Re-read the role grants of these local users (all when None): two queries."""
        consumers = [
            c for u, users in self.connections.items()
            if user_ids is None or u in user_ids for c in users
        ]
        try:
            actors = await database_sync_to_async(load_actors)([c.user for c in consumers])
        except Exception:
            logger.warning("notification hub: could not re-read role grants", exc_info=True)
            return
        for consumer in consumers:
            consumer.actor = actors[consumer.user.pk]

    # --- delivery

    async def deliver(self, message: dict) -> None:
        """Close ended sessions' sockets, send each local user's notices now, and count
        everyone named a moment later."""
        if message.get("closed"):
            await self.close_sessions(set(message["closed"]))
        regranted = [u for u in message.get("regranted", ()) if u in self.connections]
        if regranted:  # their inbox covers other units now: re-read before counting
            await self.reload_actors(regranted)
            self.to_count.update(regranted)
        bodies = message["bodies"]
        for user_id, index, notice_id, previous in message["notices"]:
            consumers = self.connections.get(user_id)
            if consumers:
                event = {**bodies[index], "id": notice_id, "previous": previous}
                for consumer in list(consumers):
                    await self._send(consumer, consumer.deliver(event))
                self.to_count.add(user_id)
        self.to_count.update(u for u in message["nudge"] if u in self.connections)
        if self.to_count and (self.counts_task is None or self.counts_task.done()):
            self.counts_task = asyncio.ensure_future(self._count_later())

    async def close_sessions(self, fingerprints: set) -> None:
        """Close the websockets opened by sessions that have signed out."""
        ended = [
            c for users in self.connections.values() for c in users
            if c.session_fingerprint in fingerprints
        ]
        for consumer in ended:
            self._drop(consumer)
            await self._send(consumer, consumer.close(code=CLOSE_SIGNED_OUT))

    async def _count_later(self) -> None:
        await asyncio.sleep(COUNTS_DELAY_SECONDS)
        while self.to_count:
            users, self.to_count = self.to_count, set()
            consumers = [c for u in users for c in self.connections.get(u, ()) if c.ready]
            actors = {c.user.pk: c.actor for c in consumers}
            if not actors:
                continue
            try:
                counts = await database_sync_to_async(selectors.counts_for_many)(
                    list(actors.values())
                )
            except Exception:
                logger.warning("notification hub: counts failed", exc_info=True)
                continue
            for consumer in consumers:
                if consumer.ready:  # it may have closed during the read
                    await self._send(consumer, consumer.send_json(counts[consumer.user.pk]))

    async def _send(self, consumer, sending) -> None:
        """Await one send; a connection whose client has gone is dropped, the others go on.

        (uvicorn raises ClientDisconnected on a send to a closed socket; its disconnect
        event reaches the consumer soon after.)"""
        try:
            await sending
        except Exception:
            logger.info("notification hub: dropping a connection that failed a send", exc_info=True)
            self._drop(consumer)

    def _drop(self, consumer) -> None:
        """Send nothing more to this connection (its disconnect, when it comes, is a no-op)."""
        consumer.sent = None
        users = self.connections.get(consumer.user.pk)
        if users is not None:
            users.discard(consumer)
            if not users:
                del self.connections[consumer.user.pk]
