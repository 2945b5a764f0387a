"""The Elasticsearch backend: mapping and query bodies (no server needed), bulk and alias
calls against a fake client, the fallback to the database when Elasticsearch is unreachable,
and live tests that run only when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import os
import uuid
from unittest import mock

import pytest
from django.utils import timezone

from search import conf, selectors, services
from search.backends import registry as backends
from search.backends.base import MARK_END, MARK_START, BackendUnavailable, SearchRequest
from search.backends.elasticsearch import (
    ElasticsearchBackend,
    completion_inputs,
    index_definition,
    search_body,
    similar_search,
    spelling_search,
    suggest_search,
    to_source,
    visible_words_search,
)
from search.documents import Visibility
from search.models import SearchOutbox
from search.querytext import parse
from search.registry import DealContext
from tests.factories import make_user

from .helpers import doc

UNREACHABLE = "http://127.0.0.1:9"


def synonyms_rules() -> list[str]:
    return list(conf.get("SYNONYMS"))


def request(text: str, **kwargs) -> SearchRequest:
    kwargs.setdefault("principals", ["members", "user:7", "role:new_hire"])
    return SearchRequest(parsed=parse(text), now=timezone.now(), **kwargs)


# --- Mapping ------------------------------------------------------------------------------------


def test_mapping_uses_english_analysis_and_sales_synonyms_at_search_time():
    body = index_definition("rainmaker-search-test").to_dict()
    analysis = body["settings"]["analysis"]
    index_chain = analysis["analyzer"]["rainmaker_english"]["filter"]
    search_chain = analysis["analyzer"]["rainmaker_english_search"]["filter"]
    assert index_chain == ["lowercase", "asciifolding", "rainmaker_possessive", "rainmaker_stop", "rainmaker_stemmer"]
    # ES 8 docs (synonym_graph): the filters before the synonym filter parse its rules, so the
    # order is ..., synonym_graph, stop, stemmer; and no rule may contain a word that a later
    # filter removes, so the stop list keeps the words the rules use ("proof OF concept").
    assert search_chain == [
        "lowercase",
        "asciifolding",
        "rainmaker_possessive",
        "rainmaker_sales_synonyms",
        "rainmaker_stop",
        "rainmaker_stemmer",
    ]
    stop = analysis["filter"]["rainmaker_stop"]
    assert stop["type"] == "stop" and {"the", "and", "a"} <= set(stop["stopwords"])
    rule_words = {w for rule in synonyms_rules() for part in rule.split(",") for w in part.split()}
    assert not rule_words & set(stop["stopwords"])
    assert {"of", "on", "for"} <= rule_words
    synonyms = analysis["filter"]["rainmaker_sales_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert {"poc, proof of concept, pilot", "eb, economic buyer", "map, mutual action plan"} <= set(
        synonyms["synonyms"]
    )
    assert analysis["filter"]["rainmaker_stemmer"] == {"type": "stemmer", "language": "english"}

    props = body["mappings"]["properties"]
    for field in ("title", "tags_text", "body"):
        assert props[field]["analyzer"] == "rainmaker_english"
        assert props[field]["search_analyzer"] == "rainmaker_english_search"
    assert props["title"]["copy_to"] == "spell" and props["spell"]["analyzer"] == "standard"
    for keyword in (
        "doc_type",
        "stage",
        "personas",
        "tags",
        "industries",
        "deal_sizes",
        "evidence",
        "principals",
        "worked_in",
    ):
        assert props[keyword]["type"] == "keyword"
    assert props["suggest"] == {
        "type": "completion",
        "analyzer": "simple",
        "contexts": [{"name": "principal", "type": "category", "path": "principals"}],
    }
    assert props["data"] == {"type": "object", "enabled": False}


def test_documents_carry_their_access_and_completion_inputs():
    public = to_source(doc("technique", 1, "Handle the pricing objection", stage="Negotiation", votes=3))
    assert public["principals"] == ["members"]
    assert public["deal_sizes"] == []  # a technique applies to deals of any size
    sized = to_source(doc("question", 5, "Discount for a mid-size deal", deal_sizes=("mid", "large")))
    assert sized["deal_sizes"] == ["mid", "large"]
    assert public["suggest"]["input"][:2] == ["Handle the pricing objection", "the pricing objection"]
    assert public["stage"] == "negotiation"
    draft = to_source(
        doc("technique", 2, "Draft", visibility=Visibility.RESTRICTED, allowed_users=(4,), allowed_roles=("manager",))
    )
    assert draft["principals"] == ["user:4", "role:manager"]
    assert completion_inputs("a b c d e f g h")[-1] == "f g h"


def test_a_restricted_document_that_lists_nobody_is_never_widened_to_members():
    nobody = to_source(doc("technique", 3, "Orphaned draft", visibility=Visibility.RESTRICTED))
    assert nobody["principals"] == []  # matches no `terms` filter on principals: nobody finds it
    assert "suggest" not in nobody  # and no completion (its contexts would be its principals)
    body = search_body(request("orphaned", principals=["members", "user:1", "role:manager"]), mode="all")
    assert body["query"]["bool"]["filter"][0] == {"terms": {"principals": ["members", "user:1", "role:manager"]}}


@pytest.mark.django_db
def test_who_may_see_a_document_is_the_same_in_both_backends(newhire, manager):
    """For every kind of visibility and every kind of searcher, Elasticsearch's principals admit
    exactly those the database backend shows the document to."""
    superuser = make_user("root", is_superuser=True, is_staff=True)
    documents = [
        doc("technique", 1, "Visibility probe", visibility=Visibility.MEMBERS),
        doc("technique", 2, "Visibility probe", visibility=Visibility.RESTRICTED, allowed_users=(newhire.pk,)),
        doc("technique", 3, "Visibility probe", visibility=Visibility.RESTRICTED, allowed_roles=("manager",)),
        doc("technique", 4, "Visibility probe", visibility=Visibility.RESTRICTED),  # lists nobody
    ]
    db = backends.database()
    db.write(documents)
    for user in (newhire, manager, superuser, None):
        principals = selectors.principals_for(user)
        in_database = set(db.visible(principals).values_list("object_id", flat=True))
        in_elasticsearch = {d.id for d in documents if set(to_source(d)["principals"]) & set(principals)}
        assert in_elasticsearch == in_database, user
    assert 4 not in set(db.visible(selectors.principals_for(superuser)).values_list("object_id", flat=True))


# --- Query bodies -----------------------------------------------------------------------------------


def test_search_body_ands_clauses_ors_synonyms_and_excludes():
    body = search_body(request('poc "exit criteria" -legal'), mode="all")
    query = body["query"]["bool"]
    poc, phrase = query["must"]
    assert [s["multi_match"]["query"] for s in poc["bool"]["should"]] == ["poc", "proof of concept", "pilot"]
    assert poc["bool"]["should"][1]["multi_match"]["type"] == "phrase"
    assert phrase["multi_match"] == {
        "query": "exit criteria",
        "fields": ["title^3", "tags_text^2", "body"],
        "type": "phrase",
    }
    assert query["must_not"][0]["multi_match"]["query"] == "legal"
    assert body["size"] == 400 and body["track_total_hits"] is True
    assert "parent_key" in body["_source"] and "data" not in body["_source"]


def test_search_body_any_mode_needs_one_clause():
    body = search_body(request("pricing objection"), mode="any")
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert len(body["query"]["bool"]["should"]) == 2
    # Named clauses: a hit's matched_queries give its tier (how many of the words it matches).
    assert [c["bool"]["_name"] for c in body["query"]["bool"]["should"]] == ["c0", "c1"]


def test_answers_match_by_their_own_words_and_are_not_completions():
    answer = to_source(
        doc(
            "answer",
            5,
            "Procurement wants 20% off",
            "Trade it for a longer term.",
            tags=["Negotiation"],
            parent_type="question",
            parent_id=4,
            body_only=True,
        )
    )
    assert answer["title"] == "" and answer["tags_text"] == "" and "suggest" not in answer
    assert answer["tags"] == ["negotiation"] and answer["parent_key"] == "question:4"
    assert answer["data"]["title"] == "Procurement wants 20% off"
    worse = to_source(doc("technique", 6, "Send the contract early", evidence_strength=-1.0))
    assert worse["suggest"]["weight"] >= 1  # completion weights are never negative


def test_answers_lift_their_question_and_tiers_order_partial_matches(newhire):
    """Elasticsearch returns an answer; its question (read from the database copy, visible to the
    searcher) becomes the result, with the answer inside it; more matched clauses rank first."""
    from search.backends.database import DatabaseBackend

    DatabaseBackend().write(
        [
            doc("question", 4, "Procurement wants 20% off", "Late ask.", accepted=True, answers=1),
            doc(
                "answer",
                5,
                "Procurement wants 20% off",
                "Longer term trade.",
                parent_type="question",
                parent_id=4,
                body_only=True,
            ),
            doc("technique", 6, "Longer contracts", "Term."),
        ]
    )
    client = mock.MagicMock()

    def hit(key, score, matched, parent=None):
        doc_type, object_id = key.split(":")
        source = {
            "doc_type": doc_type,
            "object_id": int(object_id),
            "votes": 0,
            "answers": 0,
            "accepted": False,
            "evidence_strength": 0.0,
            "published_at": None,
            "worked_in": [],
            "parent_key": parent,
        }
        return {"_index": "rm", "_id": key, "_score": score, "_source": source, "matched_queries": matched}

    client.search.return_value = mock.Mock(
        body={
            "took": 1,
            "timed_out": False,
            "hits": {
                "total": {"value": 2, "relation": "eq"},
                "hits": [hit("technique:6", 9.0, ["c0"]), hit("answer:5", 3.0, ["c0", "c1"], parent="question:4")],
            },
            "aggregations": {},
        }
    )
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    results = backend.search_once(request("longer trade", facets=False, principals=["members"]), mode="any")
    assert [h.key for h in results.hits] == ["question:4", "technique:6"]
    assert [c.key for c in results.hits[0].children] == ["answer:5"]
    assert results.total == 2


def test_search_body_always_filters_by_visibility_and_the_deal():
    deal = DealContext(key="1", label="Acme", stage="negotiation", industry="healthcare", size="mid")
    body = search_body(request("pricing", deal=deal, deal_filter=True, exclude_keys=("question:4",)), mode="all")
    filters = body["query"]["bool"]["filter"]
    assert filters[0] == {"terms": {"principals": ["members", "user:7", "role:new_hire"]}}
    # The deal's stage, industry and size band; a document that names none of one applies to any.
    assert filters[1] == {
        "bool": {
            "should": [{"term": {"stage": "negotiation"}}, {"bool": {"must_not": [{"exists": {"field": "stage"}}]}}]
        }
    }
    assert filters[2] == {
        "bool": {
            "should": [
                {"term": {"industries": "healthcare"}},
                {"bool": {"must_not": [{"exists": {"field": "industries"}}]}},
            ]
        }
    }
    assert filters[3] == {
        "bool": {
            "should": [{"term": {"deal_sizes": "mid"}}, {"bool": {"must_not": [{"exists": {"field": "deal_sizes"}}]}}]
        }
    }
    assert filters[4] == {"bool": {"must_not": [{"ids": {"values": ["question:4"]}}]}}
    # A deal of unknown size narrows by stage and industry only; without deal_only nothing narrows.
    unsized = DealContext(key="2", label="Globex", stage="negotiation", industry="healthcare")
    body = search_body(request("pricing", deal=unsized, deal_filter=True), mode="all")
    assert "deal_sizes" not in str(body["query"]["bool"]["filter"])
    body = search_body(request("pricing", deal=deal), mode="all")
    assert body["query"]["bool"]["filter"] == [{"terms": {"principals": ["members", "user:7", "role:new_hire"]}}]


def test_nobody_matches_no_principal():
    body = search_body(request("pricing", principals=[]), mode="all")
    assert body["query"]["bool"]["filter"][0] == {"terms": {"principals": ["nobody"]}}


def test_facets_are_aggregations_that_ignore_their_own_filter():
    body = search_body(request("pricing", filters={"stage": ["negotiation"], "type": ["question"]}), mode="all")
    post = body["post_filter"]["bool"]["must"]
    assert {"terms": {"stage": ["negotiation"]}} in post and {"terms": {"doc_type": ["question"]}} in post
    aggs = body["aggs"]
    assert aggs["_filter_stage"]["filter"] == {"terms": {"doc_type": ["question"]}}
    assert aggs["_filter_type"]["filter"] == {"terms": {"stage": ["negotiation"]}}
    assert aggs["_filter_persona"]["aggs"]["persona"] == {"terms": {"field": "personas", "size": 30}}
    assert set(aggs) == {f"_filter_{f}" for f in ("type", "stage", "persona", "tag", "evidence")}


def test_highlighting_uses_markers_that_are_escaped_then_marked():
    highlight = search_body(request("pricing"), mode="all")["highlight"]
    assert highlight["pre_tags"] == [MARK_START] and highlight["post_tags"] == [MARK_END]
    assert highlight["fields"]["title"] == {"number_of_fragments": 0}
    assert highlight["fields"]["body"] == {"fragment_size": 160, "number_of_fragments": 2}


def test_browsing_without_text_orders_by_prior():
    body = search_body(request("", filters={"stage": ["negotiation"]}), mode="all")
    function_score = body["query"]["bool"]["must"][0]["function_score"]
    assert function_score["functions"] == [{"field_value_factor": {"field": "prior", "missing": 0}}]


def test_completion_spelling_and_more_like_this_bodies():
    completion = suggest_search("pric", ["members", "user:7"], limit=5, index="rm").to_dict()["suggest"]["titles"]
    assert completion["prefix"] == "pric"
    assert completion["completion"]["contexts"] == {"principal": ["members", "user:7"]}
    assert completion["completion"]["fuzzy"]["fuzziness"] == "AUTO"
    spelling = spelling_search(["procurment"], index="rm").to_dict()["suggest"]["spelling"]
    assert spelling["term"]["field"] == "spell" and spelling["text"] == "procurment"
    assert spelling["term"]["suggest_mode"] == "always"  # what is known is decided per searcher
    mlt = similar_search(key="question:1", text=None, principals=["members"], types=["question"], limit=5, index="rm")
    body = mlt.to_dict()
    assert body["query"]["bool"]["must"][0]["more_like_this"]["like"] == [{"_index": "rm", "_id": "question:1"}]
    assert {"terms": {"doc_type": ["question"]}} in body["query"]["bool"]["filter"]
    assert body["size"] == 5


def test_did_you_mean_checks_words_against_what_the_searcher_may_see():
    body = visible_words_search(["procurment", "procurement"], ["members", "user:7"], index="rm").to_dict()
    assert body["size"] == 0
    assert body["query"] == {"bool": {"filter": [{"terms": {"principals": ["members", "user:7"]}}]}}
    assert body["aggs"]["w1"] == {
        "filter": {"multi_match": {"query": "procurement", "fields": ["title^3", "tags_text^2", "body"]}}
    }


def test_corrections_never_offer_a_word_only_private_documents_have():
    """The term suggester reads every document; a suggestion is kept only if a visible one has it."""
    client = mock.MagicMock()
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    client.search.side_effect = [
        mock.Mock(body=body)
        for body in (
            {  # the term suggester: "secrett" -> "secret" (only in a private thread), "procurment" -> 2 options
                "took": 1,
                "timed_out": False,
                "hits": {"hits": [], "total": {"value": 0, "relation": "eq"}},
                "suggest": {
                    "spelling": [
                        {
                            "text": "secrett",
                            "offset": 0,
                            "length": 7,
                            "options": [{"text": "secret", "score": 0.8, "freq": 1}],
                        },
                        {
                            "text": "procurment",
                            "offset": 8,
                            "length": 10,
                            "options": [
                                {"text": "procurements", "score": 0.9, "freq": 1},
                                {"text": "procurement", "score": 0.8, "freq": 40},
                            ],
                        },
                    ]
                },
            },
            {  # visible documents per word: secrett, procurment, secret, procurements, procurement
                "took": 1,
                "timed_out": False,
                "hits": {"hits": [], "total": {"value": 0, "relation": "eq"}},
                "aggregations": {
                    "w0": {"doc_count": 0},
                    "w1": {"doc_count": 0},
                    "w2": {"doc_count": 0},
                    "w3": {"doc_count": 0},
                    "w4": {"doc_count": 12},
                },
            },
        )
    ]
    assert backend.corrections(["secrett", "procurment"], ["members", "user:7"]) == {"procurment": "procurement"}
    check = client.search.call_args_list[1].kwargs["body"]
    assert check["query"]["bool"]["filter"] == [{"terms": {"principals": ["members", "user:7"]}}]


# --- Writes against a fake client --------------------------------------------------------------------


def test_bulk_writes_index_and_delete_through_the_alias():
    client = mock.MagicMock()
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    with mock.patch("search.backends.elasticsearch.helpers.bulk", return_value=(2, [])) as bulk:
        backend.write([doc("technique", 1, "Pricing")], ["question:9"])
    actions = bulk.call_args.args[1]
    assert actions[0]["_op_type"] == "index" and actions[0]["_index"] == "rm" and actions[0]["_id"] == "technique:1"
    assert actions[1] == {"_op_type": "delete", "_index": "rm", "_id": "question:9"}


def test_bulk_errors_other_than_missing_deletes_are_failures():
    client = mock.MagicMock()
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    gone = {"delete": {"_id": "question:9", "status": 404}}
    with mock.patch("search.backends.elasticsearch.helpers.bulk", return_value=(0, [gone])):
        backend.write([], ["question:9"])  # deleting what is not there is fine
    refused = {"index": {"_id": "technique:1", "status": 400, "error": "mapper_parsing_exception"}}
    with (
        mock.patch("search.backends.elasticsearch.helpers.bulk", return_value=(0, [refused])),
        pytest.raises(BackendUnavailable),
    ):
        backend.write([doc("technique", 1, "Pricing")])


def test_reindex_fills_a_new_index_then_switches_the_alias_atomically():
    client = mock.MagicMock()
    client.indices.exists_alias.return_value = True
    client.indices.get_alias.return_value = {"rm-20250101000000000000": {"aliases": {"rm": {}}}}
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    with mock.patch("search.backends.elasticsearch.helpers.bulk", return_value=(1, [])) as bulk:
        name = backend.rebuild(iter([doc("technique", 1, "Pricing")]), total=1)
    assert name.startswith("rm-") and name != "rm-20250101000000000000"
    assert next(iter(bulk.call_args.args[1]))["_index"] == name
    client.indices.create.assert_called_once()
    assert client.indices.create.call_args.kwargs["index"] == name
    client.indices.refresh.assert_called_once_with(index=name)
    client.indices.update_aliases.assert_called_once_with(
        actions=[
            {"remove": {"index": "rm-20250101000000000000", "alias": "rm"}},
            {"add": {"index": name, "alias": "rm"}},
        ]
    )
    client.indices.delete.assert_called_once_with(index="rm-20250101000000000000", ignore_unavailable=True)


def test_a_failed_bulk_during_reindex_keeps_the_old_index_serving():
    client = mock.MagicMock()
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    with (
        mock.patch("search.backends.elasticsearch.helpers.bulk", return_value=(0, [{"index": {"status": 400}}])),
        pytest.raises(BackendUnavailable),
    ):
        backend.rebuild(iter([doc("technique", 1, "Pricing")]), total=1)
    client.indices.update_aliases.assert_not_called()


def _fake_es(**attrs) -> mock.MagicMock:
    es = mock.MagicMock(spec=ElasticsearchBackend)
    es.rebuild.return_value = "rm-new"
    for name, value in attrs.items():
        getattr(es, name).return_value = value
    return es


@pytest.mark.django_db
def test_a_full_rebuild_deletes_what_left_the_database_index_while_it_filled():
    """technique:2 was streamed into the new index, then deleted (its delete went to the old
    index): after the switch it is deleted from the new one; technique:1 is kept."""
    backends.database().write([doc("technique", 1, "Pricing")])
    es = _fake_es(indexed_hashes={"technique:1": "h1", "technique:2": "h2"})
    with mock.patch.object(backends, "elasticsearch", return_value=es):
        assert services.es_rebuild() == "rebuilt as rm-new, 1 removed during the fill"
    es.write.assert_called_once_with([], ["technique:2"])


@pytest.mark.django_db
def test_a_full_rebuild_replays_updates_made_while_it_filled():
    started = timezone.now()
    backends.database().write([doc("technique", 1, "Pricing")])
    es = _fake_es(indexed_hashes={"technique:1": "old"})
    with mock.patch.object(backends, "elasticsearch", return_value=es):
        assert services.es_rebuild(since=started) == "rebuilt as rm-new"
    (written, gone), _ = es.write.call_args
    assert [d.key for d in written] == ["technique:1"] and gone == []


@pytest.mark.django_db
def test_an_empty_elasticsearch_over_existing_data_is_filled_at_start_up():
    from io import StringIO

    from django.core.management import call_command

    def run() -> str:
        out = StringIO()
        call_command("search_reindex", "--if-elasticsearch-empty", "--quiet", stdout=out, stderr=StringIO())
        return out.getvalue().strip()

    es = _fake_es(document_count=0, indexed_hashes={})
    with mock.patch.object(backends, "elasticsearch", return_value=es):
        assert run() == "Elasticsearch: nothing to index"  # no data yet: the outbox will fill it
        es.rebuild.assert_not_called()
        backends.database().write([doc("technique", 1, "Pricing")])
        assert run() == "Elasticsearch: rebuilt as rm-new"
        assert es.rebuild.call_args.kwargs["total"] == 1
        es.rebuild.reset_mock()
        es.document_count.return_value = 1
        assert run() == "Elasticsearch: already holds 1 documents"
        es.rebuild.assert_not_called()
    with mock.patch.object(backends, "elasticsearch", return_value=None):
        assert run() == "Elasticsearch: not configured"


def test_document_count_is_zero_without_an_index():
    client = mock.MagicMock()
    client.indices.exists_alias.return_value = False
    client.indices.exists.return_value = False
    backend = ElasticsearchBackend(url="http://es:9200", index="rm", client=client)
    assert backend.document_count() == 0
    client.count.assert_not_called()
    client.indices.exists_alias.return_value = True
    client.count.return_value = {"count": 7}
    assert backend.document_count() == 7
    client.count.assert_called_once_with(index="rm")


# --- Unreachable Elasticsearch: fall back, lose nothing -----------------------------------------


@pytest.fixture
def unreachable_es(settings):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    settings.SEARCH = {**settings.SEARCH, "BACKEND": "elasticsearch", "ELASTICSEARCH_TIMEOUT": 0.5}
    yield
    backends._elasticsearch.cache_clear()


@pytest.mark.django_db
def test_queries_fall_back_to_the_database_and_say_so(unreachable_es, newhire):
    backends.database().write([doc("technique", 1, "Pricing objection")])
    results = selectors.search(user=newhire, text="pricing")
    assert [h.key for h in results.hits] == ["technique:1"]
    assert "may be incomplete" in results.notice
    assert [s.title for s in selectors.suggest(user=newhire, text="prici")] == ["Pricing objection"]


@pytest.mark.django_db
def test_the_page_and_the_api_answer_when_elasticsearch_is_down(unreachable_es, newhire, client_for, api_for):
    backends.database().write([doc("technique", 1, "Pricing objection")])
    page = client_for(newhire).get("/search/", {"q": "pricing"})
    assert page.status_code == 200
    assert b"may be incomplete" in page.content and b"<mark>Pricing</mark> objection" in page.content
    api = api_for(newhire).get("/api/v1/search", {"q": "pricing"})
    assert api.status_code == 200 and "may be incomplete" in api.json()["notice"]


@pytest.mark.django_db
def test_updates_wait_in_the_outbox_while_elasticsearch_is_down(
    unreachable_es, technique_factory, newhire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Concession ladder")
    row = SearchOutbox.objects.get(object_id=page.pk)
    assert row.attempts == 1 and "Elasticsearch" in row.last_error
    # The database index (the fallback) has it already; Elasticsearch will get it on retry.
    assert [h.id for h in selectors.search(user=newhire, text="concession").hits] == [page.pk]
    report = services.check()
    assert report.elasticsearch_error and not report.ok


@pytest.mark.django_db
def test_readiness_reports_an_unreachable_elasticsearch(unreachable_es):
    from search.health import check_search

    with pytest.raises(BackendUnavailable):
        check_search()


# --- Live tests (only with a real server) -----------------------------------------------------------

live = pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set")


@pytest.fixture
def live_es(settings):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SEARCH = {
        **settings.SEARCH,
        "BACKEND": "elasticsearch",
        "ELASTICSEARCH_INDEX": f"rm-test-{uuid.uuid4().hex[:8]}",
    }
    backends._elasticsearch.cache_clear()
    es = backends.elasticsearch()
    yield es
    for name in es.client.indices.get(index=f"{es.alias}*"):
        es.client.indices.delete(index=name, ignore_unavailable=True)
    backends._elasticsearch.cache_clear()


@live
@pytest.mark.django_db
def test_live_synonyms_stemming_facets_and_permissions(live_es, newhire):
    documents = [
        doc("technique", 1, "Run a proof of concept with exit criteria", stage="Solution / demo"),
        doc("question", 2, "Negotiating discounts with procurement", stage="Negotiation", votes=4),
        doc(
            "technique",
            3,
            "Secret draft",
            "proof of concept",
            visibility=Visibility.RESTRICTED,
            allowed_roles=("manager",),
        ),
    ]
    backends.database().write(documents)
    live_es.rebuild(iter(documents), total=3)
    assert [h.key for h in selectors.search(user=newhire, text="POC").hits] == ["technique:1"]
    results = selectors.search(user=newhire, text="negotiation discount")
    assert [h.key for h in results.hits] == ["question:2"]
    assert results.backend == "elasticsearch" and results.notice is None
    assert {v.value: v.count for v in results.facets["stage"]} == {"negotiation": 1}
    assert [s.title for s in selectors.suggest(user=newhire, text="proof")] == [
        "Run a proof of concept with exit criteria"
    ]


@live
@pytest.mark.django_db
def test_live_reindex_switches_the_alias_without_downtime(live_es, newhire):
    first = [doc("technique", 1, "Pricing objection")]
    backends.database().write(first)
    old = live_es.rebuild(iter(first), total=1)
    new = live_es.rebuild(iter(first), total=1)
    assert old != new
    assert list(live_es.client.indices.get_alias(name=live_es.alias)) == [new]
    assert [h.key for h in selectors.search(user=newhire, text="pricing").hits] == ["technique:1"]
    make_user("other")
