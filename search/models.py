"""The search index in the database: one table of documents, their facets and access.

Why a dedicated table instead of modelsearch's IndexEntry (which Wagtail's admin search keeps
using for pages): one ranked list mixes techniques, questions and answers, and each row must
carry what ranking, facets and permissions need (votes, evidence strength, stage, personas,
who may see it). IndexEntry has no per-object boost, no multi-valued facets across models
and no visibility. This table is also the document store that the Elasticsearch backend is
fed from and falls back to, so the database index is always complete.

Vendor-specific search structures are created by migration 0002: on PostgreSQL, generated
weighted tsvector columns with GIN indexes and trigram indexes (pg_trgm); on SQLite, an FTS5
table (porter stemming) kept in step by triggers and an FTS5 trigram table over the
vocabulary for "did you mean".
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    tags_text = models.TextField(blank=True, help_text="Tag, stage, persona and industry names (weighted B).")
    url = models.CharField(max_length=500)
    stage = models.CharField(max_length=80, blank=True, db_index=True)
    evidence = models.CharField(max_length=30, blank=True)
    # Quality signals.
    votes = models.IntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    accepted = models.BooleanField(default=False)
    evidence_strength = models.FloatField(default=0.0)
    published_at = models.DateTimeField(null=True, blank=True)
    prior = models.FloatField(default=0.0, help_text="Static quality prior: orders candidates for common words.")
    worked_in = models.TextField(blank=True, help_text="Space-separated deal contexts where it worked.")
    # Visibility: MEMBERS, or RESTRICTED to the principals in SearchAccess.
    visibility = models.CharField(max_length=12, default="members")
    # Display.
    signal = models.CharField(max_length=200, blank=True)
    author_id = models.BigIntegerField(null=True, blank=True)
    parent_type = models.CharField(max_length=30, blank=True)
    parent_id = models.BigIntegerField(null=True, blank=True)
    parent_title = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, help_text="The document as indexed (labels for display, ES feed).")
    content_hash = models.CharField(max_length=64)
    indexed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_document_unique_key")]
        indexes = [models.Index(fields=["-prior"], name="search_document_prior")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"

    @property
    def key(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


class SearchFacet(models.Model):
    """One facet value of a document (stage, evidence, persona, tag, industry)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=200)

    class Meta:
        db_table = "search_facet"
        indexes = [models.Index(fields=["facet", "value"], name="search_facet_value")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchAccess(models.Model):
    """Who may see a RESTRICTED document: "user:<id>" or "role:<role>"."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="access")
    principal = models.CharField(max_length=60)

    class Meta:
        db_table = "search_access"
        indexes = [models.Index(fields=["principal", "document"], name="search_access_principal")]

    def __str__(self) -> str:
        return self.principal


class SearchTerm(models.Model):
    """The index's vocabulary (surface words), for "did you mean" and typo correction."""

    word = models.CharField(max_length=60, unique=True)
    doc_count = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "search_term"

    def __str__(self) -> str:
        return self.word


class SearchOutbox(models.Model):
    """Durable queue of index updates: written in the same transaction as the change.

    A row says "document (doc_type, object_id) may have changed"; processing rebuilds it from
    the database and writes it to every index, and deletes the row only when all succeeded.
    A crash, a failed build or an unreachable Elasticsearch leaves the row for a retry.
    """

    doc_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "search_outbox"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} (attempts {self.attempts})"
