"""Send many (group, message) pairs in a few Redis round trips.

channels_redis' group_send costs three round trips per group; one transition
that reaches a thousand people (one group each) would spend seconds in it.
With the Redis layer this module reads every group's members in one pipeline
and writes every message with one Lua call per Redis host, using the same
keys, serializer, expiry and capacity rules as channels_redis 4.x
(RedisChannelLayer.group_send). Any other layer gets plain group_send calls.
"""

import time
from collections import defaultdict

from channels_redis.core import RedisChannelLayer

# Same semantics as channels_redis' group_send script: a channel at capacity drops the message.
# ARGV: the messages, their channels' capacities, their scores, then the expiry. Scores rise
# with the position so that one consumer receives its messages in the order they were given.
_SEND_MANY_LUA = """
local over_capacity = 0
local n = #KEYS
local expiry = ARGV[3 * n + 1]
for i = 1, n do
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[n + i]) then
        redis.call('ZADD', KEYS[i], ARGV[2 * n + i], ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


async def group_send_many(layer, items) -> int:
    """Send each (group, message); returns how many messages a full channel dropped."""
    if not isinstance(layer, RedisChannelLayer):
        for group, message in items:
            await layer.group_send(group, message)
        return 0
    now = time.time()
    members = await _group_members(layer, items, now)
    # Redis host index -> [(channel key, serialized message, capacity)]
    writes = defaultdict(list)
    for (_, message), channel_names in zip(items, members, strict=True):
        if not channel_names:
            continue
        by_host, key_message, key_capacity = layer._map_channel_keys_to_connection(
            channel_names, message
        )
        for index, keys in by_host.items():
            writes[index].extend((k, key_message[k], key_capacity[k]) for k in keys)
    dropped = 0
    for index, batch in writes.items():
        connection = layer.connection(index)
        keys = [k for k, _, _ in batch]
        pipe = connection.pipeline(transaction=False)
        for key in set(keys):  # forget messages older than the layer's expiry first
            pipe.zremrangebyscore(key, min=0, max=int(now) - int(layer.expiry))
        await pipe.execute()
        scores = [now + i * 1e-5 for i in range(len(batch))]  # distinct as doubles
        args = [m for _, m, _ in batch] + [c for _, _, c in batch] + scores + [layer.expiry]
        dropped += await connection.eval(_SEND_MANY_LUA, len(keys), *keys, *args)
    return dropped


async def _group_members(layer, items, now: float) -> list[list[str]]:
    """The channel names in each item's group, in item order: one pipeline per Redis host."""
    by_host = defaultdict(list)  # host index -> [(position, group key)]
    for position, (group, _) in enumerate(items):
        assert layer.require_valid_group_name(group)
        by_host[layer.consistent_hash(group)].append((position, layer._group_key(group)))
    members: list = [[] for _ in items]
    for index, batch in by_host.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for _, key in batch:
            pipe.zremrangebyscore(key, min=0, max=int(now) - layer.group_expiry)
            pipe.zrange(key, 0, -1)
        results = await pipe.execute()
        for (position, _), names in zip(batch, results[1::2], strict=True):
            members[position] = [name.decode("utf8") for name in names]
    return members
