"""Search over the JSON API: GET /api/v1/search and GET /api/v1/search/suggest."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts import policy
from core.api import COMMON_ERRORS

from . import conf, selectors

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", max_length=300, description="What to look for (quotes for phrases, -word to exclude).")
    type: list[str] = Field([], description="technique, question, answer (repeat to combine).")
    stage: list[str] = Field([], description="Sales stage slugs, e.g. negotiation.")
    persona: list[str] = Field([], description="Buyer persona slugs, e.g. economic-buyer.")
    tag: list[str] = Field([], description="Skill tag slugs, e.g. pricing-and-value.")
    evidence: list[str] = Field([], description="Evidence labels: proven, promising, not_enough_data, ...")
    page: int = Field(1, ge=1, le=50)
    page_size: int | None = Field(None, ge=1, le=100, description="Results per page (default 10, at most 100).")
    deal: str = Field("", max_length=40, description="One of your open deals: favour what worked in deals like it.")
    deal_only: bool = Field(
        False, description="With `deal`: only what applies to that deal's stage, industry and size band."
    )


class WithinOut(Schema):
    type: str = Field(description="answer, or thread (a discussion under the page).")
    id: int
    url: str = Field(description="Its place on the result's page (an answer: /questions/<id>/#post-<answer id>).")
    snippet: str = Field(description="HTML: escaped text with the matching words in <mark>.")
    signal: str = Field(description="Its key signal: votes, accepted, messages.")


class ResultOut(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet: str = Field(description="HTML: escaped text with the matching words in <mark>.")
    score: float
    within: list[WithinOut] = Field(
        description="What matched inside this result, best first: the answers of a question (and a "
        "page's discussion) are shown within it rather than as results of their own."
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int
    results: list[ResultOut]
    facets: dict[str, list[FacetValueOut]]
    suggestion: str | None = Field(description="'Did you mean' text, when a correction looks likely.")
    corrected_from: str | None = Field(
        description="Set when nothing matched what was typed and the results are for `suggestion` "
        "instead: the query as typed ('Showing results for <suggestion>. No results for <corrected_from>.')."
    )
    page: int
    pages: int
    notice: str | None = Field(description="Set when results may be incomplete (backup index).")


class SuggestionOut(Schema):
    type: str
    id: int
    title: str
    url: str


class SuggestOut(Schema):
    suggestions: list[SuggestionOut]


class SimilarOut(Schema):
    type: str
    id: int
    title: str
    url: str
    snippet: str = Field(description="HTML: escaped text with the matching words in <mark>.")
    signal: str = Field(description="The key signal: votes and answers, or a technique's evidence.")


class SimilarListOut(Schema):
    results: list[SimilarOut]


SIMILAR_TYPES = ("question", "technique")


class SimilarParams(Schema):
    q: str = Field("", max_length=300, description="The text being typed (e.g. a question's title).")
    type: list[str] = Field([], description="question and/or technique (both by default).")
    limit: int = Field(6, ge=1, le=10)


@router.get(
    "",
    response={200: SearchOut, **COMMON_ERRORS},
    summary="Search techniques, questions and answers",
    description=(
        "One ranked list mixing techniques, questions and answers that the caller may see, with facet "
        "counts (type, stage, persona, tag, evidence) and a 'did you mean' suggestion. Filters combine: "
        "values of one filter are alternatives, different filters all apply. Ranking blends text "
        "relevance with votes, accepted answers, evidence strength and recency (see the README)."
    ),
)
def search(request: HttpRequest, params: Query[SearchParams]):
    policy.require(request.auth, "search.use")
    results = selectors.search(
        user=request.auth,
        text=params.q,
        filters={
            "type": params.type,
            "stage": params.stage,
            "persona": params.persona,
            "tag": params.tag,
            "evidence": params.evidence,
        },
        page=params.page,
        page_size=params.page_size,
        deal=selectors.deal_context(request.auth, params.deal),
        deal_only=params.deal_only,
    )
    return {
        "total": results.total,
        "results": [
            {
                "type": h.type,
                "id": h.id,
                "title": h.title,
                "url": h.url,
                "snippet": h.snippet_html,
                "score": h.score,
                "within": [
                    {"type": c.type, "id": c.id, "url": c.url, "snippet": c.snippet_html, "signal": c.signal}
                    for c in h.children
                ],
            }
            for h in results.hits
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
            for name, values in results.facets.items()
        },
        "suggestion": results.suggestion,
        "corrected_from": results.corrected_from,
        "page": results.page,
        "pages": results.pages,
        "notice": results.notice,
    }


@router.get(
    "/suggest",
    response={200: SuggestOut, **COMMON_ERRORS},
    summary="Autocomplete: titles that complete what is typed",
)
def suggest(request: HttpRequest, q: str = Query("", max_length=100)):
    policy.require(request.auth, "search.use")
    suggestions = selectors.suggest(user=request.auth, text=q, limit=conf.get("SUGGEST_LIMIT"))
    return {"suggestions": [{"type": s.type, "id": s.id, "title": s.title, "url": s.url} for s in suggestions]}


@router.get(
    "/similar",
    response={200: SimilarListOut, **COMMON_ERRORS},
    summary="Questions and techniques like a text being typed (the ask form's 'Already answered?')",
    description=(
        "Documents the caller may see that share words with `q` (those sharing more words first, then "
        "by votes, accepted answers and evidence). `type` narrows to question and/or technique (both by "
        "default); `limit` is at most 10."
    ),
)
def similar(request: HttpRequest, params: Query[SimilarParams]):
    policy.require(request.auth, "search.use")
    types = [t for t in params.type if t in SIMILAR_TYPES] or list(SIMILAR_TYPES)
    hits = selectors.similar(user=request.auth, text=params.q, types=types, limit=params.limit)
    return {
        "results": [
            {"type": h.type, "id": h.id, "title": h.title, "url": h.url, "snippet": h.snippet_html, "signal": h.signal}
            for h in hits
        ]
    }
