"""Batched fan-out on the real Redis layer behaves like one group_send per group."""

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings

from notifications.fanout import group_send_many


def redis_layer(**config) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[settings.REDIS_URL], **config)


def test_each_group_member_gets_its_groups_message_and_nothing_else():
    async def scenario():
        layer = redis_layer()
        a1, a2, b = [await layer.new_channel() for _ in range(3)]
        await layer.group_add("fanout-test-a", a1)
        await layer.group_add("fanout-test-a", a2)
        await layer.group_add("fanout-test-b", b)
        dropped = await group_send_many(
            layer,
            [
                ("fanout-test-a", {"type": "notify", "n": 1}),
                ("fanout-test-b", {"type": "notify", "n": 2}),
                ("fanout-test-empty", {"type": "notify", "n": 3}),
                ("fanout-test-a", {"type": "notify", "n": 4}),
            ],
        )
        got = {
            "a1": [(await layer.receive(a1))["n"], (await layer.receive(a1))["n"]],
            "a2": [(await layer.receive(a2))["n"], (await layer.receive(a2))["n"]],
            "b": [(await layer.receive(b))["n"]],
        }
        await layer.group_send("fanout-test-b", {"type": "probe"})
        probe = await layer.receive(b)  # nothing else was queued for b
        await layer.flush()
        return dropped, got, probe

    dropped, got, probe = async_to_sync(scenario)()
    assert dropped == 0
    assert got == {"a1": [1, 4], "a2": [1, 4], "b": [2]}
    assert probe == {"type": "probe"}


def test_a_full_channel_drops_the_message_and_says_so():
    async def scenario():
        layer = redis_layer(capacity=1)
        channel = await layer.new_channel()
        await layer.group_add("fanout-test-full", channel)
        dropped = await group_send_many(
            layer, [("fanout-test-full", {"type": "x", "n": i}) for i in range(3)]
        )
        first = await layer.receive(channel)
        await layer.flush()
        return dropped, first

    dropped, first = async_to_sync(scenario)()
    assert dropped == 2
    assert first["n"] == 0


def test_another_layer_gets_plain_group_sends():
    async def scenario():
        layer = InMemoryChannelLayer()
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        await group_send_many(layer, [("g", {"type": "x", "n": 1})])
        return await layer.receive(channel)

    assert async_to_sync(scenario)()["n"] == 1


def test_the_configured_layer_is_the_redis_layer_with_a_read_timeout_above_its_blocking_pop():
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    assert layer.hosts[0]["socket_timeout"] > layer.brpop_timeout
