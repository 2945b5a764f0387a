"""Liveness (/healthz) and readiness (/readyz) for load balancers and docker-compose.

Readiness asks every dependency a real question: the database answers a query, the task
queue's table can be read, the cache stores and returns a value, the channel layer delivers
a message to itself, and every check an app registered (the search backend registers its
own) passes. Any failure answers 503 with a JSON body naming what failed and why.
`manage.py check_ready` runs the same checks without a web server: the task worker's
container health check (the worker serves no HTTP).
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
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

CHECKS: dict[str, Callable[[], None]] = {}


def register_check(name: str, check: Callable[[], None]) -> None:
    """A check raises (with a useful message) when its dependency is not ready."""
    CHECKS[name] = check


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_task_queue() -> None:
    """The database task backend's queue table answers (migrated, readable)."""
    if isinstance(task_backends["default"], DatabaseBackend):
        DBTaskResult.objects.order_by().values_list("pk", flat=True).first()


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
register_check("task_queue", check_task_queue)
register_check("cache", check_cache)
register_check("channel_layer", check_channel_layer)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness() -> dict:
    """Run every check; the body /readyz answers (`status`, `failed`, `checks`)."""
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
    return {"status": "ready" if ready else "not ready", "failed": failed, "checks": results}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    body = readiness()
    return JsonResponse(body, status=200 if not body["failed"] else 503)
