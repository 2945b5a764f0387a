"""Routing a new question to the people most likely to answer it well.

Candidates are the active rainmakers and mentors (not the asker). Each gets
  3 points per expertise tag shared with the question,
  2 points per live technique of theirs at the question's stage or with one of its tags (up to 5),
  1 point per accepted answer of theirs on questions with the same stage or tags (up to 10),
and the best `settings.QA_ROUTING_LIMIT` with a positive score are asked (ties go to higher
reputation). When nobody matches at all, the question goes to the answerers with the highest
reputation so that it is never asked into the void. Four queries whatever the team size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from community.models import Answer, Question, Reputation


@dataclass
class Match:
    user_id: int
    score: float
    reasons: list[str]


def _names(counts: int, singular: str, plural: str) -> str:
    return f"{counts} {singular if counts == 1 else plural}"


def rank_answerers(question: Question, *, limit: int | None = None) -> list[Match]:
    from community.models import TechniquePage

    limit = settings.QA_ROUTING_LIMIT if limit is None else limit
    if limit <= 0:
        return []
    user_model = get_user_model()
    tag_ids = list(question.tags.values_list("pk", flat=True))
    tag_names = dict(question.tags.values_list("pk", "name"))
    candidates = set(
        user_model.objects.filter(is_active=True)
        .filter(Q(is_rainmaker=True) | Q(is_mentor=True))
        .exclude(pk=question.author_id)
        .values_list("pk", flat=True)
    )
    if not candidates:
        return []
    scores: dict[int, Match] = {}

    def bump(uid: int, points: float, reason: str) -> None:
        m = scores.setdefault(uid, Match(uid, 0.0, []))
        m.score += points
        m.reasons.append(reason)

    if tag_ids:
        through = user_model.expertise.through
        shared: dict[int, list[str]] = {}
        for uid, tid in through.objects.filter(user_id__in=candidates, skilltag_id__in=tag_ids).values_list(
            "user_id", "skilltag_id"
        ):
            shared.setdefault(uid, []).append(tag_names.get(tid, ""))
        for uid, names in shared.items():
            bump(uid, 3 * len(names), "expertise in " + ", ".join(sorted(names)))

    topic = Q()
    if tag_ids:
        topic |= Q(skills__in=tag_ids)
    if question.stage_id:
        topic |= Q(stage_id=question.stage_id)
    if topic:
        rows = (
            TechniquePage.objects.live()
            .filter(author_id__in=candidates)
            .filter(topic)
            .order_by()  # the default ordering (page path) would split the groups: one row per technique
            .values("author_id")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            n = min(row["n"], 5)
            bump(row["author_id"], 2 * n, _names(row["n"], "matching technique", "matching techniques"))

    similar = Q()
    if tag_ids:
        similar |= Q(question__tags__in=tag_ids)
    if question.stage_id:
        similar |= Q(question__stage_id=question.stage_id)
    if similar:
        rows = (
            Answer.objects.filter(is_accepted=True, author_id__in=candidates)
            .filter(similar)
            .order_by()
            .values("author_id")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            n = min(row["n"], 10)
            bump(
                row["author_id"],
                n,
                _names(row["n"], "accepted answer on similar questions", "accepted answers on similar questions"),
            )

    reputation = dict(Reputation.objects.filter(user_id__in=candidates).values_list("user_id", "points"))
    ranked = sorted(scores.values(), key=lambda m: (-m.score, -reputation.get(m.user_id, 0), m.user_id))
    if ranked:
        return ranked[:limit]
    # Nobody matches: the most reputed answerers, so the question still reaches someone.
    fallback = sorted(candidates, key=lambda uid: (-reputation.get(uid, 0), uid))[:limit]
    return [Match(uid, 0.0, ["among the most reputed answerers (no closer match)"]) for uid in fallback]
