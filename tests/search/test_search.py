"""The behavioural suite of search, run on SQLite FTS5 and on PostgreSQL alike.

`make test` runs this file twice: on PostgreSQL (full-text search, pg_trgm) and on SQLite
(FTS5 with the porter tokenizer). Every test here must hold on both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from search import selectors
from search.documents import Visibility
from search.registry import DealContext
from tests.factories import make_user

from .helpers import doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return make_user("sam", roles=("new_hire",))


def keys(results) -> list[str]:
    return [h.key for h in results.hits]


# --- Matching ---------------------------------------------------------------------------------


def test_documents_matching_every_word_come_first_and_title_matches_lead(index, member):
    index(
        doc("technique", 1, "Pricing objection from procurement", "Hold the price; trade for terms."),
        doc(
            "technique",
            2,
            "Discovery call opener",
            "Ask about pricing history and procurement timing, then objections.",
        ),
        doc("technique", 3, "Pricing page walkthrough", "Show the tiers."),
        doc("question", 4, "Quarter-end notes", "Procurement raised a pricing objection on the call."),
    )
    results = selectors.search(user=member, text="pricing objection procurement")
    assert keys(results)[0] == "technique:1"
    assert set(keys(results)[:3]) == {"technique:1", "technique:2", "question:4"}
    # Fewer than a page matched every word: documents matching some of them follow.
    assert keys(results)[3:] == ["technique:3"]
    assert results.total == 4
    assert results.mode == "any"


def test_word_forms_match_through_stemming(index, member):
    index(doc("question", 1, "Negotiating a multi-year discount", "Procurement offered a longer term."))
    for text in ("negotiation", "negotiate", "discounts", "discounting"):
        assert keys(selectors.search(user=member, text=text)) == ["question:1"], text


def test_sales_synonyms_match_both_ways(index, member):
    index(
        doc("technique", 1, "Run a proof of concept with exit criteria"),
        doc("question", 2, "Who signs off a POC?"),
        doc("technique", 3, "Meet the economic buyer early"),
        doc("technique", 4, "Share a mutual action plan"),
    )
    assert set(keys(selectors.search(user=member, text="POC"))) == {"technique:1", "question:2"}
    assert set(keys(selectors.search(user=member, text="proof of concept"))) == {"technique:1", "question:2"}
    assert keys(selectors.search(user=member, text="EB")) == ["technique:3"]
    assert keys(selectors.search(user=member, text="map")) == ["technique:4"]


def test_phrases_exclusions_and_or(index, member):
    index(
        doc("technique", 1, "Economic buyer access", "Meet the buyer who owns the economic case."),
        doc("technique", 2, "Buyer economics", "The economic buyer signs."),
        doc("technique", 3, "Legal review early", "Send the contract to legal."),
    )
    assert keys(selectors.search(user=member, text='"economic buyer" -access')) == ["technique:2"]
    assert set(keys(selectors.search(user=member, text="legal or access"))) == {"technique:1", "technique:3"}


def test_a_misspelt_word_is_corrected_and_said_so(index, member):
    index(
        doc("question", 1, "Security questionnaire delays the signature", "Three hundred questions from procurement."),
        doc("technique", 2, "Send the security questionnaire early", "Before the proposal."),
        doc("technique", 3, "Start the review early", "Anything."),
    )
    results = selectors.search(user=member, text="questionaire")
    assert set(keys(results)) == {"question:1", "technique:2"}
    assert results.suggestion == "questionnaire"
    assert results.corrected_from == "questionaire"


def test_word_form_variants_are_not_treated_as_typos(index, member):
    index(doc("question", 1, "Negotiation with procurement", "Terms."))
    results = selectors.search(user=member, text="negotiating")
    assert keys(results) == ["question:1"]
    assert results.corrected_from is None


def test_few_matches_widen_to_any_word_with_full_matches_first(index, member):
    index(
        doc("technique", 1, "Pricing objection from procurement"),
        doc("question", 2, "Procurement asks for a discount on price"),
        doc("technique", 3, "Objection handling basics"),
        doc("technique", 4, "Weekly pipeline review"),
    )
    results = selectors.search(user=member, text="pricing objection procurement")
    assert results.mode == "any"
    assert keys(results)[0] == "technique:1"
    assert set(keys(results)) == {"technique:1", "question:2", "technique:3"}


def test_nothing_found_returns_no_results_and_keeps_the_query(index, member):
    index(doc("technique", 1, "Pricing objection"))
    results = selectors.search(user=member, text="zebra xylophone")
    assert results.total == 0 and results.hits == []


def test_empty_query_without_filters_returns_nothing(index, member):
    index(doc("technique", 1, "Pricing objection"))
    assert selectors.search(user=member, text="   ").total == 0


def test_filters_alone_browse_by_quality(index, member):
    index(
        doc("question", 1, "Low votes", votes=1, stage="Negotiation"),
        doc("question", 2, "Many votes", votes=30, accepted=True, stage="Negotiation"),
        doc("question", 3, "Other stage", votes=50, stage="Discovery"),
    )
    results = selectors.search(user=member, text="", filters={"stage": ["negotiation"]})
    assert keys(results) == ["question:2", "question:1"]


# --- Highlights --------------------------------------------------------------------------------


def test_snippets_highlight_matches_and_escape_html(index, member):
    index(
        doc(
            "question",
            1,
            "Price <script>alert(1)</script> objection",
            "Procurement said the <b>price</b> is too high for this quarter & asked for 20% off.",
        )
    )
    hit = selectors.search(user=member, text="price").hits[0]
    assert "<mark>" in hit.snippet_html and "</mark>" in hit.snippet_html
    # Text is escaped (PostgreSQL's ts_headline may also drop tag-like tokens): never raw HTML.
    assert "<script>" not in hit.title_html
    assert "<b>" not in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert "<mark>Price</mark>" in hit.title_html


# --- Ranking ------------------------------------------------------------------------------------


def test_quality_signals_break_ties_between_equal_matches(index, member):
    index(
        doc("question", 1, "Procurement discount request", votes=0),
        doc("question", 2, "Procurement discount request", votes=20, accepted=True, answers=4),
        doc("technique", 3, "Procurement discount request", evidence="Proven", evidence_strength=1.0),
    )
    results = selectors.search(user=member, text="procurement discount")
    # The proven technique (evidence 0.5, technique matches x1.2), then the voted, accepted question.
    assert keys(results) == ["technique:3", "question:2", "question:1"]
    assert results.hits[0].score > results.hits[1].score > results.hits[2].score


def test_votes_cannot_lift_a_weak_match_over_a_strong_one(index, member):
    index(
        doc("technique", 1, "Procurement negotiation playbook", "Procurement negotiation, step by step."),
        doc("question", 2, "Quarter-end review", "We talked about procurement once.", votes=500, accepted=True),
    )
    assert keys(selectors.search(user=member, text="procurement negotiation"))[0] == "technique:1"


def test_recent_documents_rank_higher_at_equal_relevance(index, member):
    now = timezone.now()
    index(
        doc("question", 1, "Champion went quiet", published_at=now - timedelta(days=900)),
        doc("question", 2, "Champion went quiet", published_at=now - timedelta(days=3)),
    )
    assert keys(selectors.search(user=member, text="champion quiet")) == ["question:2", "question:1"]


def test_common_words_rank_only_capped_candidates_but_keep_title_matches(index, member, settings):
    settings.SEARCH = {**settings.SEARCH, "CANDIDATES": 5, "TITLE_CANDIDATES": 5}
    documents = [doc("question", i, f"Weekly note {i}", "We discussed the deal today.", votes=i) for i in range(1, 21)]
    documents.append(doc("technique", 99, "Deal review checklist", "A checklist.", votes=0))
    index(*documents)
    results = selectors.search(user=member, text="deal")
    assert results.total == 21
    assert results.ranked <= 10  # 5 best-prior candidates + title matches, not 21
    assert "technique:99" in keys(results)  # a title match, despite the lowest prior
    assert "question:20" in keys(results)  # the best prior
    assert "question:1" not in keys(results)  # never scored


# --- Facets and filters -----------------------------------------------------------------------


@pytest.fixture
def faceted(index):
    index(
        doc(
            "technique",
            1,
            "Pricing defence",
            stage="Negotiation",
            personas=["Procurement"],
            tags=["Pricing and value"],
            evidence="Proven",
        ),
        doc(
            "technique", 2, "Pricing tiers demo", stage="Solution / demo", tags=["Demo delivery"], evidence="Promising"
        ),
        doc(
            "question",
            3,
            "Pricing pushback from procurement",
            stage="Negotiation",
            personas=["Procurement", "Economic buyer"],
            tags=["Pricing and value", "Negotiation"],
        ),
        doc("question", 4, "Pricing for a pilot", stage="Solution / demo", personas=["Technical evaluator"]),
    )


def counts(results, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in results.facets[facet]}


def test_facets_count_every_match(faceted, member):
    results = selectors.search(user=member, text="pricing")
    assert counts(results, "type") == {"technique": 2, "question": 2}
    assert counts(results, "stage") == {"negotiation": 2, "solution-/-demo": 2}
    assert counts(results, "persona") == {"procurement": 2, "economic-buyer": 1, "technical-evaluator": 1}
    assert counts(results, "tag") == {"pricing-and-value": 2, "demo-delivery": 1, "negotiation": 1}
    assert counts(results, "evidence") == {"proven": 1, "promising": 1}
    labels = {v.value: v.label for v in results.facets["persona"]}
    assert labels["economic-buyer"] == "Economic buyer"


def test_filters_combine_and_values_of_one_facet_are_alternatives(faceted, member):
    both_stages = selectors.search(
        user=member, text="pricing", filters={"stage": ["negotiation", "solution-/-demo"], "type": ["question"]}
    )
    assert set(keys(both_stages)) == {"question:3", "question:4"}
    narrowed = selectors.search(
        user=member, text="pricing", filters={"type": ["question"], "persona": ["procurement"], "tag": ["negotiation"]}
    )
    assert keys(narrowed) == ["question:3"]


def test_a_facet_with_a_selection_still_counts_its_alternatives(faceted, member):
    results = selectors.search(user=member, text="pricing", filters={"type": ["question"]})
    assert counts(results, "type") == {"technique": 2, "question": 2}
    assert [v.selected for v in results.facets["type"] if v.value == "question"] == [True]
    assert counts(results, "stage") == {"negotiation": 1, "solution-/-demo": 1}


def test_unknown_filters_are_ignored(faceted, member):
    results = selectors.search(user=member, text="pricing", filters={"colour": ["red"]})
    assert results.total == 4


def test_pagination(index, member):
    index(*[doc("question", i, f"Discovery question {i}", votes=i) for i in range(1, 26)])
    first = selectors.search(user=member, text="discovery", page=1)
    third = selectors.search(user=member, text="discovery", page=3)
    assert first.total == 25 and first.pages == 3
    assert len(first.hits) == 10 and len(third.hits) == 5
    assert not set(keys(first)) & set(keys(third))


# --- Permissions ----------------------------------------------------------------------------------


@pytest.fixture
def private_content(index):
    author = make_user("author", roles=("rainmaker",))
    participant = make_user("participant", roles=("new_hire",))
    index(
        doc("technique", 1, "Pricing playbook", "Published."),
        doc(
            "technique",
            2,
            "Pricing draft",
            "Not yet.",
            visibility=Visibility.RESTRICTED,
            allowed_users=(author.pk,),
            allowed_roles=("manager",),
        ),
        doc(
            "question",
            3,
            "Pricing question hidden by a moderator",
            visibility=Visibility.RESTRICTED,
            allowed_roles=("manager",),
        ),
        doc(
            "thread",
            4,
            "Pricing coaching thread",
            "Private.",
            visibility=Visibility.RESTRICTED,
            allowed_users=(participant.pk,),
        ),
    )
    return author, participant


def test_restricted_documents_appear_only_for_those_allowed(private_content, member, manager):
    author, participant = private_content
    assert keys(selectors.search(user=member, text="pricing")) == ["technique:1"]
    assert set(keys(selectors.search(user=author, text="pricing"))) == {"technique:1", "technique:2"}
    assert set(keys(selectors.search(user=participant, text="pricing"))) == {"technique:1", "thread:4"}
    assert set(keys(selectors.search(user=manager, text="pricing"))) == {"technique:1", "technique:2", "question:3"}


def test_facets_suggestions_and_similar_respect_permissions(private_content, member):
    results = selectors.search(user=member, text="pricing")
    assert counts(results, "type") == {"technique": 1}
    assert [s.title for s in selectors.suggest(user=member, text="pricing")] == ["Pricing playbook"]
    assert selectors.similar(user=member, key="technique:2") == []
    assert [h.key for h in selectors.similar(user=member, key="technique:1")] == []


def test_words_only_drafts_contain_are_never_suggested(index, member):
    index(
        doc(
            "technique",
            1,
            "Confidential zanzibar pricing",
            visibility=Visibility.RESTRICTED,
            allowed_roles=("manager",),
        )
    )
    index(doc("technique", 2, "Pricing", "Public text."))
    assert selectors.search(user=member, text="zanzibr").suggestion is None


def test_inactive_and_anonymous_users_see_nothing(index):
    from django.contrib.auth.models import AnonymousUser

    index(doc("technique", 1, "Pricing playbook"))
    gone = make_user("gone", is_active=False)
    assert selectors.search(user=gone, text="pricing").total == 0
    assert selectors.search(user=AnonymousUser(), text="pricing").total == 0
    assert selectors.suggest(user=AnonymousUser(), text="pricing") == []


# --- Answers within their question ------------------------------------------------------------


def test_answers_are_shown_within_their_question(index, member):
    index(
        doc("question", 1, "Procurement wants a multi-year discount", "How do I hold price?", votes=3),
        doc(
            "answer",
            11,
            "Procurement wants a multi-year discount",
            "Trade the discount for a multi-year term.",
            parent_type="question",
            parent_id=1,
            parent_title="Procurement wants a multi-year discount",
            votes=9,
            accepted=True,
        ),
        doc(
            "answer",
            12,
            "Concession ladder",
            "Discount only for a multi-year term.",
            parent_type="question",
            parent_id=7,
            parent_title="Other question",
        ),
    )
    results = selectors.search(user=member, text="multi-year discount")
    top = {h.key: h for h in results.hits}
    assert set(top) == {"question:1", "answer:12"}
    assert [c.key for c in top["question:1"].children] == ["answer:11"]
    assert top["answer:12"].parent_title == "Other question"


# --- For my deal --------------------------------------------------------------------------------


@pytest.fixture
def deal_corpus(index):
    index(
        doc(
            "technique",
            1,
            "Discount defence",
            stage="Negotiation",
            industries=["Healthcare"],
            worked_in=("industry:healthcare", "size:large", "stage:negotiation"),
        ),
        doc("technique", 2, "Discount defence", stage="Negotiation", industries=["Retail"]),
        doc("technique", 3, "Discount defence", stage="Discovery"),
        doc("technique", 4, "Discount defence", stage="Negotiation"),  # any industry, any size
        doc("question", 5, "Discount defence", stage="Negotiation", deal_sizes=("small",)),
        doc("question", 6, "Discount defence", stage="Negotiation", deal_sizes=("mid", "large")),
    )
    return DealContext(key="7", label="Acme", stage="negotiation", industry="healthcare", size="large")


def test_my_deal_boosts_what_worked_in_similar_deals(deal_corpus, member):
    results = selectors.search(user=member, text="discount defence", deal=deal_corpus)
    assert keys(results)[0] == "technique:1"
    assert results.total == 6


def test_my_deal_only_narrows_to_its_stage_industry_and_size(deal_corpus, member):
    results = selectors.search(user=member, text="discount defence", deal=deal_corpus, deal_only=True)
    # What names no industry or size applies to any; what names some must name the deal's.
    assert set(keys(results)) == {"technique:1", "technique:4", "question:6"}
    assert results.total == 3


def test_my_deal_only_ignores_what_the_deal_does_not_say(deal_corpus, member):
    """A deal of unknown size (no amount) narrows by its stage and industry only."""
    unsized = DealContext(key="8", label="Globex", stage="negotiation", industry="healthcare")
    results = selectors.search(user=member, text="discount defence", deal=unsized, deal_only=True)
    assert set(keys(results)) == {"technique:1", "technique:4", "question:5", "question:6"}


# --- Autocomplete and similar ------------------------------------------------------------------------


def test_suggest_completes_titles_best_first(index, member):
    index(
        doc("technique", 1, "Pricing objection reframe", evidence_strength=1.0),
        doc("question", 2, "How to handle a pricing objection", votes=2),
        doc("technique", 3, "Mutual action plan"),
    )
    titles = [s.title for s in selectors.suggest(user=member, text="pricing obj")]
    assert titles == ["Pricing objection reframe", "How to handle a pricing objection"]
    assert selectors.suggest(user=member, text="p") == []


def test_suggest_falls_back_to_stemmed_title_matches(index, member):
    index(doc("technique", 1, "Reframe a price objection"), doc("technique", 2, "Mutual action plan"))
    assert [s.title for s in selectors.suggest(user=member, text="pricing")] == ["Reframe a price objection"]


def test_similar_documents_exclude_the_document_itself(index, member):
    index(
        doc("question", 1, "Procurement asks for a discount at quarter end", tags=["Negotiation"]),
        doc("question", 2, "Discount request from procurement", tags=["Negotiation"]),
        doc("question", 3, "Onboarding a new champion"),
        doc("technique", 4, "Procurement discount ladder"),
    )
    similar = [h.key for h in selectors.similar(user=member, key="question:1", types=["question"])]
    assert similar[0] == "question:2"
    assert "question:1" not in similar and "technique:4" not in similar
    typed = [h.key for h in selectors.similar(user=member, text="discount procurement")]
    assert set(typed) >= {"question:1", "question:2", "technique:4"}
