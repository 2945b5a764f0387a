"""Pytest wiring shared by the whole suite: service markers, fixtures, query-count helpers."""

from __future__ import annotations

import os

import pytest

from tests import services


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    lines = [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}:{db.get('PORT') or ''}".rstrip(":")]
    lines.append(f"redis: {os.environ.get('TEST_REDIS_URL') or 'not running (' + str(services.STATE['redis']) + ')'}")
    return lines


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked `postgres`/`redis` skip, with the reason, where that server is not running.

    Under CI=true or REQUIRE_SERVICES=1 the session refuses to start instead (see below), so
    CI fails rather than skips.
    """
    for item in items:
        for name in ("postgres", "redis"):
            if item.get_closest_marker(name) and services.STATE[name]:
                item.add_marker(pytest.mark.skip(reason=services.STATE[name]))


def pytest_sessionstart(session) -> None:
    if services.required() and os.environ.get("TEST_DB") != "sqlite":
        missing = {k: v for k, v in services.STATE.items() if v}
        if missing:
            raise pytest.UsageError(
                "CI=true/REQUIRE_SERVICES=1 but these services are not running: "
                + "; ".join(f"{k}: {v}" for k, v in missing.items())
            )


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip(str(services.STATE["redis"]))
    return url
