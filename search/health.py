"""Readiness of search (/readyz): the database index answers, and Elasticsearch when configured."""

from __future__ import annotations

from .backends import registry as backends


def check_search() -> None:
    """Raise when search cannot serve as configured.

    With Elasticsearch configured but unreachable the site still answers searches from the
    database index (and says so), but readiness reports it: the configured dependency is down.
    """
    backends.database().check()
    es = backends.elasticsearch()
    if es is not None:
        es.check()
