"""Reputation: recomputable from its events, and "top contributors this month".

Reputation is never a counter that is bumped and hoped correct. Each reason for a change is a
`ReputationEvent` derived from a *source* row (a vote, an accepted answer, a technique's
evidence, a peer review) and keyed by that source, and a person's total is the sum of their
events. The services write and delete events as votes, acceptances, reviews and evidence
labels change (`techniques_changed` after each statistics recompute); the
`recompute_reputation` command (also run daily) throws the events away and rebuilds them from
every registered source, so the numbers can always be re-derived.

Adding a source (e.g. technique reviews, built by the techniques area): write a function that
yields `EventSpec`s and call `register_source("reviews", fn)`; the built-in `reviews` source
below already looks for a `community.TechniqueReview` model and can be replaced that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from community.models import Answer, Evidence, Post, PostKind, Question, Reputation, ReputationEvent, Vote

Kind = ReputationEvent.Kind

# Points per event (kept small and legible; documented in the README).
POINTS = {
    (Kind.VOTE_ANSWER, 1): 10,
    (Kind.VOTE_ANSWER, -1): -2,
    (Kind.VOTE_QUESTION, 1): 5,
    (Kind.VOTE_QUESTION, -1): -2,
    Kind.ACCEPTED: 15,
    Kind.ACCEPTOR: 2,
    Kind.TECHNIQUE_PROVEN: 50,
    Kind.TECHNIQUE_PROMISING: 15,
    Kind.REVIEW: 5,
}


@dataclass(frozen=True)
class EventSpec:
    user_id: int
    kind: str
    points: int
    source: str
    created_at: datetime


SOURCES: dict[str, Callable[[], Iterable[EventSpec]]] = {}


def register_source(name: str, fn: Callable[[], Iterable[EventSpec]]) -> None:
    """Add (or replace) a source of reputation events for `recompute_reputation`."""
    SOURCES[name] = fn


# --- Events from single rows (used by the services as things happen) ---------------------


def vote_event(vote: Vote, post: Post) -> EventSpec | None:
    if post.author_id is None or post.author_id == vote.user_id:
        return None
    kind = Kind.VOTE_QUESTION if post.kind == PostKind.QUESTION else Kind.VOTE_ANSWER
    return EventSpec(post.author_id, kind, POINTS[(kind, vote.value)], f"vote:{vote.pk}", vote.updated_at)


def accepted_events(answer: Answer, question: Question, when: datetime) -> list[EventSpec]:
    """Points for the answerer, and a little for the asker who closes the loop (not for self-answers)."""
    if answer.author_id is None or answer.author_id == question.author_id:
        return []
    out = [EventSpec(answer.author_id, Kind.ACCEPTED, POINTS[Kind.ACCEPTED], f"accepted:{answer.pk}", when)]
    if question.author_id:
        out.append(EventSpec(question.author_id, Kind.ACCEPTOR, POINTS[Kind.ACCEPTOR], f"acceptor:{answer.pk}", when))
    return out


def apply_event(spec: EventSpec) -> None:
    ReputationEvent.objects.update_or_create(
        user_id=spec.user_id,
        source=spec.source,
        defaults={"kind": spec.kind, "points": spec.points, "created_at": spec.created_at},
    )


def remove_events(*sources: str) -> list[int]:
    """Delete the events of these sources; returns the users whose totals changed."""
    qs = ReputationEvent.objects.filter(source__in=sources)
    users = list(qs.values_list("user_id", flat=True).distinct())
    qs.delete()
    return users


def refresh_totals(user_ids: Iterable[int]) -> None:
    """Recompute the stored totals of these people from their events (one aggregate query)."""
    ids = [i for i in set(user_ids) if i]
    if not ids:
        return
    sums = dict(
        ReputationEvent.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(total=Sum("points"))
        .values_list("user_id", "total")
    )
    now = timezone.now()
    for user_id in ids:
        Reputation.objects.update_or_create(
            user_id=user_id, defaults={"points": sums.get(user_id) or 0, "updated_at": now}
        )


def techniques_changed(technique_ids: Iterable[int]) -> None:
    """Bring these techniques' evidence events in line with their current evidence label, as
    the statistics move them (called after a recompute; the nightly recompute agrees). An event
    of the same kind is left as it is, so its date stays when the technique first earned it."""
    from community.models import TechniquePage

    ids = list(technique_ids)
    if not ids:
        return
    wanted = {
        pk: (author_id, Kind.TECHNIQUE_PROVEN if evidence == Evidence.PROVEN else Kind.TECHNIQUE_PROMISING)
        for pk, author_id, evidence in TechniquePage.objects.live()
        .filter(pk__in=ids, author__isnull=False, evidence__in=[Evidence.PROVEN, Evidence.PROMISING])
        .values_list("pk", "author_id", "evidence")
    }
    sources = {f"technique:{pk}": pk for pk in ids}
    existing = {
        e.source: e for e in ReputationEvent.objects.filter(source__in=sources).only("pk", "user_id", "kind", "source")
    }
    touched: set[int] = set()
    now = timezone.now()
    with transaction.atomic():
        for source, pk in sources.items():
            have, want = existing.get(source), wanted.get(pk)
            if have and want and (have.user_id, have.kind) == want:
                continue
            if have:
                have.delete()
                touched.add(have.user_id)
            if want:
                user_id, kind = want
                apply_event(EventSpec(user_id, kind, POINTS[kind], source, now))
                touched.add(user_id)
        refresh_totals(touched)


def review_recorded(review) -> None:
    """A peer review earns its reviewer points as soon as it is written (one event per review)."""
    apply_event(
        EventSpec(review.reviewer_id, Kind.REVIEW, POINTS[Kind.REVIEW], f"review:{review.pk}", review.created_at)
    )
    refresh_totals([review.reviewer_id])


# --- Sources for the full recompute ----------------------------------------------------------


def _votes() -> Iterator[EventSpec]:
    for vote in Vote.objects.select_related("post").iterator(chunk_size=2000):
        spec = vote_event(vote, vote.post)
        if spec:
            yield spec


def _accepted() -> Iterator[EventSpec]:
    for answer in Answer.objects.filter(is_accepted=True).select_related("question").iterator(chunk_size=2000):
        when = answer.question.closed_at or answer.question.last_activity_at
        yield from accepted_events(answer, answer.question, when)


def _techniques() -> Iterator[EventSpec]:
    from community.models import TechniquePage

    rows = (
        TechniquePage.objects.live()
        .filter(author__isnull=False, evidence__in=[Evidence.PROVEN, Evidence.PROMISING])
        .values_list("pk", "author_id", "evidence", "stats_updated_at", "first_published_at")
    )
    for pk, author_id, evidence, stats_at, published_at in rows:
        kind = Kind.TECHNIQUE_PROVEN if evidence == Evidence.PROVEN else Kind.TECHNIQUE_PROMISING
        yield EventSpec(author_id, kind, POINTS[kind], f"technique:{pk}", stats_at or published_at or timezone.now())


def _reviews() -> Iterator[EventSpec]:
    """Peer reviews of techniques, once the techniques area has its review model.

    Looks for `community.TechniqueReview` with a reviewer (`reviewer` or `author`) and a
    `created_at`; the techniques area may instead register its own source under "reviews".
    """
    try:
        model = apps.get_model("community", "TechniqueReview")
    except LookupError:
        return
    field_names = {f.name for f in model._meta.get_fields()}
    who = "reviewer" if "reviewer" in field_names else "author" if "author" in field_names else None
    if who is None:
        return
    when = "created_at" if "created_at" in field_names else None
    for row in model.objects.values("pk", f"{who}_id", *([when] if when else [])):
        if row[f"{who}_id"]:
            yield EventSpec(
                row[f"{who}_id"],
                Kind.REVIEW,
                POINTS[Kind.REVIEW],
                f"review:{row['pk']}",
                row.get(when) or timezone.now(),
            )


register_source("votes", _votes)
register_source("accepted", _accepted)
register_source("techniques", _techniques)
register_source("reviews", _reviews)


def recompute_all() -> dict[str, int]:
    """Rebuild every event from the sources and every total from the events."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        ReputationEvent.objects.all().delete()
        batch: list[ReputationEvent] = []
        seen: set[tuple[int, str]] = set()
        for name, fn in SOURCES.items():
            n = 0
            for spec in fn():
                key = (spec.user_id, spec.source)
                if key in seen:
                    continue
                seen.add(key)
                batch.append(
                    ReputationEvent(
                        user_id=spec.user_id,
                        kind=spec.kind,
                        points=spec.points,
                        source=spec.source,
                        created_at=spec.created_at,
                    )
                )
                n += 1
            counts[name] = n
        ReputationEvent.objects.bulk_create(batch, batch_size=2000)
        totals = dict(ReputationEvent.objects.values("user_id").annotate(t=Sum("points")).values_list("user_id", "t"))
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        Reputation.objects.all().delete()
        now = timezone.now()
        Reputation.objects.bulk_create(
            [
                Reputation(user_id=uid, points=totals.get(uid, 0), updated_at=now)
                for uid in user_model.objects.values_list("pk", flat=True)
            ],
            batch_size=2000,
        )
    counts["people"] = len(totals)
    return counts


