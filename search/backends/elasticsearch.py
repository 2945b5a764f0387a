"""The Elasticsearch backend (elasticsearch.dsl, inside the official `elasticsearch` client 8.x).

- Mapping: one `SearchDoc` Document for every type, English analysis (possessives, stop
  words, stemming) at index time and the same plus a `synonym_graph` filter of sales
  vocabulary (POC / proof of concept, EB / economic buyer, MAP / mutual action plan, ...)
  at search time; a `spell` field (unstemmed) for the term suggester; a `suggest`
  completion field whose contexts are the document's access principals, so autocomplete
  never offers a title the searcher may not see.
- Writes: bulk requests to an alias. A full reindex builds a new concrete index, fills it in
  bulk, then moves the alias in one atomic `update_aliases` call and drops the old index:
  searches never see a half-built index.
- Queries: `RainmakerSearch`, a FacetedSearch with declared facets (OR within a facet via
  post_filter + filtered aggregations) and `search()` overridden for the filters that always
  apply (visible to this user, the deal context). ES returns the best CANDIDATES by BM25;
  the same blend as the database backend (search.ranking) orders them.
- Similar documents: more_like_this. Did you mean: the term suggester.

Any transport or API error is raised as BackendUnavailable, and search.selectors answers
from the database index instead (the page says results may be incomplete).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from django.db.models import Max
from django.db.models import Q as DbQ
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    FacetedSearch,
    Float,
    Index,
    Integer,
    Keyword,
    Long,
    Object,
    Q,
    Search,
    TermsFacet,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl import Document as ESDocument

from .. import conf
from ..documents import Document, Signals, Visibility, split_key
from ..models import SearchDocument, SearchFacet
from ..querytext import ParsedQuery
from ..ranking import blend, fold, lift, prior, type_weight
from ..registry import shown_within_parent, type_label
from .base import (
    FACETS,
    MARK_END,
    MARK_START,
    BackendUnavailable,
    DocumentsRefused,
    FacetValue,
    Hit,
    SearchBackend,
    SearchRequest,
    SearchResults,
    Suggestion,
)
from .database import DatabaseBackend

logger = logging.getLogger(__name__)

TEXT_FIELDS = ["title^3", "tags_text^2", "body"]
CORRECTION_CHECKS = 4  # suggestions per unknown word checked against what the searcher may see
SIGNAL_SOURCE = [
    "doc_type",
    "object_id",
    "votes",
    "answers",
    "accepted",
    "evidence_strength",
    "published_at",
    "worked_in",
    "parent_key",
]

# --- Analysis -------------------------------------------------------------------------------

# Lucene's English stop words (what "_english_" means in Elasticsearch 8).
LUCENE_ENGLISH_STOP_WORDS = [
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "but",
    "by",
    "for",
    "if",
    "in",
    "into",
    "is",
    "it",
    "no",
    "not",
    "of",
    "on",
    "or",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "to",
    "was",
    "will",
    "with",
]


def _synonym_words(rules: list[str]) -> set[str]:
    return {word.lower() for rule in rules for part in rule.replace("=>", ",").split(",") for word in part.split()}


# The chain order (index: ... stop, stemmer; search: ... synonym_graph, stop, stemmer) follows
# the Elasticsearch 8 docs on synonym_graph: the filters BEFORE the synonym filter parse the
# rules (so no stemmer or stop filter before it: a stop filter would drop "proof of concept"
# as a rule), and "synonym rules should not contain words that are removed by a filter that
# appears after in the chain (a stop filter for instance)": the stop list therefore keeps the
# words the rules use ("of", "on", "for"), in both analyzers so that phrases match.
STOP_WORDS = sorted(set(LUCENE_ENGLISH_STOP_WORDS) - _synonym_words(list(conf.get("SYNONYMS"))))
english_possessive = token_filter("rainmaker_possessive", type="stemmer", language="possessive_english")
english_stop = token_filter("rainmaker_stop", type="stop", stopwords=STOP_WORDS)
english_stemmer = token_filter("rainmaker_stemmer", type="stemmer", language="english")
sales_synonyms = token_filter(
    "rainmaker_sales_synonyms", type="synonym_graph", synonyms=list(conf.get("SYNONYMS")), lenient=True
)
INDEX_ANALYZER = analyzer(
    "rainmaker_english",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", english_possessive, english_stop, english_stemmer],
)
SEARCH_ANALYZER = analyzer(
    "rainmaker_english_search",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", english_possessive, sales_synonyms, english_stop, english_stemmer],
)


def _text(**kwargs) -> Text:
    return Text(analyzer=INDEX_ANALYZER, search_analyzer=SEARCH_ANALYZER, **kwargs)


class SearchDoc(ESDocument):
    """One search document, whatever its type ("technique:12", "question:7", ...)."""

    doc_type = Keyword()
    object_id = Long()
    title = _text(fields={"raw": Keyword()}, copy_to="spell")
    tags_text = _text()
    body = _text(term_vector="with_positions_offsets", copy_to="spell")
    spell = Text(analyzer="standard")
    suggest = Completion(analyzer="simple", contexts=[{"name": "principal", "type": "category", "path": "principals"}])
    stage = Keyword()
    personas = Keyword()
    tags = Keyword()
    industries = Keyword()
    deal_sizes = Keyword()
    evidence = Keyword()
    votes = Integer()
    answers = Integer()
    accepted = Boolean()
    evidence_strength = Float()
    prior = Float()
    published_at = Date()
    worked_in = Keyword()
    principals = Keyword()
    parent_key = Keyword()
    data = Object(enabled=False)
    url = Keyword(index=False)
    content_hash = Keyword()

    class Index:
        name = "rainmaker-search"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}


def index_definition(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(SearchDoc)
    return index


def completion_inputs(title: str) -> list[str]:
    """The title, and the title from each later word, so "objection" completes "Handle the objection"."""
    words = title.split()
    return list(dict.fromkeys([" ".join(words[i:]) for i in range(min(len(words), 6))]))


def to_source(doc: Document) -> dict[str, Any]:
    signals = Signals(
        votes=doc.votes, answers=doc.answers, accepted=doc.accepted, evidence_strength=doc.evidence_strength
    )
    # Who may see it, exactly as the database backend decides: "members" only for a members'
    # document; a restricted one only its listed users and roles, so a restricted document that
    # lists nobody matches no searcher (never every member).
    principals = ["members"] if doc.visibility == Visibility.MEMBERS else doc.principals()
    source = {
        "doc_type": doc.type,
        "object_id": doc.id,
        "title": doc.indexed_title,
        "tags_text": doc.indexed_tags_text,
        "body": doc.body,
        "stage": doc.stage.value if doc.stage else None,
        "personas": [t.value for t in doc.personas],
        "tags": [t.value for t in doc.tags],
        "industries": [t.value for t in doc.industries],
        "deal_sizes": list(doc.deal_sizes),
        "evidence": doc.evidence.value if doc.evidence else None,
        "votes": doc.votes,
        "answers": doc.answers,
        "accepted": doc.accepted,
        "evidence_strength": doc.evidence_strength,
        "prior": prior(signals),
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
        "worked_in": list(doc.worked_in),
        "principals": principals,
        "parent_key": f"{doc.parent_type}:{doc.parent_id}" if doc.parent_type and doc.parent_id else None,
        "url": doc.url,
        "data": json.loads(json.dumps(doc.to_dict(), default=str)),
        "content_hash": doc.content_hash(),
    }
    # Answers are not completions of their own (their question is); nor is what nobody may see
    # (a completion's contexts are its principals, and Elasticsearch 8 needs at least one).
    if not doc.body_only and principals:
        source["suggest"] = {"input": completion_inputs(doc.title), "weight": 1 + max(0, int(prior(signals) * 100))}
    return source


# --- Queries ------------------------------------------------------------------------------------


def _alternative_query(words: tuple[str, ...]) -> Q:
    text = " ".join(words)
    if len(words) > 1:
        return Q("multi_match", query=text, fields=TEXT_FIELDS, type="phrase")
    return Q("multi_match", query=text, fields=TEXT_FIELDS, type="best_fields")


def text_query(parsed: ParsedQuery, mode: str) -> Q:
    """The parsed query as a bool query: clauses ANDed (or ORed), alternatives ORed.

    In "any" mode each clause is a named query ("c0", "c1", ...): a hit's `matched_queries`
    says how many clauses it matches, its tier (search.ranking).
    """
    clauses = []
    for i, clause in enumerate(parsed.positive):
        alternatives = [_alternative_query(a.words) for a in clause.alternatives]
        if mode == "any" and len(parsed.positive) > 1:
            clauses.append(Q("bool", should=alternatives, minimum_should_match=1, _name=f"c{i}"))
        elif len(alternatives) == 1:
            clauses.append(alternatives[0])
        else:
            clauses.append(Q("bool", should=alternatives, minimum_should_match=1))
    must_not = [_alternative_query(a.words) for c in parsed.negative for a in c.alternatives]
    if mode == "all":
        return Q("bool", must=clauses, must_not=must_not)
    return Q("bool", should=clauses, minimum_should_match=1, must_not=must_not)


def visibility_filter(principals: list[str]) -> Q:
    return Q("terms", principals=principals or ["nobody"])


class RainmakerSearch(FacetedSearch):
    doc_types = [SearchDoc]
    fields = TEXT_FIELDS
    facets = {
        "type": TermsFacet(field="doc_type", size=20),
        "stage": TermsFacet(field="stage", size=30),
        "persona": TermsFacet(field="personas", size=30),
        "tag": TermsFacet(field="tags", size=15),
        "evidence": TermsFacet(field="evidence", size=10),
    }

    def __init__(self, request: SearchRequest, *, mode: str, index: str, using: Any = "default") -> None:
        self.request = request
        self.mode = mode
        self.index = index
        self.using = using
        facet_filters = {k: v for k, v in request.filters.items() if k in self.facets}
        super().__init__(query=request.parsed, filters=facet_filters)

    def search(self) -> Search:
        """The filters that always apply: what this user may see, the deal, exclusions."""
        s = super().search()
        request = self.request
        s = s.filter(visibility_filter(request.principals))
        if request.filters.get("industry"):
            s = s.filter("terms", industries=request.filters["industry"])
        if request.deal and request.deal_filter:
            if request.deal.stage:
                s = s.filter(Q("bool", should=[Q("term", stage=request.deal.stage), ~Q("exists", field="stage")]))
            # A document without a stage, an industry or a size applies to any deal (as in the
            # database backend); one that names some must name the deal's.
            for field, value in (("industries", request.deal.industry), ("deal_sizes", request.deal.size)):
                if value:
                    s = s.filter(Q("bool", should=[Q("term", **{field: value}), ~Q("exists", field=field)]))
        if request.exclude_keys:
            s = s.exclude("ids", values=list(request.exclude_keys))
        return s.source(SIGNAL_SOURCE).extra(track_total_hits=True)

    def query(self, search: Search, query: ParsedQuery) -> Search:
        if query.is_empty:
            return search.query(
                "function_score", query=Q("match_all"), field_value_factor={"field": "prior", "missing": 0}
            )
        return search.query(text_query(query, self.mode))

    def highlight(self, search: Search) -> Search:
        return (
            search.highlight_options(pre_tags=[MARK_START], post_tags=[MARK_END], encoder="default")
            .highlight("title", number_of_fragments=0)
            .highlight("body", fragment_size=160, number_of_fragments=2)
        )


def search_body(request: SearchRequest, *, mode: str, index: str = "rainmaker-search", size: int | None = None) -> dict:
    """The request body `search_once` sends (tests compare it with expectations)."""
    fs = RainmakerSearch(request, mode=mode, index=index)
    return fs[0 : size or conf.get("CANDIDATES")]._s.to_dict()


def suggest_search(text: str, principals: list[str], *, limit: int, index: str) -> Search:
    return (
        Search(index=index)
        .source(["doc_type", "object_id", "title", "url"])
        .suggest(
            "titles",
            text,
            completion={
                "field": "suggest",
                "size": limit,
                "skip_duplicates": True,
                "fuzzy": {"fuzziness": "AUTO", "prefix_length": 1},
                "contexts": {"principal": principals or ["nobody"]},
            },
        )
    )


def spelling_search(words: list[str], *, index: str) -> Search:
    return (
        Search(index=index)
        .extra(size=0)
        .suggest(
            "spelling",
            " ".join(words),
            # "always": the suggester's idea of a known word counts private documents too;
            # corrections() decides what is known from what the searcher may see.
            term={"field": "spell", "suggest_mode": "always", "min_word_length": 3, "max_edits": 2, "sort": "score"},
        )
    )


def visible_words_search(words: list[str], principals: list[str], *, index: str) -> Search:
    """One request: for each word, how many documents the searcher may see contain it (stemmed)."""
    s = Search(index=index).extra(size=0, track_total_hits=False).filter(visibility_filter(principals))
    for i, word in enumerate(words):
        s.aggs.bucket(f"w{i}", "filter", filter=Q("multi_match", query=word, fields=TEXT_FIELDS))
    return s


def similar_search(
    *, key: str | None, text: str | None, principals: list[str], types: list[str], limit: int, index: str
) -> Search:
    like: list[Any] = [{"_index": index, "_id": key}] if key else [text or ""]
    mlt = Q(
        "more_like_this",
        fields=["title", "tags_text", "body"],
        like=like,
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=25,
        minimum_should_match="20%",
    )
    filters = [visibility_filter(principals)]
    if types:
        filters.append(Q("terms", doc_type=types))
    return Search(index=index).query(Q("bool", must=[mlt], filter=filters)).source(SIGNAL_SOURCE)[:limit]


# --- The backend ----------------------------------------------------------------------------------


def _guard(method: Callable) -> Callable:
    """Turn any transport/API failure into BackendUnavailable (callers fall back)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except BackendUnavailable:
            raise
        except (TransportError, ApiError) as exc:
            raise BackendUnavailable(f"Elasticsearch at {self.url}: {type(exc).__name__}: {exc}"[:500]) from exc

    return wrapper


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"
    label = "elasticsearch"

    def __init__(self, *, url: str, index: str = "rainmaker-search", timeout: float = 3.0, client: Any = None) -> None:
        self.url = url
        self.alias = index
        self.timeout = timeout
        self._client = client
        self._ready = False

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = Elasticsearch(self.url, request_timeout=self.timeout, max_retries=1, retry_on_timeout=False)
        return self._client

    # --- Writing --------------------------------------------------------------------------

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now().strftime('%Y%m%d%H%M%S%f')}"

    def _ensure_index(self) -> None:
        if self._ready:
            return
        if not self.client.indices.exists_alias(name=self.alias) and not self.client.indices.exists(index=self.alias):
            name = self._new_index_name()
            index_definition(name).create(using=self.client)
            self.client.indices.put_alias(index=name, name=self.alias)
        self._ready = True

    def actions(
        self, documents: list[Document], removed: Iterable[str] = (), *, index: str | None = None
    ) -> list[dict]:
        target = index or self.alias
        out = [{"_op_type": "index", "_index": target, "_id": d.key, "_source": to_source(d)} for d in documents]
        out += [{"_op_type": "delete", "_index": target, "_id": key} for key in removed]
        return out

    @_guard
    def write(self, documents: list[Document], removed: Iterable[str] = ()) -> None:
        actions = self.actions(documents, removed)
        if not actions:
            return
        self._ensure_index()
        _, errors = helpers.bulk(self.client, actions, raise_on_error=False, raise_on_exception=True)
        failures = [e for e in errors if not ("delete" in e and e["delete"].get("status") == 404)]
        if failures:
            raise DocumentsRefused(f"Elasticsearch refused {len(failures)} of {len(actions)} updates: {failures[:2]}")

    @_guard
    def rebuild(self, documents: Iterable[Document], *, total: int, progress: Callable | None = None) -> str:
        """Fill a new index and switch the alias to it atomically; returns the new index's name."""
        name = self._new_index_name()
        index_definition(name).create(using=self.client)
        actions = ({"_op_type": "index", "_index": name, "_id": d.key, "_source": to_source(d)} for d in documents)
        _, errors = helpers.bulk(self.client, actions, chunk_size=500, raise_on_error=False)
        if errors:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise BackendUnavailable(f"Elasticsearch refused {len(errors)} documents during reindex: {errors[:2]}")
        self.client.indices.refresh(index=name)
        old: list[str] = []
        if self.client.indices.exists_alias(name=self.alias):
            old = list(self.client.indices.get_alias(name=self.alias).keys())
        elif self.client.indices.exists(index=self.alias):  # a concrete index squatting the alias name
            self.client.indices.delete(index=self.alias)
        self.client.indices.update_aliases(
            actions=[{"remove": {"index": o, "alias": self.alias}} for o in old]
            + [{"add": {"index": name, "alias": self.alias}}]
        )
        for o in old:
            self.client.indices.delete(index=o, ignore_unavailable=True)
        self._ready = True
        return name

    @_guard
    def document_count(self) -> int:
        """How many documents the alias holds (0 when it does not exist yet)."""
        if not self.client.indices.exists_alias(name=self.alias) and not self.client.indices.exists(index=self.alias):
            return 0
        return int(self.client.count(index=self.alias)["count"])

    # --- Reading --------------------------------------------------------------------------

    @_guard
    def search_once(self, request: SearchRequest, *, mode: str) -> SearchResults:
        results = SearchResults(page=request.page, page_size=request.page_size, backend=self.label, mode=mode)
        fs = RainmakerSearch(request, mode=mode, index=self.alias, using=self.client)
        response = fs[0 : conf.get("CANDIDATES")].execute()
        results.total = response.hits.total.value
        if request.facets:
            results.facets = self._facets(response, request.filters)
        hits = list(response.hits)
        if not hits:
            return results
        text, signals, highlights, parent_of, tiers = {}, {}, {}, {}, {}
        for hit in hits:
            key = hit.meta.id
            text[key] = float(hit.meta.score or 0.0) * type_weight(split_key(key)[0])
            if mode == "any" and len(request.parsed.positive) > 1:
                tiers[key] = len(set(getattr(hit.meta, "matched_queries", None) or []))
            signals[key] = Signals(
                votes=getattr(hit, "votes", 0) or 0,
                answers=getattr(hit, "answers", 0) or 0,
                accepted=bool(getattr(hit, "accepted", False)),
                evidence_strength=getattr(hit, "evidence_strength", 0.0) or 0.0,
                published_at=_parse_date(getattr(hit, "published_at", None)),
                worked_in=tuple(getattr(hit, "worked_in", []) or []),
            )
            parent_of[key] = getattr(hit, "parent_key", None)
            hl = getattr(hit.meta, "highlight", None)
            if hl is not None:
                highlights[key] = (
                    " ".join(getattr(hl, "title", []) or []),
                    " … ".join(getattr(hl, "body", []) or []),
                )
        # Answers are shown within their question: questions that are not hits themselves are
        # read from the database's copy (the document store), with the same visibility and filters.
        wanted = {
            parent
            for key, parent in parent_of.items()
            if parent and parent not in text and shown_within_parent(split_key(key)[0])
        }
        lifted = DatabaseBackend().parent_rows(request, wanted) if wanted else {}
        for key, r in lifted.items():
            signals[key] = Signals(
                votes=r[1],
                answers=r[2],
                accepted=r[3],
                evidence_strength=r[4],
                published_at=r[5],
                worked_in=tuple((r[6] or "").split()),
            )
        lift(text, parent_of, set(lifted), tiers)
        ranked = blend(
            text, signals, deal_keys=request.deal.context_keys() if request.deal else None, now=request.now, tiers=tiers
        )
        folded = fold(ranked, parent_of, tiers)
        results.total -= len(ranked) - len(folded) - len(lifted)
        results.ranked = len(folded)
        start = (request.page - 1) * request.page_size
        page = folded[start : start + request.page_size]
        scores = dict(ranked)
        flat = [(k, scores[k]) for key, _, children in page for k in (key, *children)]
        hits_by_key = {h.key: h for h in self._hits(flat, highlights)}
        for key, score, children in page:
            hit = hits_by_key.get(key)
            if hit is None:
                continue
            hit.score = score
            hit.children = [hits_by_key[c] for c in children if c in hits_by_key]
            results.hits.append(hit)
        return results

    def _hits(self, page: list[tuple[str, float]], highlights: dict[str, tuple[str, str]]) -> list[Hit]:
        """Hits rendered from the database's copy of each document (the document store)."""
        if not page:
            return []
        condition = DbQ(pk__in=[])
        for key, _ in page:
            doc_type, object_id = split_key(key)
            condition |= DbQ(doc_type=doc_type, object_id=object_id)
        rows = SearchDocument.objects.filter(condition).values_list("doc_type", "object_id", "data")
        data = {f"{t}:{i}": d for t, i, d in rows}
        out = []
        for key, score in page:
            if key not in data:
                continue
            title_hl, body_hl = highlights.get(key, ("", ""))
            out.append(Hit.from_data(data[key], score=score, title_hl=title_hl, snippet_hl=body_hl))
        return out

    def _facets(self, response: Any, filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
        raw = {name: list(getattr(response.facets, name, [])) for name in FACETS}
        wanted = DbQ(pk__in=[])
        for name, values in raw.items():
            if name != "type" and values:
                wanted |= DbQ(facet=name, value__in=[v for v, _, _ in values])
        labels = {
            (r["facet"], r["value"]): r["label"]
            for r in SearchFacet.objects.filter(wanted).values("facet", "value").annotate(label=Max("label"))
        }
        out: dict[str, list[FacetValue]] = {}
        for name, values in raw.items():
            items = []
            for value, count, selected in values:
                label = type_label(value) if name == "type" else labels.get((name, value), value)
                items.append(FacetValue(value, label, count, bool(selected)))
            for value in filters.get(name, []):
                if value not in {i.value for i in items}:
                    items.append(FacetValue(value, labels.get((name, value), value), 0, True))
            items.sort(key=lambda v: (-v.count, v.label.lower()))
            out[name] = items
        return out

    @_guard
    def count(self, request: SearchRequest, *, mode: str) -> int:
        fs = RainmakerSearch(replace(request, facets=False), mode=mode, index=self.alias, using=self.client)
        return fs._s.extra(size=0).execute().hits.total.value

    @_guard
    def correction_options(self, words: list[str], principals: list[str]) -> dict[str, list[str]]:
        if not words:
            return {}
        response = spelling_search(words, index=self.alias).using(self.client).execute()
        options: dict[str, list[str]] = {}
        for entry in response.suggest.spelling:
            options[entry.text] = [o.text for o in entry.options][:CORRECTION_CHECKS]
        # The term suggester reads every document, private ones too: a typed word counts as
        # known, and a suggestion as usable, only when a document the searcher may see has it.
        wanted = list(dict.fromkeys([*words, *(c for cs in options.values() for c in cs)]))
        check = visible_words_search(wanted, principals, index=self.alias).using(self.client).execute()
        visible = {w for i, w in enumerate(wanted) if check.aggregations[f"w{i}"].doc_count > 0}
        out = {}
        for word in words:
            if word in visible:
                continue
            usable = [c for c in options.get(word, []) if c in visible and c != word]
            if usable:
                out[word] = usable
        return out

    @_guard
    def suggest(self, text: str, principals: list[str], *, limit: int) -> list[Suggestion]:
        response = suggest_search(text, principals, limit=limit, index=self.alias).using(self.client).execute()
        out = []
        for option in response.suggest.titles[0].options:
            source = option._source
            out.append(
                Suggestion(type=source.doc_type, id=source.object_id, title=source.title, url=source.get("url", ""))
            )
        return out

    def document_text(self, key: str, principals: list[str]) -> str | None:
        return DatabaseBackend().document_text(key, principals)

    @_guard
    def similar(
        self, *, key: str | None, text: str | None, principals: list[str], types: list[str], limit: int
    ) -> list[Hit]:
        if key and self.document_text(key, principals) is None:
            return []  # never reveal what a document the searcher may not see looks like
        s = similar_search(key=key, text=text, principals=principals, types=types, limit=limit, index=self.alias)
        response = s.using(self.client).execute()
        page = [(hit.meta.id, float(hit.meta.score or 0.0)) for hit in response.hits]
        return self._hits(page, {})

    # --- Operations -----------------------------------------------------------------------

    @_guard
    def check(self) -> None:
        # Reachability only: a missing index is created by the first write (or search_reindex)
        # and reported by search_check; until then queries use the database index.
        if not self.client.ping():
            raise BackendUnavailable(f"Elasticsearch at {self.url} did not answer (searches use the database index)")

    @_guard
    def indexed_hashes(self, doc_type: str | None = None) -> dict[str, str]:
        query: dict[str, Any] = {"_source": ["content_hash"], "query": {"match_all": {}}}
        if doc_type:
            query["query"] = {"term": {"doc_type": doc_type}}
        return {
            hit["_id"]: hit["_source"].get("content_hash", "")
            for hit in helpers.scan(self.client, index=self.alias, query=query)
        }


def _parse_date(value: Any):
    if value is None or hasattr(value, "year"):
        return value
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
