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
    assert {"database", "cache", "channel_layer"} <= set(body["checks"])


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
