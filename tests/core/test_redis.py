"""The production channel layer and cache against a real redis-server."""

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer
from django.core.cache.backends.redis import RedisCache

pytestmark = pytest.mark.redis


def test_channel_layer_group_round_trip(redis_url):
    async def scenario():
        sender, receiver = RedisChannelLayer(hosts=[redis_url]), RedisChannelLayer(hosts=[redis_url])
        channel = await receiver.new_channel()
        await receiver.group_add("thread-1", channel)
        await sender.group_send("thread-1", {"type": "chat.message", "text": "hello"})
        message = await asyncio.wait_for(receiver.receive(channel), 5)
        await receiver.flush()
        await sender.close_pools()
        await receiver.close_pools()
        return message

    assert asyncio.run(scenario()) == {"type": "chat.message", "text": "hello"}


def test_cache_round_trip(redis_url):
    cache = RedisCache(redis_url, {})
    cache.set("rainmaker:test", {"n": 1}, 30)
    assert cache.get("rainmaker:test") == {"n": 1}
    assert cache.incr("rainmaker:counter", 1) if cache.add("rainmaker:counter", 0) else True
    cache.delete("rainmaker:test")
