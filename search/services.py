"""Keeping the index right: the outbox, indexing, full reindex and the consistency check.

The path of a change: an app saves an object → the registry's post_save handler calls
`schedule()`, which writes an outbox row IN THE SAME TRANSACTION (so the change and the
promise to index it commit or roll back together) and asks for `process_outbox` to run
once the transaction commits (`on_commit`). Processing rebuilds each document from the
database, writes it to the database index and then to Elasticsearch (when configured), and
deletes the outbox rows only when every index took it. A crash, a bug in a source or an
unreachable Elasticsearch leaves the rows in place with a back-off; the next run (the next
change, the hourly periodic job, or `search_reindex`) retries them. Processing is
idempotent: documents are rebuilt from current data, and unchanged documents (same content
hash) are not rewritten.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import conf
from .backends import registry as backends
from .backends.base import BackendUnavailable, DocumentsRefused
from .documents import Document, make_key
from .models import SearchDocument, SearchOutbox
from .registry import get_source, sources

logger = logging.getLogger(__name__)

# How long a claimed outbox row is hidden from other workers while being processed.
CLAIM_SECONDS = 300


# --- Scheduling ---------------------------------------------------------------------------


def schedule(doc_type: str, ids: Iterable[int]) -> None:
    """Record that documents may have changed; they are re-indexed after commit."""
    rows = [SearchOutbox(doc_type=doc_type, object_id=int(i)) for i in dict.fromkeys(ids)]
    if not rows:
        return
    SearchOutbox.objects.bulk_create(rows)
    _process_after_commit()


class _ProcessAfterCommit:
    """The on_commit callback that enqueues outbox processing (one per transaction)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _enqueue_processing()


def _process_after_commit() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One processing run per transaction, however many objects it saved.
        pending = (f for _, f, _ in connection.run_on_commit if isinstance(f, _ProcessAfterCommit))
        if any(not f.done for f in pending):
            return
        transaction.on_commit(_ProcessAfterCommit())
    else:
        _enqueue_processing()


def _enqueue_processing() -> None:
    from .tasks import process_outbox

    try:
        process_outbox.enqueue()
    except Exception:  # the task queue is down: the outbox keeps the work for the retry job
        logger.exception("could not enqueue search outbox processing; the periodic retry will pick it up")


# --- Building and writing documents ---------------------------------------------------------


