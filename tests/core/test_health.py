"""/healthz and /readyz, including a Redis that has stopped."""

import pytest
from django.test import override_settings

from tests.services import RedisServer

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_all_good(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    assert {"database", "task_queue", "cache", "channel_layer"} <= set(body["checks"])


def _redis_settings(url: str) -> dict:
    return {
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}},
        "CHANNEL_LAYERS": {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [url]}}},
    }


@pytest.mark.redis
def test_readyz_reports_a_stopped_redis(client):
    """Start a real redis-server, see it ready, stop it: readiness names cache and layer."""
    from channels.layers import channel_layers
    from django.core.cache import caches

    server = RedisServer()
    url = server.start()
    try:
        with override_settings(**_redis_settings(url)):
            channel_layers.backends.clear()
            caches._settings = None  # pick up the overridden CACHES
            ok = client.get("/readyz")
            assert ok.status_code == 200, ok.json()
            server.stop()
            down = client.get("/readyz")
            body = down.json()
            assert down.status_code == 503
            assert body["status"] == "not ready"
            assert set(body["failed"]) == {"cache", "channel_layer"}
            assert body["checks"]["database"]["ok"] is True
            assert "Error" in body["checks"]["cache"]["error"] or "refused" in body["checks"]["cache"]["error"]
    finally:
        server.stop()
        channel_layers.backends.clear()


def test_pages_carry_a_content_security_policy(client, newhire):
    client.force_login(newhire)
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "unsafe-eval" not in policy
    assert "Content-Security-Policy" not in client.get("/cms/").headers


def test_readyz_reads_the_task_queue_when_tasks_run_in_the_database(django_assert_num_queries):
    from core.health import check_task_queue

    database_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=database_tasks), django_assert_num_queries(1):
        check_task_queue()
    with django_assert_num_queries(0):  # the test settings run tasks immediately: no queue to reach
        check_task_queue()


def test_check_ready_command_runs_the_readiness_checks(monkeypatch):
    """The worker's container health check: exit 0 when ready, an error naming what failed."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from core import health

    out = StringIO()
    call_command("check_ready", stdout=out)
    assert '"status": "ready"' in out.getvalue()

    def broken() -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    out = StringIO()
    with pytest.raises(CommandError, match="Not ready: cache failed"):
        call_command("check_ready", stdout=out)
    assert "ConnectionError: redis is down" in out.getvalue()
