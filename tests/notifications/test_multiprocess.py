"""Two real ASGI server processes (uvicorn) on loopback sharing the Redis channel layer.

An HTTP action handled by one process must reach a websocket held by the
other; with Redis down, actions still succeed and the notices arrive, exactly
once, after Redis is back and the client reconnects.
"""

import asyncio
import contextlib
import shutil
import subprocess
import time

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async

from notifications.models import Notification
from tests import factories
from tests.asgi_server import ARTEFACTS, asgi_server, free_port
from tests.notifications.live_client import (
    WebSession,
    usable_on_server,
    ws_connect,
    ws_hello,
    ws_receive,
    ws_until_notification,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def last_notice_id() -> int:
    latest = Notification.objects.order_by("-id").first()
    return latest.pk if latest else 0


def test_an_action_on_one_worker_reaches_a_websocket_on_another(org, people):
    draft = factories.new_draft(org, people)
    usable_on_server(people["reviewer"], people["head"], password=factories.PASSWORD)
    before = last_notice_id()
    with asgi_server(name="worker-a") as a, asgi_server(name="worker-b") as b:
        reviewer = WebSession(a).login("reviewer", factories.PASSWORD)
        head = WebSession(b).login("head", factories.PASSWORD)

        async def scenario():
            async with await ws_connect(a, reviewer) as ws:
                assert await ws_hello(ws, before) == []
                await asyncio.to_thread(head.act, draft.pk, "submit")
                event = await ws_until_notification(ws)
                counts = await ws_receive(ws)
                return event, counts

        event, counts = async_to_sync(scenario)()
    assert event["nomination"] == draft.pk and event["kind"] == Notification.Kind.TASK
    assert event["id"] == Notification.objects.get(recipient=people["reviewer"]).pk
    assert counts["type"] == "counts" and counts["inbox"]["queue"] == 1


def start_redis(port: int) -> subprocess.Popen:
    """A throw-away redis-server on a spare port (never the shared one on 6379)."""
    log = open(ARTEFACTS / f"redis-{port}.log", "ab")
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            if client.ping():
                return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def stop_redis(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_down_actions_succeed_and_every_notice_arrives_once_after_it_returns(
    org, people
):
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(4)]
    usable_on_server(people["reviewer"], people["head"], password=factories.PASSWORD)
    before = last_notice_id()
    port = free_port()
    ARTEFACTS.mkdir(exist_ok=True)
    received: list[int] = []

    def stored() -> list[int]:
        return list(
            Notification.objects.filter(recipient=people["reviewer"], pk__gt=before)
            .order_by("id")
            .values_list("id", flat=True)
        )

    async def connect_when_ready(base, session):
        for _ in range(100):  # the consumer cannot join its group while Redis is starting
            try:
                ws = await ws_connect(base, session)
                received.extend(e["id"] for e in await ws_hello(ws, max(received, default=before)))
                return ws
            except Exception:
                await asyncio.sleep(0.1)
        raise AssertionError("could not reconnect after Redis came back")

    async def drain(ws, seconds: float) -> None:
        """Collect whatever a connection delivers until it closes or stays quiet."""
        with contextlib.suppress(Exception):
            async with asyncio.timeout(seconds):
                while True:
                    received.append((await ws_until_notification(ws))["id"])

    async def scenario(base, reviewer, head):
        redis_proc = await asyncio.to_thread(start_redis, port)
        ws = await connect_when_ready(base, reviewer)
        await asyncio.to_thread(stop_redis, redis_proc)  # Redis goes down

        # The unit head keeps working: no error page, and the notices are stored.
        for n in drafts[:3]:
            assert await asyncio.to_thread(head.act, n.pk, "submit") == 200
        # (in the test's own thread: a worker thread's connection would outlive the test)
        assert len(await sync_to_async(stored)()) == 3

        redis_proc = await asyncio.to_thread(start_redis, port)  # Redis is back
        try:
            await drain(ws, 2)  # the old connection was closed by the server, or stays quiet
            await ws.close()
            fresh = await connect_when_ready(base, reviewer)  # reconnect and catch up
            await asyncio.to_thread(head.act, drafts[3].pk, "submit")
            received.append((await ws_until_notification(fresh))["id"])  # live again
            await drain(fresh, 1)  # room for a duplicate to show up
            await fresh.close()
        finally:
            await asyncio.to_thread(stop_redis, redis_proc)

    with asgi_server(redis_url=f"redis://127.0.0.1:{port}/0", name="outage") as base:
        reviewer = WebSession(base).login("reviewer", factories.PASSWORD)
        head = WebSession(base).login("head", factories.PASSWORD)
        async_to_sync(scenario)(base, reviewer, head)

    everything = stored()
    assert len(everything) == 4
    assert sorted(received) == everything  # each one, once
