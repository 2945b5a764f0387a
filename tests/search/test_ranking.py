"""The ranking formula (no database)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from search.documents import Signals
from search.ranking import blend, coverage_factor, fold, quality

WEIGHTS = {
    "votes": 0.2,
    "votes_saturation": 25,
    "accepted": 0.15,
    "answers": 0.05,
    "answers_saturation": 5,
    "evidence": 0.3,
    "recency": 0.05,
    "recency_days": 365,
    "deal": 0.5,
}


def test_quality_is_bounded_and_saturates():
    best = Signals(votes=10_000, accepted=True, answers=100, evidence_strength=5.0)
    assert quality(best, weights=WEIGHTS) == 0.2 + 0.15 + 0.05 + 0.3
    assert quality(Signals(votes=-5), weights=WEIGHTS) == 0.0


def test_relevance_is_normalised_and_multiplied_by_quality():
    now = timezone.now()
    ranked = blend(
        {"a": 10.0, "b": 5.0, "c": 9.0},
        {"c": Signals(evidence_strength=1.0)},
        now=now,
        weights=WEIGHTS,
    )
    assert ranked == [("c", round(0.9 * 1.3, 6)), ("a", 1.0), ("b", 0.5)]


def test_recency_decays():
    now = timezone.now()
    fresh = quality(Signals(published_at=now), now=now, weights=WEIGHTS)
    old = quality(Signals(published_at=now - timedelta(days=3 * 365)), now=now, weights=WEIGHTS)
    assert fresh == 0.05 and old < 0.005


def test_deal_context_boost():
    ranked = blend(
        {"a": 1.0, "b": 1.0},
        {"b": Signals(worked_in=("industry:healthcare", "size:mid"))},
        deal_keys=["industry:healthcare", "size:mid", "stage:negotiation"],
        weights=WEIGHTS,
    )
    assert ranked[0][0] == "b" and ranked[0][1] == round(1 * (1 + 0.5 * 2 / 3), 6)


def test_coverage():
    assert coverage_factor(3, 3) == 1.0
    assert coverage_factor(1, 2) == 0.25


def test_fold_moves_children_under_their_parent_with_the_better_score():
    folded = fold([("answer", 3.0), ("other", 2.0), ("question", 1.0)], {"answer": "question", "orphan": "missing"})
    assert folded == [("question", 3.0, ["answer"]), ("other", 2.0, [])]
