"""The /search/ page: results with highlighted snippets, facets as checkboxes, pagination."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy

from . import selectors
from .backends.base import FACETS
from .registry import deals_for, type_label

FACET_LABELS = {"type": "Type", "stage": "Stage", "persona": "Buyer persona", "tag": "Skill", "evidence": "Evidence"}
ASK_URL = "/questions/ask/"


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "search.use")
    q = request.GET.get("q", "").strip()[:300]
    filters = {name: request.GET.getlist(name) for name in FACETS}
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    deals = deals_for(request.user)
    deal = selectors.deal_context(request.user, request.GET.get("deal"))
    deal_only = bool(deal) and request.GET.get("deal_only") == "1"
    results = selectors.search(
        user=request.user, text=q, filters=filters, page=page_number, deal=deal, deal_only=deal_only
    )
    if results.total and not results.hits and page_number > results.pages:
        # Past the last page (an old link, a filter that shrank the list): show the last one.
        results = selectors.search(
            user=request.user, text=q, filters=filters, page=results.pages, deal=deal, deal_only=deal_only
        )
    page = None
    if results.total:
        reachable = min(results.total, results.ranked or results.total)
        page = Paginator(range(reachable), results.page_size).get_page(results.page)
    facets = [
        {"name": name, "label": FACET_LABELS[name], "values": results.facets.get(name, [])}
        for name in FACETS
        if results.facets.get(name)
    ]
    active_filters = [
        {"name": name, "value": value, "label": _label(results, name, value)}
        for name, values in filters.items()
        for value in values
    ]
    context = {
        "q": q,
        "results": results,
        "hits": results.hits,
        "page": page,
        "facets": facets,
        "active_filters": active_filters,
        "searched": bool(q or active_filters),
        "deals": deals,
        "deal": deal,
        "deal_only": deal_only,
        "ask_url": f"{ASK_URL}?{urlencode({'title': q})}" if q else ASK_URL,
        "first": (results.page - 1) * results.page_size + 1,
        "last": (results.page - 1) * results.page_size + len(results.hits),
    }
    return render(request, "search/search.html", context)


def _label(results, name: str, value: str) -> str:
    for facet_value in results.facets.get(name, []):
        if facet_value.value == value:
            return facet_value.label
    return type_label(value) if name == "type" else value.replace("-", " ").capitalize()
