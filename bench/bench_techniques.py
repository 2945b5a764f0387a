"""Techniques and outcomes: statistics rebuild and the busiest pages, on the demo database.

Targets: a full statistics rebuild of the demo (about 8,000 practices) under 5 s; the index, a
technique page and the API list each under 300 ms with a constant number of queries.
Run `make run` once (or `manage.py seed_demo`) first; `--scale N` makes the data larger.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


def _timed(fn, repeat: int = 5) -> dict:
    best, queries = float("inf"), 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = fn()
            best = min(best, time.perf_counter() - started)
        queries = len(ctx.captured_queries)
        assert response.status_code == 200, response.status_code
    return {"best_ms": round(best * 1000, 1), "queries": queries}


def main() -> dict:
    from accounts.models import User
    from community.models import Practice, TechniquePage
    from community.techniques import stats

    user = User.objects.filter(username="newhire").first()
    technique = TechniquePage.objects.live().order_by("-uses_count").first()
    if user is None or technique is None:
        return {"skipped": "no demo data: run `make run` or `manage.py seed_demo` first"}
    started = time.perf_counter()
    written = stats.recompute(None)
    rebuild = time.perf_counter() - started
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(user)
        result = {
            "practices": Practice.objects.count(),
            "techniques": written,
            "rebuild_seconds": round(rebuild, 2),
            "index": _timed(lambda: client.get("/techniques/")),
            "technique_page": _timed(lambda: client.get(technique.url)),
            "api_list": _timed(lambda: client.get("/api/v1/techniques?page_size=100")),
            "my_practice": _timed(lambda: client.get("/practice/")),
        }
    for key, value in result.items():
        print(f"  {key}: {value}")
    return result
