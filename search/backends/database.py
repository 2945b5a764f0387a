"""The database backend: PostgreSQL full-text search, or SQLite FTS5 for the embedded default.

Both engines work on the same document table (search.models); they differ only in how text
matches, how well it matches, how matches are highlighted and how unknown words are
corrected:

| need            | PostgreSQL                                   | SQLite                                   |
|-----------------|----------------------------------------------|------------------------------------------|
| match           | websearch_to_tsquery pieces on a weighted     | FTS5 MATCH, porter tokenizer (stemming)  |
|                 | tsvector (english stemming), GIN index        |                                          |
| relevance       | ts_rank (title A, tags B, body C)             | bm25 with column weights 10 / 4 / 1      |
| highlights      | ts_headline                                   | highlight() and snippet()                |
| did you mean    | pg_trgm similarity over the vocabulary       | FTS5 trigram table over the vocabulary   |
|                 | + edit distance                               | + edit distance                          |
| autocomplete    | title substring (trigram GIN index)           | title substring                          |

Everything else (visibility, filters, facet counts, candidate capping, blending with quality
signals, pagination) is plain ORM and shared.

modelsearch (Wagtail's search) keeps serving Wagtail's admin search over pages; its index has
no per-object boosts, no multi-valued facets across models, no visibility and, on SQLite, no
stemming or fuzzy matching, which is why this backend has its own table and engines.

SQL safety: user text only ever reaches the database as query parameters; the SQL strings
assembled here contain only constants and placeholders (hence the S608/S611 waivers).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from .. import conf
from ..documents import Document, Signals, Visibility, split_key
from ..models import SearchAccess, SearchDocument, SearchFacet, SearchTerm
from ..querytext import STOP_WORDS, WORD_RE, ParsedQuery, parse, to_fts5, to_tsquery_sql
from ..ranking import blend, coverage_factor, fold, lift, prior, type_weight
from ..registry import shown_within_parent, type_label
from .base import (
    FACETS,
    MARK_END,
    MARK_START,
    FacetValue,
    Hit,
    SearchBackend,
    SearchRequest,
    SearchResults,
    Suggestion,
)
from .spelling import rank_corrections

CORRECTION_CHECKS = 4  # candidates per unknown word checked against visible documents

SIGNAL_FIELDS = (
    "id",
    "votes",
    "answers",
    "accepted",
    "evidence_strength",
    "published_at",
    "worked_in",
    "doc_type",
    "object_id",
    "parent_type",
    "parent_id",
)
ROW_FIELDS = [
    "title",
    "body",
    "tags_text",
    "url",
    "stage",
    "evidence",
    "votes",
    "answers",
    "accepted",
    "evidence_strength",
    "published_at",
    "prior",
    "worked_in",
    "visibility",
    "signal",
    "author_id",
    "parent_type",
    "parent_id",
    "parent_title",
    "data",
    "content_hash",
    "indexed_at",
]
TAG_FACET_LIMIT = 15


def vocabulary(text: str) -> set[str]:
    """Words worth correcting towards: alphabetic, 3 to 40 letters, not stop words."""
    out = set()
    for word in WORD_RE.findall(text.lower()):
        if 3 <= len(word) <= 40 and word.isalpha() and word not in STOP_WORDS:
            out.add(word)
    return out


def single_clause(parsed: ParsedQuery, clause) -> ParsedQuery:
    return ParsedQuery(raw=parsed.raw, clauses=(clause,))


def apply_coverage(text: float, matched: int, parsed: ParsedQuery, mode: str) -> tuple[float, int]:
    """(text relevance, tier): in "any" mode the text is scaled by coverage^2 and the tier is the
    number of clauses matched (results are ordered by tier first); otherwise the tier is 0."""
    if mode != "any" or len(parsed.positive) < 2:
        return text, 0
    return text * coverage_factor(int(matched), len(parsed.positive)), int(matched)


def _chunks(items: list, size: int) -> Iterable[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class PostgresEngine:
    # ts_rank over the weighted vector plus ts_rank over title and tags alone: a title match
    # counts twice, and no length normalisation (a technique's long body is not a penalty).
    # Chosen on the demo relevance set (search_eval), see README "Search".
    rank_sql = "ts_rank(search_vector, {tsq}) + ts_rank(title_vector, {tsq})"
    headline_options = (
        f'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=" … "'
    )

    def __init__(self, using: str) -> None:
        self.using = using

    def match_sql(self, parsed: ParsedQuery, mode: str, *, title_only: bool = False) -> tuple[str, list]:
        tsq, params = to_tsquery_sql(parsed, mode=mode)
        column = "title_vector" if title_only else "search_vector"
        return f"SELECT id FROM search_document WHERE {column} @@ {tsq}", params  # noqa: S608

    def relevance(self, parsed: ParsedQuery, mode: str, ids: list[int]) -> dict[int, tuple[float, int]]:
        tsq, params = to_tsquery_sql(parsed, mode=mode)
        coverage, coverage_params = "1", []
        if mode == "any" and len(parsed.positive) > 1:
            # How many of the query's clauses each candidate matches (see ranking.coverage).
            parts = []
            for clause in parsed.positive:
                clause_sql, clause_params = to_tsquery_sql(single_clause(parsed, clause), mode="all")
                parts.append(f"(CASE WHEN search_vector @@ {clause_sql} THEN 1 ELSE 0 END)")
                coverage_params += clause_params
            coverage = " + ".join(parts)
        rank = self.rank_sql.format(tsq=tsq)
        sql = f"SELECT id, {rank}, {coverage} FROM search_document WHERE id = ANY(%s)"  # noqa: S608
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*params * self.rank_sql.count("{tsq}"), *coverage_params, ids])
            return {row[0]: apply_coverage(float(row[1]), row[2], parsed, mode) for row in cursor.fetchall()}

    def page_rows(self, parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[Any, str, str]]:
        tsq, params = to_tsquery_sql(parsed, mode="any")
        sql = (
            f"WITH q AS (SELECT {tsq} AS query) "  # noqa: S608
            "SELECT d.id, d.data, "
            "ts_headline('english', d.title, q.query, %s), "
            "ts_headline('english', d.body, q.query, %s) "
            "FROM search_document d, q WHERE d.id = ANY(%s)"
        )
        title_options = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*params, title_options, self.headline_options, ids])
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}

    def correction_candidates(self, words: list[str]) -> dict[str, list[tuple[str, int]]]:
        # Trigram neighbours (GIN index), plus short words of about the same length with the
        # same first letter (a transposition in a five-letter word shares few trigrams).
        sql = """
            SELECT w.q, t.word, t.doc_count
            FROM unnest(%s::text[]) AS w(q)
            CROSS JOIN LATERAL (
                (SELECT word, doc_count FROM search_term WHERE word %% w.q
                 ORDER BY similarity(word, w.q) DESC LIMIT 12)
                UNION
                (SELECT word, doc_count FROM search_term
                 WHERE length(w.q) <= 7 AND left(word, 1) = left(w.q, 1)
                   AND length(word) BETWEEN length(w.q) - 2 AND length(w.q) + 2
                 LIMIT 400)
            ) AS t
        """
        out: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [words])
            for word, candidate, count in cursor.fetchall():
                out[word].append((candidate, count))
        return out

    def check(self) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_document WHERE search_vector @@ to_tsquery('english', 'deal') LIMIT 1")
            cursor.fetchone()


class SQLiteEngine:
    weights = (10.0, 4.0, 1.0)  # title, tags, body
    in_list_limit = 50

    def __init__(self, using: str) -> None:
        self.using = using

    def match_sql(self, parsed: ParsedQuery, mode: str, *, title_only: bool = False) -> tuple[str, list]:
        expr = to_fts5(parsed, mode=mode, columns=("title", "tags_text") if title_only else ())
        if not expr:
            return "SELECT rowid FROM search_document_fts WHERE 0", []
        return "SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH %s", [expr]

    def relevance(self, parsed: ParsedQuery, mode: str, ids: list[int]) -> dict[int, tuple[float, int]]:
        expr = to_fts5(parsed, mode=mode)
        w = ", ".join(str(x) for x in self.weights)
        if len(ids) <= self.in_list_limit:
            coverage, coverage_params = self._coverage(parsed, mode, "rowid")
            marks = ", ".join(["%s"] * len(ids))
            sql = (
                f"SELECT rowid, -bm25(search_document_fts, {w}), {coverage} FROM search_document_fts "  # noqa: S608
                f"WHERE search_document_fts MATCH %s AND rowid IN ({marks})"
            )
            params = [*coverage_params, expr, *ids]
        else:
            # FTS5 re-reads every term's doclist for each rowid of an IN list, so for many
            # candidates one pass over the matches (BM25 computed in C while walking the
            # doclists) is far cheaper. The pass is a MATERIALIZED CTE so that SQLite cannot push
            # the candidate list down into the FTS5 scan (ten times slower, measured); the
            # candidates are kept in SQL, so only their rows (at most CANDIDATES +
            # TITLE_CANDIDATES) reach Python, and coverage is counted for them alone.
            coverage, coverage_params = self._coverage(parsed, mode, "m.id")
            sql = (
                "WITH m AS MATERIALIZED ("  # noqa: S608
                f"SELECT rowid AS id, -bm25(search_document_fts, {w}) AS score FROM search_document_fts "
                "WHERE search_document_fts MATCH %s) "
                f"SELECT m.id, m.score, {coverage} FROM m WHERE m.id IN (SELECT value FROM json_each(%s))"
            )
            params = [expr, *coverage_params, json.dumps(ids)]
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: apply_coverage(float(row[1]), row[2], parsed, mode) for row in cursor.fetchall()}

    @staticmethod
    def _coverage(parsed: ParsedQuery, mode: str, column: str) -> tuple[str, list]:
        """SQL counting how many of the query's clauses the row `column` matches (see
        ranking.coverage_factor), and its parameters; "1" outside "any" mode."""
        if mode != "any" or len(parsed.positive) < 2:
            return "1", []
        parts, params = [], []
        for clause in parsed.positive:
            parts.append(
                f"(CASE WHEN {column} IN (SELECT rowid FROM search_document_fts "  # noqa: S608 - a column name constant
                "WHERE search_document_fts MATCH %s) THEN 1 ELSE 0 END)"
            )
            params.append(to_fts5(single_clause(parsed, clause), mode="all"))
        return " + ".join(parts), params

    def page_rows(self, parsed: ParsedQuery, ids: list[int]) -> dict[int, tuple[Any, str, str]]:
        expr = to_fts5(parsed, mode="any")
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT d.id, d.data, "  # noqa: S608
            "highlight(search_document_fts, 0, %s, %s), "
            "snippet(search_document_fts, 2, %s, %s, ' … ', 28) "
            "FROM search_document_fts JOIN search_document d ON d.id = search_document_fts.rowid "
            f"WHERE search_document_fts MATCH %s AND search_document_fts.rowid IN ({marks})"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, MARK_START, MARK_END, expr, *ids])
            return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}

    def correction_candidates(self, words: list[str]) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
        parts, params = [], []
        for word in words:
            grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
            if grams:
                parts.append(
                    "SELECT * FROM (SELECT %s, t.word, t.doc_count FROM search_term_trigram g "
                    "JOIN search_term t ON t.id = g.rowid WHERE search_term_trigram MATCH %s "
                    "ORDER BY g.rank LIMIT 40)"
                )
                params += [word, " OR ".join(f'"{g}"' for g in grams)]
            if len(word) <= 7:
                parts.append(
                    "SELECT * FROM (SELECT %s, word, doc_count FROM search_term WHERE substr(word, 1, 1) = %s "
                    "AND length(word) BETWEEN %s AND %s LIMIT 400)"
                )
                params += [word, word[:1], len(word) - 2, len(word) + 2]
        if not parts:
            return out
        with connections[self.using].cursor() as cursor:
            cursor.execute(" UNION ".join(parts), params)
            for word, candidate, count in cursor.fetchall():
                out[word].append((candidate, count))
        return out

    def check(self) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH 'deal' LIMIT 1")
            cursor.fetchone()


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def vendor(self) -> str:
        return connections[self.using].vendor

    @property
    def label(self) -> str:
        return f"database ({self.vendor})"

    @property
    def engine(self) -> PostgresEngine | SQLiteEngine:
        if self.vendor == "postgresql":
            return PostgresEngine(self.using)
        if self.vendor == "sqlite":
            return SQLiteEngine(self.using)
        raise ImproperlyConfigured(f"Database search supports PostgreSQL and SQLite, not {self.vendor}.")

    # --- Writing --------------------------------------------------------------------------

    def write(self, documents: list[Document], removed: Iterable[str] = ()) -> None:
        from django.utils import timezone

        removed = [split_key(k) for k in removed]
        with transaction.atomic(using=self.using):
            if removed:
                by_type: dict[str, list[int]] = {}
                for doc_type, object_id in removed:
                    by_type.setdefault(doc_type, []).append(object_id)
                condition = Q()
                for doc_type, ids in by_type.items():
                    condition |= Q(doc_type=doc_type, object_id__in=ids)
                SearchDocument.objects.using(self.using).filter(condition).delete()
            if not documents:
                return
            documents = list({d.key: d for d in documents}.values())
            condition = Q()
            for doc_type in {d.type for d in documents}:
                condition |= Q(doc_type=doc_type, object_id__in=[d.id for d in documents if d.type == doc_type])
            existing = {
                (row[0], row[1]): (row[2], row[3])
                for row in SearchDocument.objects.using(self.using)
                .filter(condition)
                .values_list("doc_type", "object_id", "id", "content_hash")
            }
            now = timezone.now()
            new_rows, changed_rows, touched = [], [], []
            for doc in documents:
                digest = doc.content_hash()
                found = existing.get((doc.type, doc.id))
                if found and found[1] == digest:
                    continue
                row = SearchDocument(doc_type=doc.type, object_id=doc.id, **self._fields(doc, digest, now))
                if found:
                    row.id = found[0]
                    changed_rows.append(row)
                else:
                    new_rows.append(row)
                touched.append((row, doc))
            if not touched:
                return
            manager = SearchDocument.objects.using(self.using)
            if new_rows:
                manager.bulk_create(new_rows, batch_size=200)
            if changed_rows:
                manager.bulk_update(changed_rows, ROW_FIELDS, batch_size=200)
            ids = [row.id for row, _ in touched]
            SearchFacet.objects.using(self.using).filter(document_id__in=ids).delete()
            SearchAccess.objects.using(self.using).filter(document_id__in=ids).delete()
            facets, access, words = [], [], set()
            for row, doc in touched:
                facets.append(SearchFacet(document_id=row.id, facet="type", value=doc.type, label=type_label(doc.type)))
                facets += [SearchFacet(document_id=row.id, facet=f, value=v, label=lbl) for f, v, lbl in doc.facets()]
                access += [SearchAccess(document_id=row.id, principal=p) for p in doc.principals()]
                if doc.visibility == Visibility.MEMBERS:  # never suggest a word only a draft has
                    words |= vocabulary(f"{doc.title} {doc.tags_text} {doc.body}")
            SearchFacet.objects.using(self.using).bulk_create(facets, batch_size=500)
            SearchAccess.objects.using(self.using).bulk_create(access, batch_size=500)
            SearchTerm.objects.using(self.using).bulk_create(
                [SearchTerm(word=w) for w in sorted(words)], batch_size=500, ignore_conflicts=True
            )

    @staticmethod
    def _fields(doc: Document, digest: str, now) -> dict[str, Any]:
        signals = Signals(
            votes=doc.votes, answers=doc.answers, accepted=doc.accepted, evidence_strength=doc.evidence_strength
        )
        return {
            "title": doc.indexed_title[:300],  # what full-text search matches (data keeps the title shown)
            "body": doc.body,
            "tags_text": doc.indexed_tags_text,
            "url": doc.url[:500],
            "stage": doc.stage.value if doc.stage else "",
            "evidence": doc.evidence.value if doc.evidence else "",
            "votes": doc.votes,
            "answers": doc.answers,
            "accepted": doc.accepted,
            "evidence_strength": doc.evidence_strength,
            "published_at": doc.published_at,
            "prior": prior(signals),
            "worked_in": " ".join(doc.worked_in),
            "visibility": str(doc.visibility),
            "signal": doc.signal[:200],
            "author_id": doc.author_id,
            "parent_type": doc.parent_type,
            "parent_id": doc.parent_id,
            "parent_title": doc.parent_title[:300],
            "data": json.loads(json.dumps(doc.to_dict(), default=str)),
            "content_hash": digest,
            "indexed_at": now,
        }

    def remove_missing(self, doc_type: str, keep_ids: set[int]) -> int:
        qs = SearchDocument.objects.using(self.using).filter(doc_type=doc_type).exclude(object_id__in=keep_ids)
        count = qs.count()
        if count:
            qs.delete()
        return count

    def rebuild_vocabulary(self, *, progress: Callable | None = None) -> int:
        """Recount the vocabulary from every indexed document (search_reindex)."""
        counts: Counter[str] = Counter()
        rows = (
            SearchDocument.objects.using(self.using)
            .filter(visibility=Visibility.MEMBERS)
            .values_list("title", "tags_text", "body")
        )
        for title, tags, body in rows.iterator(chunk_size=500):
            counts.update(vocabulary(f"{title} {tags} {body}"))
        with transaction.atomic(using=self.using):
            SearchTerm.objects.using(self.using).all().delete()
            SearchTerm.objects.using(self.using).bulk_create(
                [SearchTerm(word=w, doc_count=n) for w, n in sorted(counts.items())], batch_size=1000
            )
        return len(counts)

    def optimize(self) -> None:
        """Refresh planner statistics (and merge FTS5 segments) after a bulk load."""
        with connections[self.using].cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("ANALYZE search_document, search_facet, search_access, search_term")
            else:
                cursor.execute("INSERT INTO search_document_fts(search_document_fts) VALUES ('optimize')")
                cursor.execute("ANALYZE")

    # --- Reading --------------------------------------------------------------------------

    def visible(self, principals: list[str]) -> QuerySet:
        condition = Q(visibility="members") if "members" in principals else Q(pk__in=[])
        restricted = [p for p in principals if p != "members"]
        if restricted:
            condition |= Exists(
                SearchAccess.objects.using(self.using).filter(document=OuterRef("pk"), principal__in=restricted)
            )
        return SearchDocument.objects.using(self.using).filter(condition)

    def _filtered(self, qs: QuerySet, filters: dict[str, list[str]], *, skip: str | None = None) -> QuerySet:
        for name, values in filters.items():
            if not values or name == skip:
                continue
            if name == "type":
                qs = qs.filter(doc_type__in=values)
            elif name == "stage":
                qs = qs.filter(stage__in=values)
            elif name == "evidence":
                qs = qs.filter(evidence__in=values)
            else:
                qs = qs.filter(self._has_facet(name, values))
        return qs

    def _has_facet(self, facet: str, values: list[str]) -> Exists:
        return Exists(
            SearchFacet.objects.using(self.using).filter(document=OuterRef("pk"), facet=facet, value__in=values)
        )

    def _base(self, request: SearchRequest) -> QuerySet:
        qs = self.visible(request.principals)
        if request.deal and request.deal_filter:
            # Narrow to the deal: a document without a stage, an industry or a size applies to
            # any (a technique for every deal size); one that names some must name the deal's.
            deal = request.deal
            if deal.stage:
                qs = qs.filter(Q(stage=deal.stage) | Q(stage=""))
            for facet, value in (("industry", deal.industry), ("size", deal.size)):
                if value:
                    names_some = Exists(
                        SearchFacet.objects.using(self.using).filter(document=OuterRef("pk"), facet=facet)
                    )
                    qs = qs.filter(~names_some | self._has_facet(facet, [value]))
        for key in request.exclude_keys:
            doc_type, object_id = split_key(key)
            qs = qs.exclude(doc_type=doc_type, object_id=object_id)
        return qs

    def _matched(self, request: SearchRequest, mode: str) -> QuerySet:
        base = self._base(request)
        if request.parsed.is_empty:
            return base
        sql, params = self.engine.match_sql(request.parsed, mode)
        return base.filter(id__in=RawSQL(sql, params))  # noqa: S611 - constants and placeholders only

    def count(self, request: SearchRequest, *, mode: str) -> int:
        return self._filtered(self._matched(request, mode), request.filters).count()

    def search_once(self, request: SearchRequest, *, mode: str) -> SearchResults:
        parsed = request.parsed
        engine = self.engine
        results = SearchResults(page=request.page, page_size=request.page_size, backend=self.label, mode=mode)
        browse = parsed.is_empty  # filters only: every visible document, by quality
        matched = self._matched(request, mode)
        filtered = self._filtered(matched, request.filters)
        results.total = filtered.count()
        if request.facets:
            results.facets = self._facets(matched, request.filters)
        if not results.total:
            return results

        cap = conf.get("CANDIDATES")
        if results.total <= cap:
            rows = list(filtered.values_list(*SIGNAL_FIELDS))
        else:
            rows = list(filtered.order_by("-prior", "id").values_list(*SIGNAL_FIELDS)[:cap])
            if not browse:
                # Every document whose title or tags match stays a candidate, however low
                # its prior: those are the ones a searcher expects first.
                sql, params = engine.match_sql(parsed, mode, title_only=True)
                seen = {r[0] for r in rows}
                title_ids = RawSQL(sql, params)  # noqa: S611 - constants and placeholders only
                title_rows = filtered.filter(id__in=title_ids).order_by("-prior", "id")
                rows += [
                    r
                    for r in title_rows.values_list(*SIGNAL_FIELDS)[: conf.get("TITLE_CANDIDATES")]
                    if r[0] not in seen
                ]
        ids = [r[0] for r in rows]
        scored = {i: (1.0, 0) for i in ids} if browse else engine.relevance(parsed, mode, ids)
        weights = {r[0]: type_weight(r[7]) for r in rows}
        text = {i: scored.get(i, (0.0, 0))[0] * weights[i] for i in ids}
        tiers = {i: scored.get(i, (0.0, 0))[1] for i in ids}
        lifted = self._lift_rows(request, rows)
        rows += lifted
        signals = {
            r[0]: Signals(
                votes=r[1],
                answers=r[2],
                accepted=r[3],
                evidence_strength=r[4],
                published_at=r[5],
                worked_in=tuple((r[6] or "").split()),
            )
            for r in rows
        }
        by_key = {(r[7], r[8]): r[0] for r in rows}
        parent_of = {r[0]: by_key.get((r[9], r[10])) if r[9] else None for r in rows}
        lift(text, parent_of, {r[0] for r in lifted}, tiers)
        ranked = blend(
            text,
            signals,
            deal_keys=request.deal.context_keys() if request.deal else None,
            now=request.now,
            tiers=tiers,
        )
        folded = fold(ranked, parent_of, tiers)
        results.total -= len(ranked) - len(folded) - len(lifted)
        results.ranked = len(folded)
        start = (request.page - 1) * request.page_size
        page = folded[start : start + request.page_size]
        if not page:
            return results
        wanted = [i for i, _, children in page for i in (i, *children)]
        if browse:
            rows_by_id = {
                r[0]: (r[1], "", "")
                for r in SearchDocument.objects.using(self.using).filter(id__in=wanted).values_list("id", "data")
            }
        else:
            rows_by_id = engine.page_rows(parsed, wanted)
            missing = [i for i in wanted if i not in rows_by_id]  # lifted parents match no word
            if missing:
                rows_by_id.update(
                    (r[0], (r[1], "", ""))
                    for r in SearchDocument.objects.using(self.using).filter(id__in=missing).values_list("id", "data")
                )
        scores = dict(ranked)

        def make_hit(doc_id: int, score: float) -> Hit | None:
            if doc_id not in rows_by_id:
                return None
            data, title_hl, snippet_hl = rows_by_id[doc_id]
            if isinstance(data, str):
                data = json.loads(data)
            return Hit.from_data(data, score=score, title_hl=title_hl, snippet_hl=snippet_hl)

        for doc_id, score, children in page:
            hit = make_hit(doc_id, score)
            if hit is None:
                continue
            hit.children = [h for h in (make_hit(c, scores[c]) for c in children) if h is not None]
            results.hits.append(hit)
        return results

    def _lift_rows(self, request: SearchRequest, rows: list[tuple]) -> list[tuple]:
        """The parents (questions) of candidates shown within them (answers) that are not
        candidates themselves: visible to the searcher and passing the filters (one query)."""
        present = {(r[7], r[8]) for r in rows}
        wanted = {(r[9], r[10]) for r in rows if r[9] and shown_within_parent(r[7])} - present
        if not wanted:
            return []
        condition = Q()
        for parent_type in {t for t, _ in wanted}:
            condition |= Q(doc_type=parent_type, object_id__in=[i for t, i in wanted if t == parent_type])
        parents = self._filtered(self._base(request), request.filters).filter(condition)
        return list(parents.values_list(*SIGNAL_FIELDS))

    def parent_rows(self, request: SearchRequest, keys: Iterable[str]) -> dict[str, tuple]:
        """{key: signal row} of the documents `keys` that the searcher may see and the filters pass."""
        condition = Q(pk__in=[])
        for key in keys:
            doc_type, object_id = split_key(key)
            condition |= Q(doc_type=doc_type, object_id=object_id)
        parents = self._filtered(self._base(request), request.filters).filter(condition)
        return {f"{r[7]}:{r[8]}": r for r in parents.values_list(*SIGNAL_FIELDS)}

    def _facets(self, matched: QuerySet, filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
        """Facet counts; a facet with a selection counts as if it had none (OR within a facet)."""
        active = [f for f in FACETS if filters.get(f)]
        groups = [([f for f in FACETS if f not in active], self._filtered(matched, filters))]
        groups += [([f], self._filtered(matched, filters, skip=f)) for f in active]
        counts: dict[str, list[FacetValue]] = {f: [] for f in FACETS}
        for names, qs in groups:
            if not names:
                continue
            rows = (
                SearchFacet.objects.using(self.using)
                .filter(document_id__in=qs.values("id"), facet__in=names)
                .values("facet", "value")
                .annotate(n=Count("id"), label=Max("label"))
            )
            for row in rows:
                counts[row["facet"]].append(
                    FacetValue(row["value"], row["label"], row["n"], row["value"] in filters.get(row["facet"], []))
                )
        for name, values in counts.items():
            present = {v.value for v in values}
            for value in filters.get(name, []):
                if value not in present:
                    values.append(FacetValue(value, value.replace("-", " ").capitalize(), 0, True))
            values.sort(key=lambda v: (-v.count, v.label.lower()))
            if name == "tag" and len(values) > TAG_FACET_LIMIT:
                keep = values[:TAG_FACET_LIMIT]
                keep += [v for v in values[TAG_FACET_LIMIT:] if v.selected]
                counts[name] = keep
        return counts

    def correction_options(self, words: list[str], principals: list[str]) -> dict[str, list[str]]:
        words = [w for w in words if w.isalpha() and len(w) >= 3 and w not in STOP_WORDS]
        if not words:
            return {}
        engine = self.engine
        known = self.visible_words(words, principals)
        unknown = [w for w in words if w not in known]
        if not unknown:
            return {}
        candidates = engine.correction_candidates(unknown)
        # The best few candidates of each word, then only those a visible document contains
        # (the vocabulary may still hold words of a post hidden since it was indexed).
        ranked = {word: rank_corrections(word, candidates.get(word, []))[:CORRECTION_CHECKS] for word in unknown}
        visible = self.visible_words([c for options in ranked.values() for c in options], principals)
        out = {}
        for word, options in ranked.items():
            usable = [c for c in options if c in visible]
            if usable:
                out[word] = usable
        return out

    def visible_words(self, words: list[str], principals: list[str]) -> set[str]:
        """The words (stemmed as the index stems them) that match a document `principals` may see.

        One query: an EXISTS per word over the visible documents.
        """
        words = list(dict.fromkeys(words))
        if not words or not principals:
            return set()
        visible = self.visible(principals)
        checks = {}
        for i, word in enumerate(words):
            sql, params = self.engine.match_sql(parse(f'"{word}"'), "all")
            checks[f"w{i}"] = Exists(visible.filter(id__in=RawSQL(sql, params)))  # noqa: S611 - placeholders only
        row = SearchDocument.objects.using(self.using).annotate(**checks).values(*checks).order_by()[:1]
        found = next(iter(row), None)
        if found is None:
            return set()
        return {word for i, word in enumerate(words) if found[f"w{i}"]}

    def suggest(self, text: str, principals: list[str], *, limit: int) -> list[Suggestion]:
        words = [w for w in WORD_RE.findall(text.lower()) if w][:6]
        if not words:
            return []
        visible = self.visible(principals)
        qs = visible
        for word in words:
            qs = qs.filter(title__icontains=word)
        fields = ("doc_type", "object_id", "title", "url")
        rows = list(qs.order_by("-prior", "id").values_list(*fields)[: limit * 3])
        lowered = text.strip().lower()
        rows.sort(key=lambda r: not r[2].lower().startswith(lowered))  # stable: prior order within
        if len(rows) < limit:
            # Then titles matching the words once stemmed ("pricing" finds "price objection").
            parsed = parse(text)
            if not parsed.is_empty:
                sql, params = self.engine.match_sql(parsed, "all", title_only=True)
                title_ids = RawSQL(sql, params)  # noqa: S611 - constants and placeholders only
                seen = {(r[0], r[1]) for r in rows}
                more = visible.filter(id__in=title_ids).order_by("-prior", "id").values_list(*fields)[:limit]
                rows += [r for r in more if (r[0], r[1]) not in seen]
        return [Suggestion(type=r[0], id=r[1], title=r[2], url=r[3]) for r in rows[:limit]]

    def document_text(self, key: str, principals: list[str]) -> str | None:
        doc_type, object_id = split_key(key)
        row = self.visible(principals).filter(doc_type=doc_type, object_id=object_id)
        found = row.values_list("title", "tags_text", "body").first()
        if found is None:
            return None
        return f"{found[0]} {found[1]}".strip() or found[2][:300]

    # --- Operations -----------------------------------------------------------------------

    def check(self) -> None:
        self.engine.check()

    def indexed_hashes(self, doc_type: str | None = None) -> dict[str, str]:
        qs = SearchDocument.objects.using(self.using).all()
        if doc_type:
            qs = qs.filter(doc_type=doc_type)
        return {f"{t}:{i}": h for t, i, h in qs.values_list("doc_type", "object_id", "content_hash").iterator()}

    def size(self) -> int:
        """How many documents the index holds."""
        return SearchDocument.objects.using(self.using).count()
