"""Background work for outcomes (django-tasks; tests run tasks immediately)."""

from __future__ import annotations

from django_tasks import task

from . import stats


@task()
def recompute_outcomes(technique_ids: list[int] | None = None) -> int:
    """Recompute the statistics of these techniques and of those sharing their baseline
    (all techniques when None). Enqueued on commit whenever practices arrive."""
    return stats.recompute(technique_ids)


def recompute_all() -> int:
    """The periodic full rebuild (drift windows move with the calendar even without new data)."""
    return stats.recompute(None)
