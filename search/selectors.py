"""Reading the index: search, autocomplete and similar documents, for views, the API and apps.

This is the interface the rest of the product calls (the search page, the API, the "similar
questions" widget); it picks the backend from settings and falls back to the database index
when Elasticsearch cannot answer, saying so in `results.notice`.

The query strategy is the same on every backend:
1. every word must match (synonyms count as the word);
2. nothing matched: correct unknown words ("procurment" -> "procurement") and try again,
   telling the searcher ("Showing results for ...");
3. still nothing: accept documents that match any word, best first.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from django.utils import timezone

from . import conf
from .backends import registry as backends
from .backends.base import FILTERABLE, BackendUnavailable, Hit, SearchBackend, SearchRequest, SearchResults, Suggestion
from .backends.spelling import edit_distance
from .querytext import ParsedQuery, parse
from .registry import DealContext, deals_for

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = (
    "The main search index is unreachable, so these results come from the backup index and may be "
    "incomplete or slightly out of date."
)
# Fewer results than this for all the words (a page): documents matching some of the words
# are added after them (ordered by how many of the words they match).
FEW_RESULTS = 10
MAX_CORRECTION_TRIES = 4  # combinations of corrections counted before giving up on "all words"
MAX_FILTER_VALUES = 20


def principals_for(user: Any) -> list[str]:
    """Who the searcher is, as the index's access principals ([] for nobody)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    principals = ["members", f"user:{user.pk}"]
    principals += [f"role:{role}" for role in getattr(user, "roles", [])]
    if user.is_superuser and "role:manager" not in principals:
        principals.append("role:manager")
    return principals


def clean_filters(filters: dict[str, Any] | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in FILTERABLE or not values:
            continue
        if isinstance(values, str):
            values = [values]
        cleaned = [str(v).strip()[:100] for v in values if str(v).strip()]
        if cleaned:
            out[name] = list(dict.fromkeys(cleaned))[:MAX_FILTER_VALUES]
    return out


def deal_context(user: Any, key: str | None) -> DealContext | None:
    if not key:
        return None
    return next((d for d in deals_for(user) if d.key == str(key)), None)


def search(
    *,
    user: Any,
    text: str,
    filters: dict[str, Any] | None = None,
    page: int = 1,
    page_size: int | None = None,
    deal: DealContext | None = None,
    deal_only: bool = False,
) -> SearchResults:
    """One page of results for `user`, who sees only what they may see."""
    parsed = parse(text)
    filters = clean_filters(filters)
    page_size = max(1, min(page_size or conf.get("PAGE_SIZE"), 100))
    page = max(1, min(int(page or 1), conf.get("MAX_PAGE")))
    if parsed.is_empty and not filters:
        return SearchResults(page=page, page_size=page_size)
    request = SearchRequest(
        parsed=parsed,
        principals=principals_for(user),
        filters=filters,
        deal=deal,
        deal_filter=deal_only and deal is not None,
        page=page,
        page_size=page_size,
        now=timezone.now(),
    )
    return _with_fallback(lambda backend: run_strategy(backend, request))


def _with_fallback(run):
    backend = backends.query_backend()
    try:
        return run(backend)
    except BackendUnavailable as exc:
        logger.warning("search backend %s unavailable, falling back to the database: %s", backend.name, exc)
        results = run(backends.database())
        if isinstance(results, SearchResults):
            results.notice = FALLBACK_NOTICE
        return results


def run_strategy(backend: SearchBackend, request: SearchRequest) -> SearchResults:
    """All words; else the corrected words; widened to any word when that finds little."""
    parsed = request.parsed
    results = backend.search_once(request, mode="all")
    if parsed.is_empty or results.total >= FEW_RESULTS:
        return results
    options = backend.correction_options(parsed.words(), request.principals)
    corrections = {word: choices[0] for word, choices in options.items()}
    if results.total == 0 and options:
        # Nothing matches: of the likely corrections, the first that finds something together
        # with the other words ("reverse aution" -> "auction", not the commoner "action").
        corrections = _corrections_that_match(backend, request, options) or corrections
    corrected: ParsedQuery | None = parsed.corrected(corrections) if corrections else None
    if results.total == 0 and corrected is not None:
        # Nothing for what was typed: search for the corrected words and say so.
        retry = backend.search_once(replace(request, parsed=corrected), mode="all")
        if 0 < retry.total < FEW_RESULTS or retry.total == 0:
            retry = backend.search_once(replace(request, parsed=corrected), mode="any")
        retry.suggestion = corrected.raw
        if retry.total:
            retry.corrected_from = parsed.raw
        return retry
    if len(parsed.positive) < 2:
        if corrected is not None:
            results.suggestion = corrected.raw
        return results  # one word: "any word" would find nothing more
    # Few or no results: widen to documents matching any of the words; those matching more
    # of them rank first (ranking.coverage_factor), so the exact matches stay on top.
    widened = backend.search_once(request, mode="any")
    if corrected is not None:
        widened.suggestion = corrected.raw
    return widened if widened.total >= results.total else results


def _correction_sets(options: dict[str, list[str]], limit: int) -> list[dict[str, str]]:
    """Combinations of corrections, most likely first: every best guess, then one word at a
    time on its next guess."""
    best = {word: choices[0] for word, choices in options.items()}
    sets = [best]
    for rank in range(1, max((len(c) for c in options.values()), default=1)):
        for word, choices in options.items():
            if rank < len(choices):
                sets.append({**best, word: choices[rank]})
    return sets[:limit]


def _corrections_that_match(
    backend: SearchBackend, request: SearchRequest, options: dict[str, list[str]]
) -> dict[str, str] | None:
    """Of the likely combinations, the closest to what was typed (fewest edits) that finds the
    most documents with all the words ("reverse aution": "auction" over "action")."""
    parsed = request.parsed
    best: tuple[int, int] | None = None
    chosen = None
    for candidate in _correction_sets(options, MAX_CORRECTION_TRIES):
        found = backend.count(replace(request, parsed=parsed.corrected(candidate)), mode="all")
        if not found:
            continue
        rank = (sum(edit_distance(w, c) for w, c in candidate.items()), -found)
        if best is None or rank < best:
            best, chosen = rank, candidate
    return chosen


def suggest(*, user: Any, text: str, limit: int | None = None) -> list[Suggestion]:
    """Titles that complete what the searcher is typing (header autocomplete)."""
    # A trailing space is kept: it says the last word is finished (the database backend may
    # then correct it as a typo rather than complete it as a prefix).
    text = " ".join((text or "").split())[:100] + (" " if (text or "")[-1:].isspace() else "")
    if len(text.strip()) < 2:
        return []
    principals = principals_for(user)
    if not principals:
        return []
    limit = limit or conf.get("SUGGEST_LIMIT")
    return _with_fallback(lambda backend: backend.suggest(text, principals, limit=limit))


def similar(
    *,
    user: Any,
    key: str | None = None,
    text: str | None = None,
    types: list[str] | None = None,
    limit: int = 5,
) -> list[Hit]:
    """Documents like one document (`key`, e.g. "question:12") or like a text being typed."""
    principals = principals_for(user)
    if not principals or not (key or (text and text.strip())):
        return []

    def run(backend: SearchBackend) -> list[Hit]:
        return backend.similar(
            key=key, text=text, principals=principals, types=list(types or []), limit=max(1, min(limit, 20))
        )

    return _with_fallback(run)
