"""Reputation from techniques and reviews moves as they happen, not only at the nightly recompute."""

from __future__ import annotations

import pytest

from community.models import OutcomeSettings, Reputation, ReputationEvent
from community.qa import reputation
from community.techniques import services, stats
from tests.community.techniques_helpers import clean_outcome_settings_cache, practices, published  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db

Kind = ReputationEvent.Kind


def points(user) -> int:
    row = Reputation.objects.filter(user=user).first()
    return row.points if row else 0


def test_a_technique_earns_its_author_points_when_its_evidence_becomes_proven_and_loses_them_after(rainmaker):
    t = published(rainmaker, title="Strong")
    other = published(rainmaker, title="Usual")
    practices(rainmaker, t, successes=18, failures=2)
    practices(rainmaker, other, successes=6, failures=14)
    stats.recompute([t.pk])
    t.refresh_from_db()
    assert t.evidence == "proven"
    event = ReputationEvent.objects.get(source=f"technique:{t.pk}")
    assert (event.user_id, event.kind, event.points) == (rainmaker.pk, Kind.TECHNIQUE_PROVEN, 50)
    assert points(rainmaker) == 50

    stats.recompute([t.pk])  # the same label again: the event (and its date) stays
    assert ReputationEvent.objects.get(source=f"technique:{t.pk}").pk == event.pk

    OutcomeSettings.objects.create(min_sample_size=25, success_responses=["meeting_booked"])
    stats.recompute(None)
    t.refresh_from_db()
    assert t.evidence == "not_enough_data"
    assert not ReputationEvent.objects.filter(source=f"technique:{t.pk}").exists()
    assert points(rainmaker) == 0
    # The nightly recompute agrees with what the incremental path left.
    reputation.recompute_all()
    assert points(rainmaker) == 0


def test_the_incremental_events_match_a_full_recompute(rainmaker):
    t = published(rainmaker, title="Strong")
    other = published(rainmaker, title="Usual")
    practices(rainmaker, t, successes=18, failures=2)
    practices(rainmaker, other, successes=6, failures=14)
    stats.recompute(None)
    incremental = set(ReputationEvent.objects.values_list("user_id", "kind", "points", "source"))
    reputation.recompute_all()
    assert set(ReputationEvent.objects.values_list("user_id", "kind", "points", "source")) == incremental
    assert points(rainmaker) == 50


def test_a_review_earns_its_reviewer_points_at_once_and_once_only(rainmaker):
    peer = make_user("peer.rainmaker", roles=("rainmaker",))
    t = published(rainmaker, title="Reviewed")
    review = services.review_save(technique=t, reviewer=peer, verdict="endorse")
    assert points(peer) == 5
    event = ReputationEvent.objects.get(source=f"review:{review.pk}")
    assert (event.user_id, event.kind) == (peer.pk, Kind.REVIEW)
    services.review_save(technique=t, reviewer=peer, verdict="request_changes", comment="Add a talk track.")
    assert points(peer) == 5 and ReputationEvent.objects.filter(user=peer).count() == 1
    assert points(rainmaker) == 0  # being reviewed earns nothing by itself
