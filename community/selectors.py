"""Read paths for community data that other apps (mentoring, search) rely on.

Contract used across the product; extend, but keep these signatures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Q

from .models import Practice, Response

# Responses that count as success unless a manager configures otherwise.
DEFAULT_SUCCESS_RESPONSES = (
    Response.MEETING_BOOKED,
    Response.NEXT_STEP_AGREED,
    Response.STAGE_ADVANCED,
    Response.WON,
)


def success_responses() -> tuple[str, ...]:
    """The responses that count as a success (managers set them in the CMS: Settings → Outcomes).

    Cached; at most one query when the cache is cold.
    """
    from .models import OutcomeSettings

    return tuple(OutcomeSettings.current()["success_responses"])


def stage_success_rates(
    *, rep_ids: Iterable[int] | None = None, since: datetime | None = None
) -> dict[int | None, dict[int, tuple[int, int]]]:
    """Decided practices and successes per rep and stage: {rep_id: {stage_id: (decided, successes)}}.

    With `rep_ids=None` the result also has the whole team under the key None. Pending
    practices (no response yet) are not counted. One query.
    """
    qs = Practice.objects.exclude(response=Response.PENDING)
    if since is not None:
        qs = qs.filter(practised_at__gte=since)
    if rep_ids is not None:
        qs = qs.filter(rep_id__in=list(rep_ids))
    rows = qs.values("rep_id", "stage_id").annotate(
        decided=Count("id"), successes=Count("id", filter=Q(response__in=success_responses()))
    )
    out: dict[int | None, dict[int, tuple[int, int]]] = defaultdict(dict)
    team: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        out[row["rep_id"]][row["stage_id"]] = (row["decided"], row["successes"])
        team[row["stage_id"]][0] += row["decided"]
        team[row["stage_id"]][1] += row["successes"]
    if rep_ids is None:
        out[None] = {stage: (d, s) for stage, (d, s) in team.items()}
    return dict(out)
