"""The production channel layer and cache against a real redis-server."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

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


def _configured_hosts(redis_url: str) -> list[dict]:
    """The channel-layer hosts that base.py configures when REDIS_URL is set (read in a fresh
    process: the test settings keep the in-memory layer)."""
    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PYTHONPATH=f"{root / 'platform'}{os.pathsep}{root}",
    )
    code = "import json; from django.conf import settings; print(json.dumps(settings.CHANNEL_LAYERS['default']))"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True)
    layer = json.loads(out.stdout.strip().splitlines()[-1])
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    return layer["CONFIG"]["hosts"]


def test_an_idle_consumer_survives_the_blocking_read(redis_url):
    """Nothing arrives for longer than BZPOPMIN's 5 s wait; the consumer still gets the next
    message (with redis-py's default 5 s socket timeout its read failed and the socket closed)."""
    hosts = _configured_hosts(redis_url)
    assert all(h["socket_timeout"] > RedisChannelLayer.brpop_timeout + 5 for h in hosts)

    async def scenario():
        sender, receiver = RedisChannelLayer(hosts=hosts), RedisChannelLayer(hosts=hosts)
        channel = await receiver.new_channel()
        waiting = asyncio.ensure_future(receiver.receive(channel))
        await asyncio.sleep(RedisChannelLayer.brpop_timeout + 1.5)
        await sender.send(channel, {"type": "late.message"})
        message = await asyncio.wait_for(waiting, 10)
        await receiver.flush()
        await sender.close_pools()
        await receiver.close_pools()
        return message

    assert asyncio.run(scenario()) == {"type": "late.message"}
