"""Background work for search (django-tasks; tests run tasks immediately)."""

from __future__ import annotations

from django_tasks import task


@task()
def process_outbox() -> dict:
    """Index what the outbox holds (enqueued after each committed change)."""
    from .services import outbox_process

    report = outbox_process()
    return {"processed": report.processed, "failed": report.failed}


def retry_outbox() -> None:
    """Periodic job: retry updates that failed (Elasticsearch down, a bug since fixed)."""
    from .services import outbox_process

    outbox_process(include_backoff=True)
