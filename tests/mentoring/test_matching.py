"""The matcher on hand-built cases: parts, totals, reasons in words, gaps, and the optimal assignment."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from mentoring.matching import (
    PARTS,
    EvidenceItem,
    Gap,
    MatchContext,
    MenteeFeatures,
    MentorFeatures,
    assign,
    availability,
    eligibility,
    explain,
    infer_gaps,
    rank,
    score_parts,
    total,
    utc_offset_minutes,
)

DISCOVERY_Q, NEGOTIATION, PROSPECTING = 1, 2, 3
DISCOVERY, NEGOTIATION_STAGE = 10, 11
WEIGHTS = {
    "coverage": 0.35,
    "techniques": 0.12,
    "answers": 0.08,
    "results": 0.10,
    "timezone": 0.15,
    "region_language": 0.07,
    "diversity": 0.08,
    "style": 0.05,
}


def context(**kwargs) -> MatchContext:
    base = dict(
        skill_names={DISCOVERY_Q: "Discovery questioning", NEGOTIATION: "Negotiation", PROSPECTING: "Prospecting"},
        stage_names={DISCOVERY: "Discovery", NEGOTIATION_STAGE: "Negotiation"},
        stage_skills={DISCOVERY: frozenset({DISCOVERY_Q}), NEGOTIATION_STAGE: frozenset({NEGOTIATION})},
        team_stage_rates={DISCOVERY: (130, 54)},
        weights=WEIGHTS,
    )
    base.update(kwargs)
    return MatchContext(**base)


NINA = MenteeFeatures(
    user_id=1,
    name="Nina",
    goal_skill_ids=(NEGOTIATION,),
    gaps=(Gap(DISCOVERY, "Discovery", 0.31, 0.45, 20, 100),),
    utc_offset_minutes=-300,  # New York in winter
    preferred_time="any",  # 8-18 local = 13:00-23:00 UTC
    region="na",
    languages=("en",),
    style="role_play",
    team_id=1,
)
SOFIA = MentorFeatures(
    user_id=100,
    name="Sofia",
    skill_levels={DISCOVERY_Q: 3, NEGOTIATION: 2},
    utc_offset_minutes=60,  # Stockholm in winter: 9-17 local = 08:00-16:00 UTC
    region="emea",
    languages=("en", "sv"),
    styles=("role_play",),
    team_id=2,
    stage_results={DISCOVERY: (30, 18)},
    remaining=2,
)
TOM = MentorFeatures(
    user_id=101,
    name="Tom",
    skill_levels={PROSPECTING: 3},
    utc_offset_minutes=-420,
    region="na",
    languages=("en",),
    team_id=1,
    remaining=1,
)
FOUR_PROVEN = [EvidenceItem("technique", 100, frozenset({DISCOVERY_Q}), DISCOVERY, 1.0, "proven")] * 4


def pair_parts(mentee, mentor, ctx) -> dict[str, float]:
    parts = score_parts([mentee], [mentor], ctx)
    return {p: round(float(parts[p][0, 0]), 4) for p in PARTS}


def test_hand_built_pair_parts_and_total():
    """Sofia coaches Nina's weakest stage and her goal, has proven techniques and better results."""
    ctx = context(evidence=FOUR_PROVEN)
    parts = pair_parts(NINA, SOFIA, ctx)
    # Needs: goal Negotiation (Sofia strong: 2/3) + gap Discovery (via Discovery questioning, expert: 1).
    assert parts["coverage"] == pytest.approx((2 / 3 + 1) / 2, abs=1e-4)
    # 4 proven techniques at the gap stage, full marks at 3.
    assert parts["techniques"] == 1.0
    assert parts["answers"] == 0.0
    # Discovery: Sofia 18/30 = 60% vs rest of team 36/100 = 36% -> +24 pts, full marks at 15 pts.
    # Negotiation stage (Nina's goal) has no data: the mean over the two relevant stages is 0.5.
    assert parts["results"] == pytest.approx(0.5)
    # Overlap 13:00-16:00 UTC = 3 h, full marks at 3 h.
    assert parts["timezone"] == 1.0
    # Different region, speaks her preferred language (English).
    assert parts["region_language"] == 0.5
    assert parts["diversity"] == 1.0
    assert parts["style"] == 1.0
    expected = sum(WEIGHTS[p] * parts[p] for p in PARTS) / sum(WEIGHTS.values())
    assert total(score_parts([NINA], [SOFIA], ctx), WEIGHTS)[0, 0] == pytest.approx(expected, abs=1e-4)


