"""The /search/ page: facets as checkboxes, highlighted snippets, pagination, zero results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.registry import DealContext, register_deal_provider

from .helpers import doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(index):
    index(
        doc(
            "technique",
            1,
            "Reframe a price objection",
            "Procurement pushes back on price.",
            stage="Negotiation",
            personas=["Procurement"],
            tags=["Pricing and value"],
            evidence="Proven",
            signal="Proven · 84 uses · 61% success",
        ),
        doc(
            "question",
            2,
            "Procurement wants 20% off",
            "How do I hold price?",
            stage="Negotiation",
            votes=12,
            accepted=True,
            answers=3,
            signal="12 votes · 3 answers",
        ),
        doc(
            "answer",
            21,
            "Procurement wants 20% off",
            "Trade the price cut for a multi-year term.",
            parent_type="question",
            parent_id=2,
            parent_title="Procurement wants 20% off",
            url="/questions/2/#answer-21",
            votes=9,
            accepted=True,
        ),
    )


def test_the_page_needs_a_signed_in_member(client):
    response = client.get("/search/", {"q": "price"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_results_with_highlights_signals_and_facet_checkboxes(content, newhire, client_for):
    response = client_for(newhire).get("/search/", {"q": "price"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>" in html
    assert "Proven · 84 uses · 61% success" in html and "12 votes · 3 answers" in html
    assert 'type="checkbox" name="type" value="technique"' in html
    assert 'name="persona" value="procurement"' in html
    assert 'class="badge evidence--proven"' in html
    # The answer is shown within its question, not as a separate result.
    assert html.count('class="search-result search-result--') == 2
    assert 'aria-label="Matches inside this question"' in html and "/questions/2/#answer-21" in html


def test_checked_filters_stay_checked_and_combine(content, newhire, client_for):
    html = client_for(newhire).get("/search/?q=price&type=question&stage=negotiation").content.decode()
    assert 'value="question" checked' in html and 'value="negotiation" checked' in html
    assert "Reframe a price objection" not in html
    assert "Clear all filters" in html


def test_zero_results_help_and_ask_this_as_a_question(content, newhire, client_for):
    html = client_for(newhire).get("/search/", {"q": "zebra procurement & co"}).content.decode()
    assert "No results for" in html or "Results for" in html
    html = client_for(newhire).get("/search/", {"q": "zebra xylophone"}).content.decode()
    assert "No results for “zebra xylophone”" in html
    assert 'href="/questions/ask/?title=zebra+xylophone"' in html
    assert "Use fewer or more general words" in html


def test_did_you_mean_and_showing_results_for(content, newhire, client_for):
    html = client_for(newhire).get("/search/", {"q": "objectoin"}).content.decode()
    assert "Showing results for" in html and "objection" in html


def test_pagination_keeps_the_query_and_filters(index, newhire, client_for):
    index(*[doc("question", i, f"Discovery question {i}", stage="Discovery", votes=i) for i in range(1, 24)])
    html = client_for(newhire).get("/search/", {"q": "discovery", "stage": "discovery"}).content.decode()
    assert "1\u201310 of 23" in html
    assert 'href="?q=discovery&amp;stage=discovery&amp;page=2"' in html
    html = client_for(newhire).get("/search/", {"q": "discovery", "stage": "discovery", "page": 3}).content.decode()
    assert "21\u201323 of 23" in html
    html = client_for(newhire).get("/search/", {"q": "discovery", "page": 9}).content.decode()
    assert "21\u201323 of 23" in html


def test_empty_page_explains_how_to_search(newhire, client_for):
    html = client_for(newhire).get("/search/").content.decode()
    assert "Sales shorthand works" in html


def test_for_my_deal_lists_the_searchers_deals(content, newhire, client_for):
    def provider(user):
        return [DealContext(key="7", label="Acme renewal (Negotiation)", stage="negotiation")]

    register_deal_provider(provider)
    try:
        html = client_for(newhire).get("/search/", {"q": "price", "deal": "7"}).content.decode()
    finally:
        from search import registry

        registry._DEAL_PROVIDERS.remove(provider)
    assert '<option value="7" selected>Acme renewal (Negotiation)</option>' in html
    assert "favouring Acme renewal (Negotiation)" in html


def test_the_header_loads_the_autocomplete_script(newhire, client_for):
    html = client_for(newhire).get("/search/").content.decode()
    assert 'src="/static/js/search.js"' in html
    assert 'data-autocomplete="/api/v1/search/suggest"' in html


def test_page_query_count_does_not_grow_with_the_data(index, newhire, client_for):
    client = client_for(newhire)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search/", {"q": "pricing", "stage": "negotiation"}).status_code == 200
        return len(ctx.captured_queries)

    index(*[doc("question", i, f"Pricing {i}", stage="Negotiation", tags=[f"Tag {i}"], votes=i) for i in range(1, 13)])
    small = count()
    index(
        *[doc("question", i, f"Pricing {i}", stage="Negotiation", tags=[f"Tag {i}"], votes=i) for i in range(100, 140)]
    )
    assert count() == small


def test_a_discussion_folded_under_its_technique_has_a_named_link(content, index, newhire, client_for):
    # A technique's discussion is titled like the technique and may have no messages yet: the
    # link still needs words (axe: link-name), and the badge says what it is.
    index(
        doc(
            "thread",
            7,
            "Reframe a price objection",
            "",
            parent_type="technique",
            parent_id=1,
            parent_title="Reframe a price objection",
            url="/discussions/7/",
        )
    )
    html = client_for(newhire).get("/search/", {"q": "price"}).content.decode()
    assert 'aria-label="Matches inside this technique"' in html
    assert '<span class="badge">Discussion</span>' in html
    assert '<a href="/discussions/7/"></a>' not in html
    assert '<a href="/discussions/7/">Reframe a price objection</a>' in html
