"""GET /api/v1/search and /api/v1/search/suggest: shape, filters, permissions, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.documents import Visibility

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
            evidence_strength=0.8,
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
        ),
        doc("question", 3, "Price of a pilot", "Should a pilot be paid?", stage="Solution / demo", votes=1),
        doc("technique", 4, "Draft price ladder", visibility=Visibility.RESTRICTED, allowed_roles=("manager",)),
    )


def test_search_answers_the_documented_shape(content, newhire, api_for):
    response = api_for(newhire).get("/api/v1/search", {"q": "price"})
    assert response.status_code == 200
    body = response.json()
    assert {"total", "results", "facets", "suggestion", "corrected_from"} <= set(body)
    assert body["total"] == 3
    first = body["results"][0]
    assert set(first) == {"type", "id", "title", "url", "snippet", "score", "within"}
    assert isinstance(first["id"], int) and isinstance(first["score"], float)
    assert "<mark>" in "".join(r["snippet"] for r in body["results"])
    assert set(body["facets"]) == {"type", "stage", "persona", "tag", "evidence"}
    assert {"value": "question", "label": "Question", "count": 2, "selected": False} in body["facets"]["type"]
    assert body["suggestion"] is None
    assert "Draft price ladder" not in [r["title"] for r in body["results"]]


def test_answers_come_within_their_question(content, index, newhire, api_for):
    """An answer that matches is shown within its question, and the API says which one matched."""
    index(
        doc(
            "answer",
            21,
            "Procurement wants 20% off",
            "Trade the discount for a multi-year term.",
            parent_type="question",
            parent_id=2,
            parent_title="Procurement wants 20% off",
            url="/questions/2/#post-21",
            votes=4,
            signal="4 votes · accepted",
            body_only=True,
        ),
        doc("answer", 22, "Procurement wants 20% off", "Hold the price.", parent_type="question", parent_id=2),
    )
    body = api_for(newhire).get("/api/v1/search", {"q": "multi-year term"}).json()
    assert [(r["type"], r["id"]) for r in body["results"]] == [("question", 2)]
    (within,) = body["results"][0]["within"]
    assert set(within) == {"type", "id", "url", "snippet", "signal"}
    assert within["type"] == "answer" and within["id"] == 21 and within["url"] == "/questions/2/#post-21"
    assert "<mark>" in within["snippet"] and within["signal"] == "4 votes · accepted"
    # A question that matches by itself lists nothing within it.
    body = api_for(newhire).get("/api/v1/search", {"q": "pilot"}).json()
    assert [r["within"] for r in body["results"]] == [[]]


def test_filters_repeat_and_combine(content, newhire, api_for):
    client = api_for(newhire)
    body = client.get("/api/v1/search?q=price&type=question&stage=negotiation&stage=solution-/-demo").json()
    assert sorted(r["id"] for r in body["results"]) == [2, 3]
    body = client.get("/api/v1/search", {"q": "price", "persona": "procurement", "tag": "pricing-and-value"}).json()
    assert [r["id"] for r in body["results"]] == [1]
    selected = [v for v in body["facets"]["persona"] if v["selected"]]
    assert selected == [{"value": "procurement", "label": "Procurement", "count": 1, "selected": True}]


def test_did_you_mean_and_paging(content, newhire, api_for):
    client = api_for(newhire)
    body = client.get("/api/v1/search", {"q": "procurment"}).json()
    assert body["total"] >= 1
    body = client.get("/api/v1/search", {"q": "pilott"}).json()
    assert body["suggestion"] == "pilot" and [r["id"] for r in body["results"]] == [3]
    # Nothing matched what was typed: the results are for the correction, and the API says so.
    assert body["corrected_from"] == "pilott"
    # A suggestion for results that do match what was typed is only a "did you mean".
    body = client.get("/api/v1/search", {"q": "price or pilott"}).json()
    assert body["total"] == 3 and body["suggestion"] == "price or pilot" and body["corrected_from"] is None
    assert client.get("/api/v1/search", {"q": "price"}).json()["corrected_from"] is None
    assert client.get("/api/v1/search", {"q": "price", "page": 2}).json()["results"] == []


def test_page_size_chooses_how_many_results_a_page_holds(content, newhire, api_for):
    client = api_for(newhire)
    first = client.get("/api/v1/search", {"q": "price", "page_size": 2}).json()
    assert first["total"] == 3 and len(first["results"]) == 2 and first["pages"] == 2
    second = client.get("/api/v1/search", {"q": "price", "page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert {r["id"] for r in first["results"] + second["results"]} == {1, 2, 3}
    assert client.get("/api/v1/search", {"q": "price", "page_size": 100}).json()["pages"] == 1
    for bad in (101, 0, "many"):
        response = client.get("/api/v1/search", {"q": "price", "page_size": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "page_size"


def test_bad_input_is_a_422_with_field_errors(newhire, api_for):
    response = api_for(newhire).get("/api/v1/search", {"q": "price", "page": "zero"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"
    assert api_for(newhire).get("/api/v1/search", {"q": "x" * 301}).status_code == 422


def test_search_needs_credentials(content, api_for, client):
    assert api_for(None).get("/api/v1/search", {"q": "price"}).status_code == 401
    assert client.get("/api/v1/search/suggest", {"q": "price"}).status_code == 401


def test_managers_find_what_members_do_not(content, manager, api_for):
    body = api_for(manager).get("/api/v1/search", {"q": "price"}).json()
    assert "Draft price ladder" in [r["title"] for r in body["results"]]


def test_suggest(content, newhire, api_for):
    body = api_for(newhire).get("/api/v1/search/suggest", {"q": "procurement w"}).json()
    assert body == {
        "suggestions": [{"type": "question", "id": 2, "title": "Procurement wants 20% off", "url": "/questions/2/"}]
    }
    assert api_for(newhire).get("/api/v1/search/suggest", {"q": "draft"}).json() == {"suggestions": []}


def test_the_session_works_too(content, newhire, client_for):
    response = client_for(newhire).get("/api/v1/search", {"q": "price"})
    assert response.status_code == 200 and response.json()["total"] == 3


def _queries(client, path, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(index, newhire, api_for):
    client = api_for(newhire)
    params = {"q": "pricing objection", "type": "question", "persona": "procurement"}

    def batch(start: int, n: int):
        return [
            doc(
                "question",
                i,
                f"Pricing objection {i}",
                "From procurement.",
                personas=["Procurement", "Champion"],
                tags=["Negotiation", f"Tag {i % 5}"],
                stage="Negotiation",
                votes=i,
            )
            for i in range(start, start + n)
        ]

    # More than a page of matches for all the words: the same path (no widening) at both sizes;
    # tests/search/test_integration.py bounds every path.
    index(*batch(1, 12))
    _queries(client, "/api/v1/search", params)  # the token's first use is recorded once
    small = _queries(client, "/api/v1/search", params)
    index(*batch(100, 40))
    large = _queries(client, "/api/v1/search", params)
    assert small == large
    assert _queries(client, "/api/v1/search/suggest", {"q": "pricing"}) <= 4