def test_reasons_in_words():
    ctx = context(evidence=FOUR_PROVEN)
    reasons = explain(NINA, SOFIA, ctx, pair_parts(NINA, SOFIA, ctx))
    assert reasons[0] == "coaches discovery (your weakest stage, 31% vs team 45%)"
    assert "4 proven techniques" in reasons
    assert "3 h timezone overlap" in reasons
    assert "coaches your goal Negotiation" in reasons
    assert "60% success at discovery vs team 36% (30 practices)" in reasons
    assert "offers role-play and call practice, as you prefer" in reasons
    assert "a new connection outside your team" in reasons


def test_reasons_for_a_weak_match_carry_caveats():
    ctx = context()
    reasons = explain(NINA, TOM, ctx, pair_parts(NINA, TOM, ctx))
    # Denver 9-17 = 16:00-24:00 UTC overlaps Nina's 13:00-23:00 by 7 h.
    assert "7 h timezone overlap" in reasons
    assert "same region (North America)" in reasons
    assert reasons[-1] == "does not coach your goals or gaps"
    assert "a new connection outside your team" not in reasons  # same team


def test_rank_orders_by_score_with_reasons():
    ctx = context(evidence=FOUR_PROVEN)
    ranked = rank(NINA, [TOM, SOFIA], ctx)
    assert [m.mentor_id for m in ranked] == [100, 101]
    assert ranked[0].score > ranked[1].score
    assert 0 <= ranked[1].score <= 100
    assert ranked[0].reasons[0].startswith("coaches discovery")


def test_diversity_prefers_new_connections():
    ctx = context()
    again = MenteeFeatures(**{**NINA.__dict__, "past_mentor_ids": frozenset({100})})
    assert pair_parts(again, SOFIA, ctx)["diversity"] == 0.0
    assert "mentored you before" in explain(again, SOFIA, ctx, pair_parts(again, SOFIA, ctx))
    same_team = MentorFeatures(**{**SOFIA.__dict__, "team_id": 1})
    assert pair_parts(NINA, same_team, ctx)["diversity"] == 0.5


def test_language_and_style():
    ctx = context()
    lucas = MenteeFeatures(user_id=2, languages=("pt", "en"), region="latam", style="")
    speaks = MentorFeatures(user_id=200, languages=("en", "pt"), region="latam")
    english_only = MentorFeatures(user_id=201, languages=("en",), region="emea")
    parts = score_parts([lucas], [speaks, english_only], ctx)
    assert parts["region_language"][0].tolist() == [1.0, 0.125]  # 0.5*0 + 0.5*0.25 (shares English only)
    assert parts["style"][0].tolist() == [0.5, 0.5]  # no preference
    assert "speaks Portuguese" in explain(lucas, speaks, ctx, pair_parts(lucas, speaks, ctx))


def test_no_needs_gives_zero_coverage_without_crashing():
    ctx = context()
    blank = MenteeFeatures(user_id=3)
    parts = pair_parts(blank, SOFIA, ctx)
    assert parts["coverage"] == 0.0 and parts["results"] == 0.0 and parts["techniques"] == 0.0


