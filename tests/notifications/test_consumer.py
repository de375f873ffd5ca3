"""The websocket endpoint, driven in-process with channels' WebsocketCommunicator."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from approvals.roles import Role
from approvals.services import role_grant, role_revoke
from approvals.states import State
from config.asgi import application
from notifications import events, hub
from notifications.models import Notification
from notifications.services import notifications_mark_read
from tests import factories
from workflow import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    """The consumer's own behaviour, on the in-memory layer.

    The Redis layer is exercised end to end by test_multiprocess.py (two real
    servers, and a Redis outage). Here a refused connection's consumer is left
    blocked in a Redis receive when the test's event loop closes, and cancelling
    that receive at loop shutdown can hang the run.
    """
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

ORIGIN = (b"origin", b"http://127.0.0.1")


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def communicator(cookie: bytes | None = None, *, origin=ORIGIN) -> WebsocketCommunicator:
    """A websocket client; `cookie` comes from session_cookie(), called outside async code."""
    headers = [(b"host", b"127.0.0.1")]
    if origin:
        headers.append(origin)
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def receive(ws) -> dict:
    return events.validate(await ws.receive_json_from(timeout=5))


async def hello(ws, last_id: int) -> list[dict]:
    """Send hello; return the replayed notifications (the closing counts event is checked)."""
    await ws.send_json_to(events.validate({"type": "hello", "last_id": last_id}))
    replayed = []
    while True:
        event = await receive(ws)
        if event["type"] == "counts":
            return replayed
        replayed.append(event)


@pytest.fixture
def cookies(people) -> dict:
    return {name: session_cookie(user) for name, user in people.items()}


def run(scenario):
    async_to_sync(scenario)()


def test_an_anonymous_connection_is_refused(org):
    async def scenario():
        ws = communicator()
        connected, _ = await ws.connect()
        assert connected is False

    run(scenario)


def test_a_cross_origin_connection_is_refused_even_with_a_session(people, cookies):
    async def scenario():
        ws = communicator(cookies["reviewer"], origin=(b"origin", b"http://attacker.invalid"))
        connected, _ = await ws.connect()
        assert connected is False
        ws = communicator(cookies["reviewer"], origin=None)
        connected, _ = await ws.connect()
        assert connected is False

    run(scenario)


def test_a_user_receives_their_own_events_and_no_one_elses(org, people, draft, cookies):
    async def scenario():
        reviewer = communicator(cookies["reviewer"])
        outsider = communicator(cookies["outsider_head"])
        assert (await reviewer.connect())[0] and (await outsider.connect())[0]
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        assert await hello(reviewer, last) == []
        assert await hello(outsider, last) == []

        await sync_to_async(services.nomination_submit)(user=people["head"], nomination_id=draft.pk)

        event = await receive(reviewer)
        assert event["type"] == "notification"
        assert event["kind"] == Notification.Kind.TASK and event["nomination"] == draft.pk
        counts = await receive(reviewer)
        assert counts["type"] == "counts"
        assert counts["inbox"]["queue"] == 1 and counts["unread"] == 1
        assert counts["last_id"] == event["id"]
        assert await outsider.receive_nothing(timeout=0.5)
        assert await reviewer.receive_nothing(timeout=0.3)
        await reviewer.disconnect()
        await outsider.disconnect()

    run(scenario)


def test_catch_up_after_a_gap_returns_exactly_the_missed_items_in_order(org, people, cookies):
    def make_three_submissions():
        for i in range(3):
            n = factories.new_draft(org, people, name=f"Người {i}")
            services.nomination_submit(user=people["head"], nomination_id=n.pk)

    async def scenario():
        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        assert await hello(ws, 0) == []  # the reviewer has no notice yet
        await ws.disconnect()

        await sync_to_async(make_three_submissions)()  # the gap: nobody connected

        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        replayed = await hello(ws, 0)
        expected = await sync_to_async(
            lambda: list(
                Notification.objects.filter(recipient=people["reviewer"])
                .order_by("id")
                .values_list("id", "nomination__nominee_name")
            )
        )()
        assert [(e["id"], e["text_vi"].split("(")[1].split(" –")[0]) for e in replayed] == [
            (pk, name) for pk, name in expected
        ]
        assert [name for _, name in expected] == ["Người 0", "Người 1", "Người 2"]

        # A client that saw the first one gets only what came after it.
        await ws.disconnect()
        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        again = await hello(ws, replayed[0]["id"])
        assert [e["id"] for e in again] == [e["id"] for e in replayed[1:]]
        # The same connection never sends a notice twice.
        assert await hello(ws, replayed[0]["id"]) == []
        await ws.disconnect()

    run(scenario)


def test_a_push_that_arrives_before_hello_is_delivered_once_by_the_catch_up(
    org, people, draft, cookies
):
    async def scenario():
        before = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        await sync_to_async(services.nomination_submit)(user=people["head"], nomination_id=draft.pk)
        assert await ws.receive_nothing(timeout=0.5)  # no hello yet: the push is held back
        replayed = await hello(ws, before)
        assert [e["nomination"] for e in replayed] == [draft.pk]
        assert await ws.receive_nothing(timeout=0.5)
        await ws.disconnect()

    run(scenario)


def test_marking_read_elsewhere_refreshes_the_counts(org, people, nomination_in, cookies):
    n = nomination_in(State.IN_REVIEW)
    services.nomination_return(user=people["reviewer"], nomination_id=n.pk, comment="Bổ sung")

    async def scenario():
        ws = communicator(cookies["staff"])
        assert (await ws.connect())[0]
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        await ws.send_json_to({"type": "hello", "last_id": last})
        counts = await receive(ws)
        assert counts["type"] == "counts" and counts["unread"] >= 1
        await sync_to_async(notifications_mark_read)(user=people["staff"])
        counts = await receive(ws)
        assert (counts["type"], counts["unread"]) == ("counts", 0)
        await ws.disconnect()

    run(scenario)


def test_a_malformed_hello_is_ignored(people, cookies):
    async def scenario():
        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        for bad in ({"type": "hello"}, {"type": "hello", "last_id": "7"}, {"type": "nope"}):
            await ws.send_json_to(bad)
        assert await ws.receive_nothing(timeout=0.5)
        assert await hello(ws, 0) == []
        await ws.disconnect()

    run(scenario)


def test_a_user_with_two_tabs_gets_each_notice_on_both(org, people, draft, cookies):
    async def scenario():
        tabs = [communicator(cookies["reviewer"]), communicator(cookies["reviewer"])]
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        for tab in tabs:
            assert (await tab.connect())[0]
            assert await hello(tab, last) == []
        await sync_to_async(services.nomination_submit)(user=people["head"], nomination_id=draft.pk)
        for tab in tabs:
            event = await receive(tab)
            assert (event["type"], event["nomination"]) == ("notification", draft.pk)
            assert (await receive(tab))["type"] == "counts"
            assert await tab.receive_nothing(timeout=0.3)
            await tab.disconnect()

    run(scenario)


def test_a_connection_whose_client_has_gone_does_not_stop_delivery_to_the_others(
    org, people, cookies
):
    from uvicorn.protocols.utils import ClientDisconnected

    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(2)]
    second = factories.make_second_reviewer()
    role_grant(user=second, role=Role.STANDING_REVIEWER)
    second_cookie = session_cookie(second)

    async def gone(message):
        raise ClientDisconnected()  # what uvicorn does on a send to a closed socket

    async def scenario():
        first, other = communicator(cookies["reviewer"]), communicator(second_cookie)
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        for ws in (first, other):
            assert (await ws.connect())[0]
            assert await hello(ws, last) == []
        [vanished] = hub.hub().connections[people["reviewer"].pk]
        vanished.base_send = gone
        # The vanished client comes first (lower user id) in both pushes.
        for n in drafts:
            await sync_to_async(services.nomination_submit)(user=people["head"], nomination_id=n.pk)
            event = await receive(other)
            assert (event["type"], event["nomination"]) == ("notification", n.pk)
            assert people["reviewer"].pk not in hub.hub().connections
        await other.disconnect()
        await first.disconnect()

    run(scenario)


def test_the_hub_leaves_the_layer_when_its_last_connection_closes(people, cookies):
    async def scenario():
        ws = communicator(cookies["reviewer"])
        assert (await ws.connect())[0]
        current = hub.hub()
        assert current.channel in current.layer.groups[hub.WORKERS_GROUP]
        await ws.disconnect()
        assert current.stopped and current.channel not in current.layer.groups.get(
            hub.WORKERS_GROUP, {}
        )
        assert all(task.done() for task in current.tasks)

    run(scenario)


def test_signing_out_closes_that_sessions_sockets_and_only_those(org, people, draft):
    here, elsewhere = Client(), Client()  # the same person on two computers
    for browser in (here, elsewhere):
        browser.force_login(people["reviewer"])
    cookie = {b: f"sessionid={b.cookies['sessionid'].value}".encode() for b in (here, elsewhere)}

    async def scenario():
        closing, staying = communicator(cookie[here]), communicator(cookie[elsewhere])
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        for ws in (closing, staying):
            assert (await ws.connect())[0]
            assert await hello(ws, last) == []
        assert (await sync_to_async(here.post)("/logout/")).status_code == 302
        assert await closing.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
        await sync_to_async(services.nomination_submit)(user=people["head"], nomination_id=draft.pk)
        event = await receive(staying)
        assert (event["type"], event["nomination"]) == ("notification", draft.pk)
        await staying.disconnect()

    run(scenario)


def test_a_granted_or_revoked_role_changes_the_open_inbox_counts_at_once(org, people, draft):
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)  # in the queue
    newcomer = factories.make_second_reviewer()  # no role yet
    cookie = session_cookie(newcomer)

    async def scenario():
        ws = communicator(cookie)
        assert (await ws.connect())[0]
        await ws.send_json_to({"type": "hello", "last_id": 0})
        assert (await receive(ws))["inbox"]["queue"] == 0
        await sync_to_async(role_grant)(user=newcomer, role=Role.STANDING_REVIEWER)
        counts = await receive(ws)
        assert (counts["type"], counts["inbox"]["queue"]) == ("counts", 1)
        await sync_to_async(role_revoke)(user=newcomer, role=Role.STANDING_REVIEWER)
        counts = await receive(ws)
        assert (counts["type"], counts["inbox"]["queue"]) == ("counts", 0)
        await ws.disconnect()

    run(scenario)
