"""Full-text structures that Django fields cannot express, per database vendor.

PostgreSQL: pg_trgm; generated, weighted tsvector columns (title A, tags B, body C) with GIN
indexes; trigram indexes for typo correction (vocabulary) and autocomplete (titles).
SQLite: an external-content FTS5 table with the porter tokenizer over the documents and an
FTS5 trigram table over the vocabulary, both kept in step by triggers.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_FORWARD = [
    """
    ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(tags_text, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
    ) STORED
    """,
    """
    ALTER TABLE search_document ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(tags_text, ''))
    ) STORED
    """,
    "CREATE INDEX search_document_vector_gin ON search_document USING gin (search_vector)",
    "CREATE INDEX search_document_title_vector_gin ON search_document USING gin (title_vector)",
    "CREATE INDEX search_document_title_trgm ON search_document USING gin (upper(title) gin_trgm_ops)",
    "CREATE INDEX search_term_word_trgm ON search_term USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_word_trgm",
    "DROP INDEX IF EXISTS search_document_title_trgm",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, tags_text, body,
        content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title, tags_text, body)
        VALUES (new.id, new.title, new.tags_text, new.body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, tags_text, body)
        VALUES ('delete', old.id, old.title, old.tags_text, old.body);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title, tags_text, body ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, tags_text, body)
        VALUES ('delete', old.id, old.title, old.tags_text, old.body);
        INSERT INTO search_document_fts(rowid, title, tags_text, body)
        VALUES (new.id, new.title, new.tags_text, new.body);
    END
    """,
    """
    CREATE VIRTUAL TABLE search_term_trigram USING fts5(
        word, content='search_term', content_rowid='id', tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER search_term_trigram_insert AFTER INSERT ON search_term BEGIN
        INSERT INTO search_term_trigram(rowid, word) VALUES (new.id, new.word);
    END
    """,
    """
    CREATE TRIGGER search_term_trigram_delete AFTER DELETE ON search_term BEGIN
        INSERT INTO search_term_trigram(search_term_trigram, rowid, word) VALUES ('delete', old.id, old.word);
    END
    """,
    """
    CREATE TRIGGER search_term_trigram_update AFTER UPDATE OF word ON search_term BEGIN
        INSERT INTO search_term_trigram(search_term_trigram, rowid, word) VALUES ('delete', old.id, old.word);
        INSERT INTO search_term_trigram(rowid, word) VALUES (new.id, new.word);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_term_trigram_update",
    "DROP TRIGGER IF EXISTS search_term_trigram_delete",
    "DROP TRIGGER IF EXISTS search_term_trigram_insert",
    "DROP TABLE IF EXISTS search_term_trigram",
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
