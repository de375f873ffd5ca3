"""A notice whose push failed reaches the client, even after newer ones arrived live.

Notification ids are shared by every recipient, so "the newest id I hold" says nothing
about what is missing. Each notice names its recipient's notice before it; the client
(live.js, mirrored by tests.notifications.live_client.LiveClient) keeps the last id it
saw contiguously and asks for everything after it as soon as a notice shows a gap.
"""

import asyncio
import contextlib

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from notifications.models import Notification
from tests import factories
from tests.asgi_server import asgi_server
from tests.notifications.live_client import LiveClient, WebSession, usable_on_server, ws_connect
from tests.notifications.test_services import DEAD_LAYER
from workflow import services

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def reviewer_notices(people, after: int) -> list[int]:
    return list(Notification.objects.filter(recipient=people["reviewer"], pk__gt=after)
                .order_by("id").values_list("id", flat=True))


def test_each_notice_names_the_recipients_notice_before_it(org, people):
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(3)]
    for draft in drafts:
        services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    mine = Notification.objects.filter(recipient=people["reviewer"]).order_by("id")
    chain = [(n.previous_id, n.pk) for n in mine]
    assert [p for p, _ in chain] == [0] + [pk for _, pk in chain[:-1]]
    others = Notification.objects.exclude(recipient=people["reviewer"]).values_list("pk", flat=True)
    assert others  # the ids in between belong to other people
    assert not set(others) & {p for p, _ in chain}


def test_a_notice_committed_while_its_push_failed_reaches_a_client_that_got_newer_ones_live(
    org, people, settings
):
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(3)]
    usable_on_server(people["reviewer"], people["head"], password=factories.PASSWORD)
    before = max(reviewer_notices(people, 0), default=0)

    def submit_without_push(draft) -> None:
        settings.CHANNEL_LAYERS = DEAD_LAYER  # this process's push fails: nothing listens
        services.nomination_submit(user=people["head"], nomination_id=draft.pk)

    with asgi_server(name="catch-up") as base:
        reviewer = WebSession(base).login("reviewer", factories.PASSWORD)
        head = WebSession(base).login("head", factories.PASSWORD)
        client = LiveClient(before)

        async def scenario():
            async with await ws_connect(base, reviewer) as ws:
                client.hello()  # on open
                await client.run(ws, until=lambda: not client.catching_up)
                await sync_to_async(submit_without_push)(drafts[0])  # stored, never pushed
                for draft in drafts[1:]:  # newer ones, pushed live by the server
                    assert await asyncio.to_thread(head.act, draft.pk, "submit") == 200
                await client.run(ws, until=lambda: len(client.shown) >= 3)
                with contextlib.suppress(TimeoutError):  # room for a duplicate to show up
                    await client.run(ws, until=lambda: False, timeout=1)

        async_to_sync(scenario)()
    stored = reviewer_notices(people, before)
    assert len(stored) == 3
    assert sorted(client.shown) == stored and len(set(client.shown)) == 3  # each one, once
    assert client.shown.index(stored[0]) > 0  # the gap was filled after a newer one came
    assert client.last_id == stored[-1] and not client.ahead
