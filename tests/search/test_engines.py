"""What each database engine builds underneath (the behaviour is tested in test_search.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from .helpers import doc

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_postgres_keeps_a_weighted_stemmed_tsvector_and_trigram_indexes(index):
    index(doc("technique", 1, "Negotiating discounts", "Procurement pushback.", tags=["Pricing and value"]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM search_document")
        vector = cursor.fetchone()[0]
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename IN ('search_document', 'search_term')")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "'negoti':1A" in vector and "'discount':2A" in vector  # title, stemmed, weight A
    assert "'price':" in vector and "B" in vector.split("'price':")[1][:4]  # tags, weight B
    assert "'procur':" in vector  # body, weight C (the default label is not printed)
    assert {"search_document_vector_gin", "search_document_title_trgm", "search_term_word_trgm"} <= indexes


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 structures")
def test_sqlite_keeps_an_fts5_porter_index_in_step_with_the_table(index):
    index(doc("technique", 1, "Negotiating discounts", "Procurement pushback."))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_document_fts'")
        assert "porter" in cursor.fetchone()[0]
        cursor.execute("SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH 'negotiation'")
        assert len(cursor.fetchall()) == 1
    index(doc("technique", 1, "Mutual action plan", "Timeline."))  # an update replaces the FTS row
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document_fts WHERE search_document_fts MATCH 'negotiation'")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM search_term_trigram WHERE search_term_trigram MATCH '\"tim\"'")
        assert cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 relevance")
def test_sqlite_scores_many_candidates_in_one_pass_and_returns_only_theirs(index, monkeypatch):
    """Over `in_list_limit` candidates, BM25 is computed in one pass over the matches and the
    candidates are kept in SQL: Python receives their rows only, scored exactly as the short
    path (an IN list on the FTS5 table) scores them, coverage included."""
    from search.backends.database import DatabaseBackend
    from search.models import SearchDocument
    from search.querytext import parse

    index(
        *(
            doc(
                "question",
                i,
                f"Review {i}",
                "pricing " * (i % 3) + ("deal " * (1 + i % 5) if i % 2 else "timeline ") + "notes " * (i % 7),
            )
            for i in range(1, 301)
        )
    )
    engine = DatabaseBackend().engine
    rows = dict(SearchDocument.objects.values_list("object_id", "id"))
    matching = [rows[i] for i in range(1, 301, 2)]  # 150 documents say "deal"
    candidates = [*matching[::2], rows[6], rows[12]]  # 75 of them, and two that match no word
    assert len(candidates) > engine.in_list_limit

    fetched: list[int] = []
    real_cursor = connection.cursor

    class Recording:
        def __init__(self, cursor):
            self.cursor = cursor

        def __enter__(self):
            self.inner = self.cursor.__enter__()
            return self

        def __exit__(self, *exc):
            return self.cursor.__exit__(*exc)

        def execute(self, sql, params):
            return self.inner.execute(sql, params)

        def fetchall(self):
            rows = self.inner.fetchall()
            fetched.append(len(rows))
            return rows

    for text, mode in (("deal", "all"), ("deal pricing", "any")):
        parsed = parse(text)
        monkeypatch.setattr(connection, "cursor", lambda: Recording(real_cursor()))
        fetched.clear()
        many = engine.relevance(parsed, mode, candidates)
        monkeypatch.undo()
        assert fetched == [len(matching[::2])], text  # one query, only the matching candidates' rows
        assert set(many) == set(matching[::2])
        short = {}
        for start in range(0, len(candidates), engine.in_list_limit):
            short.update(engine.relevance(parsed, mode, candidates[start : start + engine.in_list_limit]))
        assert {k: (round(v, 9), t) for k, (v, t) in many.items()} == {
            k: (round(v, 9), t) for k, (v, t) in short.items()
        }, text
        assert len({round(v, 9) for v, _ in many.values()}) > 5  # real, differing scores
    assert {tier for _, tier in many.values()} == {1, 2}  # "any" mode counted clauses per candidate
