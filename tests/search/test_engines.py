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