# --- Top contributors this month --------------------------------------------------------------


@dataclass
class Contributor:
    user: object
    points: int
    posts: int
    score: float


def month_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def top_contributors(*, since: datetime | None = None, limit: int = 5) -> tuple[list[Contributor], dict]:
    """People ranked by their reputation this month, with small samples shrunk towards the mean.

    For each person: `points` earned since the start of the month and `posts` (questions and
    answers) written in that time. Their points per post are replaced by a Bayesian average
    that pulls towards the team's points per post C with the weight of m posts
    (settings.QA_TOP_PRIOR_POSTS, default 5):

        rate  = (points + m * C) / (posts + m)
        score = posts * rate                  (posts counted as at least 1)

    With many posts the score is close to the points actually earned; with one or two posts
    the rate is mostly the team's mean, so one lucky post cannot top the board (a person with
    one post of 120 points scores about (120 + 5C) / 6). Two aggregate queries plus one for
    the people shown.
    """
    since = since or month_start()
    m = max(0, int(getattr(settings, "QA_TOP_PRIOR_POSTS", 5)))
    points = dict(
        ReputationEvent.objects.filter(created_at__gte=since)
        .values("user_id")
        .annotate(p=Sum("points"))
        .values_list("user_id", "p")
    )
    posts = dict(
        Post.objects.visible()
        .filter(created_at__gte=since, author__isnull=False)
        .values("author_id")
        .annotate(n=Count("id"))
        .values_list("author_id", "n")
    )
    ids = set(points) | set(posts)
    total_points = sum(points.values())
    total_posts = sum(posts.values())
    mean = (total_points / total_posts) if total_posts else 0.0
    ranked = []
    for uid in ids:
        p, n = points.get(uid, 0) or 0, posts.get(uid, 0)
        if p <= 0:
            continue
        n_eff = max(n, 1)
        score = n_eff * (p + m * mean) / (n_eff + m)
        ranked.append((score, p, n, uid))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[3]))
    ranked = ranked[:limit]
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    people = user_model.objects.in_bulk([r[3] for r in ranked])
    out = [Contributor(people[uid], p, n, round(score, 1)) for score, p, n, uid in ranked if uid in people]
    return out, {"mean": round(mean, 1), "prior_posts": m, "since": since, "people": len(ids)}
