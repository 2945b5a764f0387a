"""How results are ordered: text relevance blended with quality signals.

For each candidate document d of a query q (weights w_* in settings.SEARCH["RANKING"]):

    relevance(d) = text(d, q) / max over candidates of text(c, q)           in (0, 1]
    quality(d)   = w_votes    * min(1, log(1 + max(votes, 0)) / log(1 + votes_saturation))
                 + w_accepted * accepted                                     (0 or 1)
                 + w_answers  * min(1, log(1 + answers) / log(1 + answers_saturation))
                 + w_evidence * evidence_strength                            in [-1, 1]
                 + w_recency  * exp(-age_days / recency_days)
    deal(d)      = w_deal * |worked_in(d) ∩ context(my deal)| / |context(my deal)|
    score(d)     = relevance(d) * (1 + quality(d)) * (1 + deal(d))

`text` is the backend's own relevance (ts_rank over the weighted tsvector plus over title and
tags on PostgreSQL; BM25 with column weights on SQLite FTS5 and Elasticsearch) times the
document type's weight (w_types: techniques count a little more, answers and discussions
less; see `type_weight`). Dividing by the best candidate's text score
puts every backend on the same scale, so the same weights work everywhere. Multiplying keeps
text relevance in charge: a document that barely matches cannot be lifted to the top by
votes alone, but among comparable matches the proven technique and the accepted answer win.

`evidence_strength` is the document source's number in [-1, 1]: positive for what is shown to
work, negative for what is shown to hurt. For techniques it comes from the evidence label and
the lift's confidence interval (community.search_sources.evidence_strength: proven 0.4 to 1 by
the lower bound of the lift, promising 0.15, worse -0.4 to -1 by the upper bound), not the raw
success rate, so a lucky technique with three uses does not outrank one proven on eighty deals,
and a technique worse than the baseline sinks below a proven one that matches as well.

When few documents match every word, the search accepts documents matching any word; then
text(d, q) is first multiplied by coverage(d)^2, the share of the query's clauses (a word and
its synonyms) that d matches, and results are ordered by how many clauses they match first
(their "tier"), then by score: the documents that match every word stay on top.

Answers are shown within their question: an answer's question is ranked with it even when only
the answer matches ("lifted": the question takes the answer's text relevance and its own
quality, so the best-answered question wins), and the answers fold under it (see `fold`).

`prior(d)` (the quality part without recency) is stored with the document: for a common word
that matches thousands of documents, only the best-prior candidates (plus every title match)
are scored, so a query never ranks every match.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable
from datetime import datetime

from django.utils import timezone

from . import conf
from .documents import Signals


def _saturating_log(value: float, saturation: float) -> float:
    if value <= 0 or saturation <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(saturation))


COVERAGE_EXPONENT = 2


def coverage_factor(matched: int, clauses: int) -> float:
    if clauses <= 0:
        return 1.0
    return (max(0, min(matched, clauses)) / clauses) ** COVERAGE_EXPONENT


def quality(signals: Signals, *, now: datetime | None = None, weights: dict | None = None) -> float:
    w = weights or conf.get("RANKING")
    q = (
        w["votes"] * _saturating_log(max(signals.votes, 0), w["votes_saturation"])
        + w["accepted"] * (1.0 if signals.accepted else 0.0)
        + w["answers"] * _saturating_log(signals.answers, w["answers_saturation"])
        + w["evidence"] * max(-1.0, min(1.0, signals.evidence_strength))
    )
    if now is not None and signals.published_at is not None and w["recency"]:
        age_days = max(0.0, (now - signals.published_at).total_seconds() / 86400)
        q += w["recency"] * math.exp(-age_days / max(1.0, w["recency_days"]))
    return q


def prior(signals: Signals, *, weights: dict | None = None) -> float:
    """The static part of quality (no recency): stored, and orders candidates for common words."""
    return quality(signals, now=None, weights=weights)


def deal_match(worked_in: tuple[str, ...] | list[str], context_keys: list[str]) -> float:
    if not context_keys:
        return 0.0
    worked = set(worked_in)
    return sum(1 for k in context_keys if k in worked) / len(context_keys)


def type_weight(doc_type: str, *, weights: dict | None = None) -> float:
    """How much a text match in a document of this type counts (settings: RANKING["types"])."""
    w = weights or conf.get("RANKING")
    return float((w.get("types") or {}).get(doc_type, 1.0))


def lift(
    text_scores: dict[Hashable, float],
    parent_of: dict[Hashable, Hashable | None],
    parents: set[Hashable],
    tiers: dict[Hashable, int] | None = None,
) -> None:
    """Give each parent in `parents` (not a candidate itself) its best child's text relevance
    (and tier), in place: it is then ranked by its own quality and its children fold under it."""
    for key, parent in list(parent_of.items()):
        if parent is None or parent not in parents or key not in text_scores:
            continue
        text_scores[parent] = max(text_scores.get(parent, 0.0), text_scores[key])
        if tiers is not None:
            tiers[parent] = max(tiers.get(parent, 0), tiers.get(key, 0))


def blend(
    text_scores: dict[str, float],
    signals: dict[str, Signals],
    *,
    deal_keys: list[str] | None = None,
    now: datetime | None = None,
    weights: dict | None = None,
    tiers: dict | None = None,
) -> list[tuple[str, float]]:
    """Final scores, best first: [(key, score)], by tier (clauses matched) first when given.
    Ties break by key for a stable order."""
    w = weights or conf.get("RANKING")
    now = now or timezone.now()
    best = max((s for s in text_scores.values() if s > 0), default=0.0)
    if best <= 0:
        best = 1.0
    scored = []
    for key, text in text_scores.items():
        relevance = max(text, 0.0) / best
        sig = signals.get(key) or Signals()
        score = relevance * (1 + quality(sig, now=now, weights=w))
        if deal_keys:
            score *= 1 + w["deal"] * deal_match(sig.worked_in, deal_keys)
        scored.append((key, round(score, 6)))
    tiers = tiers or {}
    scored.sort(key=lambda item: (-tiers.get(item[0], 0), -item[1], str(item[0])))
    return scored


def fold(
    ranked: list[tuple[Hashable, float]],
    parent_of: dict[Hashable, Hashable | None],
    tiers: dict[Hashable, int] | None = None,
) -> list[tuple[Hashable, float, list[Hashable]]]:
    """Answers are shown within their question: when a candidate's parent is also a candidate,
    the child moves under it and the parent ranks at the better of the two scores (and tiers).

    Returns [(key, score, [child keys best first])], best first.
    """
    present = {key for key, _ in ranked}
    scores = dict(ranked)
    tiers = dict(tiers or {})
    children: dict[Hashable, list[Hashable]] = defaultdict(list)
    for key, score in ranked:  # best first, so children stay in score order
        parent = parent_of.get(key)
        if parent is not None and parent in present:
            children[parent].append(key)
            scores[parent] = max(scores[parent], score)
            tiers[parent] = max(tiers.get(parent, 0), tiers.get(key, 0))
    folded = [
        (key, scores[key], children.get(key, []))
        for key, _ in ranked
        if not (parent_of.get(key) is not None and parent_of.get(key) in present)
    ]
    folded.sort(key=lambda item: (-tiers.get(item[0], 0), -item[1], str(item[0])))
    return folded
