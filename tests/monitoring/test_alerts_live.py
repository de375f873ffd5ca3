"""An alert reaches, live over the websocket, the managers of the unit it concerns and nobody
else; the scan runs as a Celery task in a real worker."""

import datetime

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from approvals.models import Nomination
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from config.celery import app
from monitoring.alerts import alerts_scan
from monitoring.models import Alert, AlertRule
from notifications.models import Notification
from tests import factories
from tests.celery_worker import wait_for
from tests.notifications.test_consumer import communicator, hello, receive, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_a_manager_of_another_unit_receives_nothing(org, people):
    manager_b = people["outsider_head"]
    role_grant(user=manager_b, role=Role.MANAGER, unit=org["b"])
    AlertRule.objects.create(kind=AlertRule.Kind.OVERDUE, threshold=0)
    n = factories.nomination_in(org, people, State.SUBMITTED)  # unit A
    Nomination.objects.filter(pk=n.pk).update(due_on=datetime.date(2026, 1, 5))
    cookies = {name: session_cookie(people[name]) for name in ("manager", "outsider_head")}

    async def scenario():
        body_manager = communicator(cookies["manager"])
        other = communicator(cookies["outsider_head"])
        assert (await body_manager.connect())[0] and (await other.connect())[0]
        last = await sync_to_async(lambda: Notification.objects.order_by("-id").first().pk)()
        await hello(body_manager, last)
        await hello(other, last)

        await sync_to_async(alerts_scan)()

        event = await receive(body_manager)
        assert (event["type"], event["kind"], event["nomination"]) == (
            "notification", "alert", n.pk)
        assert "quá hạn" in event["text_vi"]
        assert await other.receive_nothing(timeout=0.7)
        await body_manager.disconnect()
        await other.disconnect()

    async_to_sync(scenario)()
    assert list(Notification.objects.filter(kind="alert").values_list(
        "recipient__username", flat=True)) == ["manager"]


def test_beat_s_scan_task_runs_in_a_worker(org, people, background_worker):
    AlertRule.objects.create(kind=AlertRule.Kind.QUEUE, threshold=0)
    factories.nomination_in(org, people, State.SUBMITTED)
    app.signature("monitoring.alerts_scan").apply_async()
    assert wait_for(lambda: Alert.objects.filter(key="stage:review").exists())
