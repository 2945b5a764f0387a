"""Keeping the index right: techniques indexed after commit, the outbox, failures and retries."""

from __future__ import annotations

import pytest
from django.db import transaction

from search import selectors, services
from search.backends.database import DatabaseBackend
from search.models import SearchDocument, SearchOutbox
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return make_user("sam", roles=("new_hire",))


def titles(user, text: str) -> list[str]:
    return [h.title for h in selectors.search(user=user, text=text).hits]


def test_a_published_technique_is_searchable_after_commit(
    technique_factory, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = technique_factory("Reframe a price objection", skills=("Pricing and value",))
        assert titles(member, "price objection") == []  # not before the transaction commits
    assert SearchOutbox.objects.filter(doc_type="technique", object_id=page.pk).exists()
    for callback in callbacks:
        callback()
    hit = selectors.search(user=member, text="price objection").hits[0]
    assert (hit.type, hit.id, hit.title) == ("technique", page.pk, "Reframe a price objection")
    assert hit.stage.label == "Negotiation"
    assert [t.label for t in hit.tags] == ["Pricing and value"]
    assert hit.signal.startswith("Not enough data")
    assert not SearchOutbox.objects.exists()


def test_technique_body_text_is_indexed_as_plain_text(technique_factory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        technique_factory(
            "Mutual action plan", body="Share a **timeline** with [owners](https://example.com) per step."
        )
    hit = selectors.search(user=member, text="timeline owners").hits[0]
    assert "**" not in hit.snippet_html and "https://" not in hit.snippet_html


def test_a_rolled_back_change_is_never_indexed(technique_factory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                technique_factory("Rolled back technique")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert not SearchOutbox.objects.exists()
    assert titles(member, "rolled back") == []


def test_one_processing_run_per_transaction(technique_factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        technique_factory("First technique")
        technique_factory("Second technique")
    assert len([c for c in callbacks if type(c).__name__ == "_ProcessAfterCommit"]) == 1


def test_drafts_are_visible_only_to_their_author_and_managers(
    technique_factory, member, manager, django_capture_on_commit_callbacks
):
    author = make_user("author", roles=("rainmaker",))
    with django_capture_on_commit_callbacks(execute=True):
        technique_factory("Draft pricing ladder", live=False, author=author)
    assert titles(member, "pricing ladder") == []
    assert titles(author, "pricing ladder") == ["Draft pricing ladder"]
    assert titles(manager, "pricing ladder") == ["Draft pricing ladder"]
    assert selectors.search(user=author, text="pricing ladder").hits[0].signal == "Draft"


def test_publishing_a_revision_reindexes(technique_factory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Concession ladder")
    page.title = "Trade, never give"
    with django_capture_on_commit_callbacks(execute=True):
        revision = page.save_revision()
    assert titles(member, "trade never give") == []  # a draft revision is not what members see
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert titles(member, "trade never give") == ["Trade, never give"]


def test_unpublishing_hides_and_deleting_removes(technique_factory, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Concession ladder")
    assert titles(member, "concession ladder") == ["Concession ladder"]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert titles(member, "concession ladder") == []
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not SearchDocument.objects.filter(doc_type="technique", object_id=page.pk).exists()


def test_evidence_strength_comes_from_the_lower_bound_of_the_lift(
    technique_factory, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lucky = technique_factory(
            "Discount defence A", slug="a", evidence="promising", success_rate=0.9, lift=0.5, lift_ci_low=-0.1
        )
        proven = technique_factory(
            "Discount defence B", slug="b", evidence="proven", success_rate=0.5, lift=0.15, lift_ci_low=0.1
        )
        worse = technique_factory(
            "Discount defence C",
            slug="c",
            evidence="worse",
            success_rate=0.3,
            lift=-0.2,
            lift_ci_low=-0.3,
            lift_ci_high=-0.05,
        )
    rows = dict(SearchDocument.objects.values_list("object_id", "evidence_strength"))
    # Lift is a difference of rates: a lower bound of +0.10 (ten points at worst) is full strength.
    assert rows[lucky.pk] == 0.15  # promising: ahead of the baseline, not proven; its raw rate does not count
    assert rows[proven.pk] == 1.0
    assert rows[worse.pk] == -0.7  # at best five points worse than the baseline
    hits = selectors.search(user=member, text="discount defence").hits
    assert [h.id for h in hits] == [proven.pk, lucky.pk, worse.pk]


def test_practices_tell_where_a_technique_worked(technique_factory, member, django_capture_on_commit_callbacks):
    from community.models import Deal, Practice, Response
    from taxonomy.models import Industry, SalesStage

    rep = make_user("rep", roles=("new_hire",))
    healthcare = Industry.objects.get(name="Healthcare")
    negotiation = SalesStage.objects.get(slug="negotiation")
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Discount defence")
        deal = Deal.objects.create(
            external_id="D-1", name="Acme", amount=150_000, industry=healthcare, stage=negotiation
        )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            Practice.objects.create(rep=rep, technique=page, deal=deal, stage=negotiation, response=Response.WON)
    worked = SearchDocument.objects.get(doc_type="technique", object_id=page.pk).worked_in.split()
    assert worked == ["industry:healthcare", "size:large", "stage:negotiation"]


# --- Failures and retries ---------------------------------------------------------------------


def test_a_failed_indexing_attempt_loses_nothing_and_is_retried(
    technique_factory, member, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Concession ladder")
    original = DatabaseBackend.write

    def broken(self, documents, removed=()):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(DatabaseBackend, "write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Trade, never give: the concession ladder"
        page.save()

    row = SearchOutbox.objects.get(doc_type="technique", object_id=page.pk)
    assert row.attempts == 1 and "index unavailable" in row.last_error
    assert row.next_attempt_at > row.created_at
    # The index still holds the previous, consistent version, and the check says it is stale.
    assert titles(member, "concession ladder") == ["Concession ladder"]
    report = services.check()
    assert report.stale == [f"technique:{page.pk}"] and not report.ok
    assert report.outbox["failing"] == 1

    monkeypatch.setattr(DatabaseBackend, "write", original)
    assert services.outbox_process().processed == 0  # backing off: not due yet
    services.outbox_process(include_backoff=True)  # the periodic retry
    assert not SearchOutbox.objects.exists()
    assert titles(member, "concession ladder") == ["Trade, never give: the concession ladder"]
    assert services.check().ok


def test_one_document_that_cannot_be_indexed_backs_off_alone(technique_factory, member, monkeypatch):
    """Three techniques in one batch; the database index refuses one of them: the other two are
    indexed now and only the bad one waits for a retry."""
    pages = [technique_factory(f"Ladder number {n}") for n in (1, 2, 3)]
    assert SearchOutbox.objects.filter(object_id__in=[p.pk for p in pages]).count() == 3
    bad = pages[1].pk
    original = DatabaseBackend.write

    def picky(self, documents, removed=()):
        if any(d.id == bad for d in documents):
            raise ValueError("this one cannot be stored")
        return original(self, documents, removed)

    monkeypatch.setattr(DatabaseBackend, "write", picky)
    report = services.outbox_process()
    assert (report.processed, report.failed) == (2, 1)
    assert report.errors == ["technique: ValueError: this one cannot be stored"]
    row = SearchOutbox.objects.get()
    assert row.object_id == bad and row.attempts == 1
    assert sorted(titles(member, "ladder")) == ["Ladder number 1", "Ladder number 3"]


def test_an_unreachable_index_backs_off_the_batch_without_one_call_per_document(technique_factory, monkeypatch):
    from search.backends.base import BackendUnavailable

    pages = [technique_factory(f"Ladder number {n}") for n in (1, 2, 3)]
    calls = []

    def down(self, documents, removed=()):
        calls.append(len(documents))
        raise BackendUnavailable("Elasticsearch at http://es:9200 did not answer")

    monkeypatch.setattr(DatabaseBackend, "write", down)
    report = services.outbox_process()
    assert (report.processed, report.failed) == (0, 3) and calls == [3]
    assert SearchOutbox.objects.filter(object_id__in=[p.pk for p in pages], attempts=1).count() == 3


def test_a_crash_between_commit_and_processing_is_healed_by_the_retry(technique_factory, member):
    # Without running on_commit callbacks (as if the process died right after commit).
    page = technique_factory("Mutual action plan")
    assert SearchOutbox.objects.filter(object_id=page.pk).exists()
    assert titles(member, "mutual action plan") == []
    from search.tasks import retry_outbox

    retry_outbox()
    assert titles(member, "mutual action plan") == ["Mutual action plan"]


def test_a_queue_failure_does_not_break_the_save(technique_factory, monkeypatch, django_capture_on_commit_callbacks):
    class DownQueue:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr("search.tasks.process_outbox", DownQueue())
    with django_capture_on_commit_callbacks(execute=True):
        page = technique_factory("Saved anyway")
    assert SearchOutbox.objects.filter(object_id=page.pk).exists()


def test_reindex_rebuilds_everything_and_clears_the_outbox(technique_factory, member):
    page = technique_factory("Mutual action plan")
    SearchDocument.objects.create(doc_type="technique", object_id=999_999, title="Gone", url="/", content_hash="x")
    SearchDocument.objects.create(doc_type="retired_type", object_id=1, title="Old", url="/", content_hash="x")
    report = services.reindex()
    assert report.documents == {"technique": 1, "question": 0, "answer": 0, "thread": 0}
    assert report.removed["technique"] == 1 and report.removed["retired_type"] == 1
    assert not SearchOutbox.objects.exists()
    assert titles(member, "mutual action plan") == ["Mutual action plan"]
    assert services.check().ok
    assert set(SearchDocument.objects.values_list("doc_type", "object_id")) == {("technique", page.pk)}


def test_check_finds_missing_and_orphaned_documents_and_fix_repairs(technique_factory):
    page = technique_factory("Mutual action plan")
    SearchDocument.objects.create(doc_type="technique", object_id=999_999, title="Gone", url="/", content_hash="x")
    report = services.check()
    assert report.missing == [f"technique:{page.pk}"]
    assert report.orphaned == ["technique:999999"]
    services.repair(report)
    assert services.check().ok