def build_documents(doc_type: str, ids: Iterable[int]) -> tuple[list[Document], list[str]]:
    """The current documents for these objects, and the keys that must leave the index."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    source = get_source(doc_type)
    if source is None:
        return [], [make_key(doc_type, i) for i in ids]
    objects = list(source.get_queryset().filter(pk__in=ids))
    documents = [d for d in source.to_documents(objects) if d is not None]
    present = {d.id for d in documents}
    removed = [make_key(doc_type, i) for i in ids if i not in present]
    return documents, removed


def write(documents: list[Document], removed: Iterable[str] = ()) -> None:
    """Write to every index: the database first (the document store), then Elasticsearch."""
    removed = list(removed)
    for backend in backends.write_backends():
        backend.write(documents, removed)


def index_document(document: Document) -> None:
    """Index (or update) one document now, in every index."""
    write([document])


def remove_document(doc_type: str, object_id: int) -> None:
    """Remove one document now, from every index."""
    write([], [make_key(doc_type, object_id)])


# --- Processing the outbox ------------------------------------------------------------------


@dataclass
class OutboxReport:
    processed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _backoff(attempts: int) -> timedelta:
    minutes = min(2 ** max(attempts - 1, 0), conf.get("OUTBOX_MAX_BACKOFF_MINUTES"))
    return timedelta(minutes=minutes)


def outbox_process(*, include_backoff: bool = False, max_rounds: int = 20) -> OutboxReport:
    """Index everything the outbox holds that is due (all of it with include_backoff)."""
    report = OutboxReport()
    for _ in range(max_rounds):
        now = timezone.now()
        due = SearchOutbox.objects.all() if include_backoff else SearchOutbox.objects.filter(next_attempt_at__lte=now)
        claimed = list(due.order_by("id").values_list("id", "doc_type", "object_id")[: conf.get("OUTBOX_BATCH")])
        if not claimed:
            break
        # Claim: hide these rows from other workers for a while (a crash makes them due again).
        claim_until = now + timedelta(seconds=CLAIM_SECONDS)
        SearchOutbox.objects.filter(id__in=[r[0] for r in claimed]).update(next_attempt_at=claim_until)
        by_type: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for row_id, doc_type, object_id in claimed:
            by_type[doc_type][object_id].append(row_id)
        for doc_type, objects in by_type.items():
            _process_group(report, doc_type, objects)
        if len(claimed) < conf.get("OUTBOX_BATCH"):
            break
    return report


def _process_group(report: OutboxReport, doc_type: str, objects: dict[int, list[int]]) -> None:
    """Index these objects in one batch. If the batch fails for a reason other than an index
    being unreachable (one object's document cannot be built or is refused), each object is
    retried alone, so one bad document backs off by itself and the others are indexed."""
    row_ids = [r for rows in objects.values() for r in rows]
    try:
        documents, removed = build_documents(doc_type, objects.keys())
        write(documents, removed)
    except Exception as exc:
        unreachable = isinstance(exc, BackendUnavailable) and not isinstance(exc, DocumentsRefused)
        if len(objects) > 1 and not unreachable:
            for object_id, rows in objects.items():
                _process_group(report, doc_type, {object_id: rows})
            return
        report.failed += len(objects)
        message = f"{type(exc).__name__}: {exc}"[:1000]
        report.errors.append(f"{doc_type}: {message}")
        logger.warning("search indexing failed for %s %s: %s", doc_type, sorted(objects)[:20], message)
        _mark_failed(row_ids, message)
    else:
        report.processed += len(objects)
        SearchOutbox.objects.filter(id__in=row_ids).delete()


def _mark_failed(row_ids: list[int], message: str) -> None:
    now = timezone.now()
    for row in SearchOutbox.objects.filter(id__in=row_ids):
        row.attempts += 1
        row.last_error = message
        row.next_attempt_at = now + _backoff(row.attempts)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def outbox_pending() -> dict[str, int]:
    now = timezone.now()
    return {
        "pending": SearchOutbox.objects.count(),
        "failing": SearchOutbox.objects.filter(attempts__gt=0).count(),
        "due": SearchOutbox.objects.filter(next_attempt_at__lte=now).count(),
    }


# --- Full reindex -----------------------------------------------------------------------------


@dataclass
class ReindexReport:
    documents: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    vocabulary: int = 0
    elasticsearch: str = "not configured"


def reindex(
    *,
    doc_types: list[str] | None = None,
    progress: Callable[[Iterable, str, int], Iterable] | None = None,
    chunk_size: int = 200,
) -> ReindexReport:
    """Rebuild the database index from every source, then Elasticsearch from it.

    Unchanged documents are not rewritten; documents whose objects are gone are removed.
    Elasticsearch gets a fresh index filled in bulk and switched in by alias (no downtime).
    """
    progress = progress or (lambda items, desc, total: items)
    report = ReindexReport()
    started = timezone.now()
    db = backends.database()
    chosen = [s for s in sources() if doc_types is None or s.doc_type in doc_types]
    for source in chosen:
        queryset = source.get_queryset().order_by("pk")
        total = queryset.count()
        kept: set[int] = set()
        count = 0
        batch: list = []
        for obj in progress(
            queryset.iterator(chunk_size=chunk_size), f"Indexing {source.label_plural or source.doc_type}", total
        ):
            batch.append(obj)
            if len(batch) >= chunk_size:
                count += _index_batch(db, source, batch, kept)
                batch = []
        if batch:
            count += _index_batch(db, source, batch, kept)
        report.documents[source.doc_type] = count
        report.removed[source.doc_type] = db.remove_missing(source.doc_type, kept)
    if doc_types is None:
        # Documents of types nobody registers any more (an app removed) leave the index.
        registered = [s.doc_type for s in sources()]
        leftovers = SearchDocument.objects.exclude(doc_type__in=registered)
        for doc_type in set(leftovers.values_list("doc_type", flat=True)):
            report.removed[doc_type] = (
                SearchDocument.objects.filter(doc_type=doc_type).delete()[1].get(SearchDocument._meta.label, 0)
            )
    report.vocabulary = db.rebuild_vocabulary()
    db.optimize()
    # The outbox rows written before this run are covered by it.
    SearchOutbox.objects.filter(created_at__lte=started, doc_type__in=[s.doc_type for s in chosen]).delete()
    es = backends.elasticsearch()
    if es is not None:
        try:
            report.elasticsearch = es_rebuild(progress=progress, since=started)
        except BackendUnavailable as exc:
            report.elasticsearch = f"failed: {exc}"
    return report


def _index_batch(db, source, batch: list, kept: set[int]) -> int:
    documents = [d for d in source.to_documents(batch) if d is not None]
    db.write(documents)
    kept.update(d.id for d in documents)
    return len(documents)


def stored_documents(queryset=None) -> Iterable[Document]:
    """Documents as the database index holds them (the feed for Elasticsearch)."""
    queryset = queryset if queryset is not None else SearchDocument.objects.all()
    for data in queryset.order_by("id").values_list("data", flat=True).iterator(chunk_size=500):
        yield Document.from_dict(data)


def es_rebuild(*, progress: Callable | None = None, since=None) -> str:
    """Fill a new Elasticsearch index from the database index and switch the alias to it."""
    es = backends.elasticsearch()
    if es is None:
        return "not configured"
    progress = progress or (lambda items, desc, total: items)
    since = since or timezone.now()
    total = SearchDocument.objects.count()
    name = es.rebuild(progress(stored_documents(), "Elasticsearch bulk", total), total=total)
    # Changes indexed while the new index was filling went to the old one: replay them. Updates
    # are re-sent; a document removed from the database index after the fill had streamed it
    # is still in the new index, so whatever the new index holds that the database index no
    # longer does is deleted (Elasticsearch is read first: a document added after that read is
    # in the database set and is kept).
    updated = list(stored_documents(SearchDocument.objects.filter(indexed_at__gte=since)))
    in_es = set(es.indexed_hashes())
    gone = sorted(in_es - set(backends.database().indexed_hashes()))
    es.write(updated, gone)
    return f"rebuilt as {name}" + (f", {len(gone)} removed during the fill" if gone else "")


def es_fill_if_empty(*, progress: Callable | None = None) -> str:
    """Fill Elasticsearch from the database index when its index is missing or empty (a new or
    wiped cluster over existing data); otherwise leave it alone."""
    es = backends.elasticsearch()
    if es is None:
        return "not configured"
    stored = SearchDocument.objects.count()
    if not stored:
        return "nothing to index"
    held = es.document_count()
    if held:
        return f"already holds {held} documents"
    return es_rebuild(progress=progress)


# --- Consistency check --------------------------------------------------------------------------


@dataclass
class CheckReport:
    checked: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # should be indexed, is not
    stale: list[str] = field(default_factory=list)  # indexed with different content
    orphaned: list[str] = field(default_factory=list)  # indexed, should not be
    elasticsearch: dict[str, list[str]] = field(default_factory=dict)
    elasticsearch_error: str = ""
    outbox: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        es_problems = any(self.elasticsearch.values()) or bool(self.elasticsearch_error)
        return not (self.missing or self.stale or self.orphaned or es_problems)


def check(*, progress: Callable | None = None, chunk_size: int = 200) -> CheckReport:
    """Compare what every source would index now with what each index holds."""
    progress = progress or (lambda items, desc, total: items)
    report = CheckReport()
    db = backends.database()
    expected_all: dict[str, str] = {}
    for source in sources():
        indexed = db.indexed_hashes(source.doc_type)
        expected: dict[str, str] = {}
        queryset = source.get_queryset().order_by("pk")
        batch: list = []
        for obj in progress(queryset.iterator(chunk_size=chunk_size), f"Checking {source.doc_type}", queryset.count()):
            batch.append(obj)
            if len(batch) >= chunk_size:
                expected.update({d.key: d.content_hash() for d in source.to_documents(batch) if d})
                batch = []
        if batch:
            expected.update({d.key: d.content_hash() for d in source.to_documents(batch) if d})
        report.checked[source.doc_type] = len(expected)
        report.missing += sorted(k for k in expected if k not in indexed)
        report.stale += sorted(k for k, h in expected.items() if k in indexed and indexed[k] != h)
        report.orphaned += sorted(k for k in indexed if k not in expected)
        expected_all.update(expected)
    registered = [s.doc_type for s in sources()]
    report.orphaned += sorted(
        f"{t}:{i}"
        for t, i in SearchDocument.objects.exclude(doc_type__in=registered).values_list("doc_type", "object_id")
    )
    es = backends.elasticsearch()
    if es is not None:
        stored = db.indexed_hashes()
        try:
            in_es = es.indexed_hashes()
        except BackendUnavailable as exc:
            report.elasticsearch_error = str(exc)
        else:
            report.elasticsearch = {
                "missing": sorted(k for k in stored if k not in in_es),
                "stale": sorted(k for k, h in stored.items() if k in in_es and in_es[k] != h),
                "orphaned": sorted(k for k in in_es if k not in stored),
            }
    report.outbox = outbox_pending()
    return report


def repair(report: CheckReport) -> int:
    """Fix what a check found: re-index from the sources, and re-feed Elasticsearch."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for key in set(report.missing + report.stale + report.orphaned):
        doc_type, _, object_id = key.partition(":")
        by_type[doc_type].append(int(object_id))
    with transaction.atomic():
        for doc_type, ids in by_type.items():
            SearchOutbox.objects.bulk_create([SearchOutbox(doc_type=doc_type, object_id=i) for i in ids])
    outbox_process(include_backoff=True)
    fixed = sum(len(ids) for ids in by_type.values())
    es = backends.elasticsearch()
    if es is not None and report.elasticsearch:
        feed = report.elasticsearch.get("missing", []) + report.elasticsearch.get("stale", [])
        condition = Q(pk__in=[])
        for key in feed:
            doc_type, _, object_id = key.partition(":")
            condition |= Q(doc_type=doc_type, object_id=int(object_id))
        es.write(
            list(stored_documents(SearchDocument.objects.filter(condition))), report.elasticsearch.get("orphaned", [])
        )
        fixed += len(feed) + len(report.elasticsearch.get("orphaned", []))
    return fixed
