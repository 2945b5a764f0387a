"""Liveness (/healthz) and readiness (/readyz) for load balancers and docker-compose.

Readiness asks every dependency a real question: the database answers a query, the cache
stores and returns a value, the channel layer delivers a message to itself, and every check
an app registered (the search backend registers its own) passes. Any failure answers 503
with a JSON body naming what failed and why.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

CHECKS: dict[str, Callable[[], None]] = {}


def register_check(name: str, check: Callable[[], None]) -> None:
    """A check raises (with a useful message) when its dependency is not ready."""
    CHECKS[name] = check


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return the value it was given")
    cache.delete(key)


def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")

    async def roundtrip() -> None:
        channel = await layer.new_channel("readyz.")
        await layer.send(channel, {"type": "readyz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        if message.get("type") != "readyz.ping":
            raise RuntimeError("the channel layer returned a different message")

    async_to_sync(roundtrip)()


register_check("database", check_database)
register_check("cache", check_cache)
register_check("channel_layer", check_channel_layer)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # report every failure, do not stop at the first
            ready = False
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    failed = [name for name, r in results.items() if not r["ok"]]
    body = {"status": "ready" if ready else "not ready", "failed": failed, "checks": results}
    return JsonResponse(body, status=200 if ready else 503)
