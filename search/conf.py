"""Search settings, read from Django settings with documented defaults.

Every tunable lives in `settings.SEARCH` (see config/settings/base.py); this module fills in
what is not set so that tests and tools can rely on every key being present.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_RANKING: dict[str, float] = {
    # score = relevance x (1 + quality) x (1 + deal), see search.ranking for the formula.
    "votes": 0.20,  # net votes, log-scaled, saturating at votes_saturation
    "votes_saturation": 25,
    "accepted": 0.45,  # a question with an accepted answer (the asker says it worked), or that answer
    "answers": 0.05,  # answer count, log-scaled, saturating at answers_saturation
    "answers_saturation": 5,
    "evidence": 0.50,  # a technique's evidence strength in [-1, 1] (from its lift interval)
    "recency": 0.05,  # exp(-age / recency_days)
    "recency_days": 365,
    "deal": 0.50,  # "for my deal": share of the deal's context the document worked in
    # How much a text match counts per document type: techniques are the team's curated,
    # measured know-how; an answer is found within its question (its match is indirect
    # evidence for the question); discussions are chat. Others: 1.
    "types": {"technique": 1.2, "answer": 0.7, "thread": 0.6},
}

DEFAULT_SYNONYMS: list[str] = [
    # Solr format: equivalent terms, comma-separated (one group a line).
    "poc, proof of concept, pilot",
    "eb, economic buyer",
    "map, mutual action plan",
    "roi, return on investment",
    "tco, total cost of ownership",
    "rfp, request for proposal",
    "rfi, request for information",
    "msa, master services agreement",
    "sow, statement of work",
    "nda, non disclosure agreement",
    "qbr, quarterly business review",
    "cfo, chief financial officer",
    "cio, chief information officer",
    "cro, chief revenue officer",
    "sdr, sales development representative",
    "ae, account executive",
    "icp, ideal customer profile",
    "meddic, meddicc, meddpicc",
    "kpi, key performance indicator",
    "arr, annual recurring revenue",
    "po, purchase order",
    "discount, price reduction",
]

DEFAULTS: dict[str, Any] = {
    "BACKEND": "database",  # or "elasticsearch" (chosen when ELASTICSEARCH_URL is set)
    "PAGE_SIZE": 10,
    "MAX_PAGE": 50,
    # Ranked candidates per query: matches beyond this are counted (total, facets) but only
    # the best-prior CANDIDATES (plus every title match) are scored for relevance.
    "CANDIDATES": 400,
    "TITLE_CANDIDATES": 200,
    "SUGGEST_LIMIT": 8,
    "ELASTICSEARCH_INDEX": "rainmaker-search",
    "ELASTICSEARCH_TIMEOUT": 3.0,
    "OUTBOX_BATCH": 500,
    "OUTBOX_MAX_BACKOFF_MINUTES": 60,
    "RANKING": DEFAULT_RANKING,
    "SYNONYMS": DEFAULT_SYNONYMS,
    # Deal size bands ("for my deal"), by amount in the deal's currency: (upper bound, label).
    "DEAL_SIZE_BANDS": [(25_000, "small"), (100_000, "mid"), (None, "large")],
}


def get(name: str) -> Any:
    configured = getattr(settings, "SEARCH", {}) or {}
    value = configured.get(name, DEFAULTS[name])
    if name == "RANKING":
        return {**DEFAULT_RANKING, **value}
    return value


def elasticsearch_url() -> str:
    return getattr(settings, "ELASTICSEARCH_URL", "") or ""


def backend_name() -> str:
    """'elasticsearch' when configured with a URL, else 'database'."""
    name = get("BACKEND")
    if name == "elasticsearch" and not elasticsearch_url():
        return "database"
    return name


def deal_size_band(amount: float | None) -> str:
    """The size band label of a deal amount ('' when unknown)."""
    if amount is None:
        return ""
    for upper, label in get("DEAL_SIZE_BANDS"):
        if upper is None or float(amount) < upper:
            return label
    return ""


def deal_size_bands_between(low: float, high: float | None) -> tuple[str, ...]:
    """The size bands that amounts in [low, high) fall into (high None: no upper bound).

    For content that names a range rather than an amount (a question asked about a
    "25k - 100k" deal): it is about every band the range overlaps.
    """
    out: list[str] = []
    lower = float("-inf")
    for upper, label in get("DEAL_SIZE_BANDS"):
        band_high = float("inf") if upper is None else float(upper)
        if low < band_high and (high is None or float(high) > lower):
            out.append(label)
        lower = band_high
    return tuple(out)
