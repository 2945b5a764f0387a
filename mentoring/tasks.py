"""Background work: recomputing stored matches and warming the programme numbers."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_matches(mentee_ids: list[int] | None = None) -> int:
    from .services import matches_refresh

    return matches_refresh(mentee_ids=mentee_ids)


def refresh_all_matches() -> None:
    """Daily: practice outcomes move inferred gaps and mentors' results."""
    from .services import matches_refresh

    matches_refresh()


def warm_programme() -> None:
    from .programme import programme_overview

    programme_overview(refresh=True)
