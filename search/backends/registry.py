"""Which backends serve: the database always (it is also the document store), Elasticsearch
when settings name it."""

from __future__ import annotations

from functools import cache

from .. import conf
from .base import SearchBackend
from .database import DatabaseBackend


def database() -> DatabaseBackend:
    return DatabaseBackend()


@cache
def _elasticsearch(url: str, index: str, timeout: float):
    from .elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url=url, index=index, timeout=timeout)


def elasticsearch():
    """The Elasticsearch backend when ELASTICSEARCH_URL is set, else None."""
    url = conf.elasticsearch_url()
    if not url:
        return None
    return _elasticsearch(url, conf.get("ELASTICSEARCH_INDEX"), float(conf.get("ELASTICSEARCH_TIMEOUT")))


def query_backend() -> SearchBackend:
    """The backend that answers queries (settings.SEARCH["BACKEND"])."""
    if conf.backend_name() == "elasticsearch":
        es = elasticsearch()
        if es is not None:
            return es
    return database()


def write_backends() -> list[SearchBackend]:
    """Every index a change must reach: the database first, then Elasticsearch if configured."""
    backends: list[SearchBackend] = [database()]
    es = elasticsearch()
    if es is not None:
        backends.append(es)
    return backends