def test_techniques_count_distinct_items_and_only_relevant_ones():
    # One technique tagged with two of Nina's needs counts once; one outside her needs not at all.
    both = EvidenceItem("technique", 100, frozenset({DISCOVERY_Q, NEGOTIATION}), DISCOVERY, 1.0, "proven")
    unrelated = EvidenceItem("technique", 100, frozenset({PROSPECTING}), None, 1.0, "proven")
    promising = EvidenceItem("technique", 100, frozenset({NEGOTIATION}), None, 0.5, "promising")
    ctx = context(evidence=[both, unrelated, promising])
    parts = pair_parts(NINA, SOFIA, ctx)
    assert parts["techniques"] == pytest.approx(1.5 / 3)
    assert "1 proven and 1 promising techniques" in explain(NINA, SOFIA, ctx, parts)


def test_answers_are_pluggable_evidence():
    answers = [EvidenceItem("answer", 100, frozenset({NEGOTIATION}), None, 1.0, "accepted")] * 2
    ctx = context(evidence=answers)
    parts = pair_parts(NINA, SOFIA, ctx)
    assert parts["answers"] == pytest.approx(2 / 5)
    assert "2 accepted answers on your topics" in explain(NINA, SOFIA, ctx, parts)


def test_results_need_enough_practices():
    ctx = context()
    thin = MentorFeatures(**{**SOFIA.__dict__, "stage_results": {DISCOVERY: (9, 9)}})
    assert pair_parts(NINA, thin, ctx)["results"] == 0.0


def test_vectorised_scores_equal_pairwise_scores():
    rng = random.Random(3)
    ctx = context(evidence=FOUR_PROVEN)
    mentees = [
        MenteeFeatures(
            user_id=i,
            goal_skill_ids=tuple(rng.sample([1, 2, 3], rng.randint(0, 3))),
            utc_offset_minutes=rng.choice([-480, 0, 60, 540]),
            preferred_time=rng.choice(["morning", "any", "afternoon"]),
            region=rng.choice(["na", "emea"]),
            languages=("en",),
            team_id=rng.choice([1, 2]),
        )
        for i in range(6)
    ]
    mentors = [SOFIA, TOM]
    batch = score_parts(mentees, mentors, ctx)
    for i, me in enumerate(mentees):
        for j, mo in enumerate(mentors):
            single = score_parts([me], [mo], ctx)
            for p in PARTS:
                assert batch[p][i, j] == pytest.approx(single[p][0, 0])


def test_timezone_overlap_hours():
    assert (
        utc_offset_minutes(
            "Asia/Kolkata", __import__("datetime").datetime(2026, 1, 5, tzinfo=__import__("datetime").UTC)
        )
        == 330
    )
    ny = availability(-300, (8, 18))
    berlin = availability(60, (9, 17))
    assert (ny & berlin).sum() / 2 == 3.0
    tokyo = availability(540, (9, 17))
    assert (ny & tokyo).sum() == 0
    kolkata = availability(330, (9, 17))
    assert kolkata.sum() == 16  # 8 hours in half-hour slots


# --- Inferred gaps --------------------------------------------------------------------------------


def test_infer_gaps_compares_with_the_rest_of_the_team_weakest_first():
    names = {DISCOVERY: "Discovery", NEGOTIATION_STAGE: "Negotiation"}
    rep = {DISCOVERY: (20, 6), NEGOTIATION_STAGE: (10, 3)}
    team = {DISCOVERY: (120, 51), NEGOTIATION_STAGE: (110, 51)}  # team includes the rep
    gaps = infer_gaps(rep, team, names, min_practices=8, team_min_practices=30, min_lag=0.05)
    assert [g.stage for g in gaps] == ["Negotiation", "Discovery"]
    negotiation, discovery = gaps
    assert (negotiation.rate, negotiation.team_rate, negotiation.decided, negotiation.team_decided) == (
        0.3,
        0.48,
        10,
        100,
    )
    assert discovery.rate == 0.3 and discovery.team_rate == 0.45 and discovery.team_decided == 100


