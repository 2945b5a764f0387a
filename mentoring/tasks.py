"""Background work: recomputing stored matches and warming the programme numbers."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_matches(mentee_ids: list[int] | None = None) -> int:
    from .services import matches_refresh

    return matches_refresh(mentee_ids=mentee_ids)


@task()
def confirm_proposal(proposal_id: int, by_id: int, pair_ids: list[int] | None = None) -> int:
    """A large cohort confirmation, in the background; tells the manager when it is done."""
    from .services import assignment_confirm_queued

    return assignment_confirm_queued(proposal_id=proposal_id, by_id=by_id, pair_ids=pair_ids)


def refresh_all_matches() -> None:
    """Daily: practice outcomes move inferred gaps and mentors' results."""
    from .services import matches_refresh

    matches_refresh()


def warm_programme() -> None:
    from .programme import programme_overview

    programme_overview(refresh=True)