def test_infer_gaps_refuses_too_little_data_and_small_lags():
    names = {DISCOVERY: "Discovery"}
    assert (
        infer_gaps(
            {DISCOVERY: (7, 0)}, {DISCOVERY: (200, 100)}, names, min_practices=8, team_min_practices=30, min_lag=0.05
        )
        == ()
    )
    assert (
        infer_gaps(
            {DISCOVERY: (20, 0)}, {DISCOVERY: (40, 10)}, names, min_practices=8, team_min_practices=30, min_lag=0.05
        )
        == ()
    )
    # 43% vs 45%: below the minimum lag.
    assert (
        infer_gaps(
            {DISCOVERY: (100, 43)}, {DISCOVERY: (200, 88)}, names, min_practices=8, team_min_practices=30, min_lag=0.05
        )
        == ()
    )


def test_gap_round_trips_through_json():
    gap = Gap(DISCOVERY, "Discovery", 0.31, 0.45, 20, 100)
    assert Gap.from_dict(gap.as_dict()) == gap


# --- Eligibility and the optimal assignment --------------------------------------------------------


def test_eligibility_excludes_full_mentors_excluded_pairs_and_self():
    full = MentorFeatures(user_id=102, remaining=0)
    me = MenteeFeatures(user_id=101, excluded_mentor_ids=frozenset({100}))
    ok = eligibility([me], [SOFIA, TOM, full])
    assert ok.tolist() == [[False, False, False]]  # excluded pair, self (101 is Tom), no free seat
    other = MenteeFeatures(user_id=5)
    assert eligibility([other], [SOFIA, TOM, full]).tolist() == [[True, True, False]]


def brute_force(scores: np.ndarray, capacity: list[int], eligible: np.ndarray) -> float:
    """Try every assignment (each mentee to a mentor or to nobody) within capacity."""
    n, m = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        load = [0] * m
        value = 0.0
        ok = True
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if not eligible[i, j] or scores[i, j] <= 0:
                ok = False
                break
            load[j] += 1
            value += scores[i, j]
        if ok and all(load[j] <= capacity[j] for j in range(m)):
            best = max(best, value)
    return best


def test_assignment_is_optimal_against_brute_force():
    rng = np.random.default_rng(11)
    for _ in range(150):
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        scores = rng.random((n, m)).round(3)
        if rng.random() < 0.3:
            scores[rng.random((n, m)) < 0.2] = 0.0
        capacity = [int(c) for c in rng.integers(0, 3, m)]
        eligible = rng.random((n, m)) > 0.25
        pairs = assign(scores, capacity, eligible)
        value = sum(scores[i, j] for i, j in pairs)
        assert value == pytest.approx(brute_force(scores, capacity, eligible), abs=1e-9)
        load = np.bincount([j for _, j in pairs], minlength=m)
        assert (load <= np.array(capacity)).all()
        assert all(eligible[i, j] for i, j in pairs)
        assert len({i for i, _ in pairs}) == len(pairs)


def test_assignment_never_exceeds_capacity_at_scale():
    rng = np.random.default_rng(5)
    scores = rng.random((400, 60))
    capacity = [int(c) for c in rng.integers(0, 4, 60)]
    pairs = assign(scores, capacity)
    load = np.bincount([j for _, j in pairs], minlength=60)
    assert (load <= np.array(capacity)).all()
    assert len(pairs) == min(400, sum(capacity))


def test_assignment_edge_cases():
    assert assign(np.zeros((0, 3)), [1, 1, 1]) == []
    assert assign(np.ones((3, 2)), [0, 0]) == []
    assert assign(np.ones((2, 2)), [1, 1], np.zeros((2, 2), dtype=bool)) == []
    with pytest.raises(ValueError, match="capacity"):
        assign(np.ones((2, 2)), [1])
    # A mentor with capacity 3 takes all three mentees when that is best.
    assert assign(np.array([[0.9, 0.1], [0.8, 0.1], [0.7, 0.1]]), [3, 1]) == [(0, 0), (1, 0), (2, 0)]


def test_total_refuses_all_zero_weights():
    with pytest.raises(ValueError, match="positive weight"):
        total(score_parts([NINA], [SOFIA], context()), {p: 0 for p in PARTS})
