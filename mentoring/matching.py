"""The matcher: explainable mentor-mentee scores and an optimal cohort assignment.

Pure computation on plain data (no database): `selectors.match_inputs` loads the features
with a fixed number of queries, this module scores them. One implementation of the numbers
serves both modes, so a ranked list and a cohort proposal always agree:

- `score_parts(mentees, mentors, ctx)` -> {part: n x m array in [0, 1]}, vectorised with
  numpy (a 5,000 x 500 cohort scores in about a second);
- `total(parts, weights)` -> the score in [0, 1] (weighted mean of the parts);
- `explain(...)` -> the reasons in words for one pair;
- `rank(mentee, mentors, ctx)` -> one mentee's ranked list with reasons;
- `assign(scores, capacity, eligible)` -> the cohort assignment that maximises the total
  score subject to every mentor's remaining capacity, solved exactly with scipy's
  `linear_sum_assignment` on capacity-expanded columns (each mentor's column repeated once
  per free seat).

The parts (weights in settings.MENTORING_MATCH_WEIGHTS; see conf.py and the README):

coverage         share of the mentee's needs the mentor coaches: each goal skill scores the
                 mentor's level in it (basics 1/3, strong 2/3, expert 1), each inferred gap
                 stage the mentor's best level among the skills that stage maps to.
techniques       the mentor's techniques in those skills or at those stages: proven 1,
                 promising 0.5, saturating at MENTORING_TECHNIQUES_FULL.
answers          the mentor's accepted answers on those skills/stages, saturating at
                 MENTORING_ANSWERS_FULL (pluggable: Q&A provides them).
results          the mentor's own success rate above the team's at the stages that matter to
                 the mentee (gaps and the stages of their goals), counted only with enough
                 decided practices; full marks at MENTORING_RESULTS_FULL_ADVANTAGE.
timezone         hours shared by the mentor's working day and the mentee's preferred
                 coaching time, full marks at MENTORING_TZ_FULL_HOURS.
region_language  same region (0.5) + speaks the mentee's preferred language (0.5, or 0.25
                 when they only share another language).
diversity        1 for a new connection, 0.5 for someone in the mentee's own team (they
                 already know each other), 0 for a mentor who mentored them before.
style            1 when the mentor offers the mentee's preferred style, 0.5 when the mentee
                 has no preference, 0 otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from scipy.optimize import linear_sum_assignment

from .models.choices import LANGUAGE_NAMES, PREFERRED_HOURS, CoachingStyle, PreferredTime, SkillLevel

REGION_NAMES = {"na": "North America", "latam": "Latin America", "emea": "EMEA", "apac": "APAC"}
PARTS = ("coverage", "techniques", "answers", "results", "timezone", "region_language", "diversity", "style")
SLOTS = 48  # half-hour slots in a day, in UTC


# --- Inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A stage where the mentee's success rate lags the rest of the team's."""

    stage_id: int
    stage: str
    rate: float
    team_rate: float
    decided: int
    team_decided: int

    @property
    def lag(self) -> float:
        return self.team_rate - self.rate

    def as_dict(self) -> dict:
        return {
            "stage_id": self.stage_id,
            "stage": self.stage,
            "rate": round(self.rate, 4),
            "team_rate": round(self.team_rate, 4),
            "decided": self.decided,
            "team_decided": self.team_decided,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Gap:
        return cls(
            stage_id=int(data["stage_id"]),
            stage=str(data["stage"]),
            rate=float(data["rate"]),
            team_rate=float(data["team_rate"]),
            decided=int(data["decided"]),
            team_decided=int(data["team_decided"]),
        )


@dataclass
class MenteeFeatures:
    user_id: int
    name: str = ""
    goal_skill_ids: tuple[int, ...] = ()
    gaps: tuple[Gap, ...] = ()  # weakest first
    utc_offset_minutes: int = 0
    preferred_time: str = PreferredTime.ANY
    region: str = ""
    languages: tuple[str, ...] = ()  # preferred first
    style: str = ""
    team_id: int | None = None
    past_mentor_ids: frozenset[int] = frozenset()
    # Pairs the matcher must never propose (declined, poor fit, the current mentor).
    excluded_mentor_ids: frozenset[int] = frozenset()


@dataclass
class MentorFeatures:
    user_id: int
    name: str = ""
    skill_levels: dict[int, int] = field(default_factory=dict)  # skill id -> SkillLevel
    utc_offset_minutes: int = 0
    region: str = ""
    languages: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    team_id: int | None = None
    stage_results: dict[int, tuple[int, int]] = field(default_factory=dict)  # stage -> (decided, successes)
    remaining: int = 0  # free seats (capacity - active - pending requests)


@dataclass(frozen=True)
class EvidenceItem:
    """Something a mentor made that shows they know a skill: a technique or an accepted answer."""

    kind: str  # "technique" | "answer"
    owner_id: int
    skill_ids: frozenset[int] = frozenset()
    stage_id: int | None = None
    weight: float = 1.0  # proven technique 1, promising 0.5, accepted answer 1
    label: str = ""  # "proven" | "promising" | "accepted"


@dataclass
class MatchContext:
    skill_names: dict[int, str]
    stage_names: dict[int, str]
    stage_skills: dict[int, frozenset[int]]  # stage -> the skills that coach it
    team_stage_rates: dict[int, tuple[int, int]]  # stage -> (decided, successes), whole team
    evidence: list[EvidenceItem] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    results_min: int = 10
    results_full: float = 0.15
    techniques_full: float = 3.0
    answers_full: float = 5.0
    tz_full_hours: float = 3.0
    mentor_hours: tuple[int, int] = (9, 17)


@dataclass
class Match:
    mentor_id: int
    score: float  # 0-100
    parts: dict[str, float]
    reasons: list[str]


def utc_offset_minutes(tz: str, at: datetime) -> int:
    """The zone's offset from UTC at `at` (so DST is taken as it is now)."""
    try:
        offset = at.astimezone(ZoneInfo(tz)).utcoffset()
    except Exception:  # an unknown zone counts as UTC rather than failing a whole cohort
        return 0
    return int(offset.total_seconds() // 60) if offset else 0


def availability(offset_minutes: int, hours: tuple[int, int]) -> np.ndarray:
    """Boolean mask of the UTC half-hour slots covered by local [start, end) hours."""
    mask = np.zeros(SLOTS, dtype=bool)
    start, end = hours
    for local in range(start * 60, end * 60, 30):
        utc = (local - offset_minutes) % 1440
        mask[utc // 30] = True
    return mask


def infer_gaps(
    rep: dict[int, tuple[int, int]],
    team: dict[int, tuple[int, int]],
    stage_names: dict[int, str],
    *,
    min_practices: int,
    team_min_practices: int,
    min_lag: float,
) -> tuple[Gap, ...]:
    """Stages where a rep's success rate lags the rest of the team's, weakest first.

    `rep` and `team` are {stage_id: (decided, successes)} as community.selectors gives them
    (the team figures include the rep, who is taken out so the comparison is with the others).
    No inference from too little data: a stage needs `min_practices` decided practices by the
    rep and `team_min_practices` by the others, and a lag of at least `min_lag`.
    """
    gaps = []
    for stage_id, (decided, successes) in rep.items():
        if stage_id not in stage_names or decided < min_practices:
            continue
        team_decided, team_successes = team.get(stage_id, (0, 0))
        rest_decided, rest_successes = team_decided - decided, team_successes - successes
        if rest_decided < team_min_practices:
            continue
        rate, team_rate = successes / decided, rest_successes / rest_decided
        if team_rate - rate >= min_lag:
            gaps.append(Gap(stage_id, stage_names[stage_id], rate, team_rate, decided, rest_decided))
    gaps.sort(key=lambda g: (-g.lag, g.stage_id))
    return tuple(gaps)


# --- Scoring ----------------------------------------------------------------------------------


class _Index:
    """Column positions of skills (first K) and stages (next S) in the need/offer matrices."""

    def __init__(self, ctx: MatchContext) -> None:
        self.skills = {sid: i for i, sid in enumerate(sorted(ctx.skill_names))}
        self.stages = {sid: i for i, sid in enumerate(sorted(ctx.stage_names))}
        self.k = len(self.skills)
        self.s = len(self.stages)
        # stage -> skill columns that coach it
        self.stage_skill_cols = {
            self.stages[st]: [self.skills[sk] for sk in skills if sk in self.skills]
            for st, skills in ctx.stage_skills.items()
            if st in self.stages
        }
        # skill -> stage columns it belongs to (to find the stages that matter for a goal)
        self.skill_stage_cols: dict[int, list[int]] = {}
        for st_col, sk_cols in self.stage_skill_cols.items():
            for sk_col in sk_cols:
                self.skill_stage_cols.setdefault(sk_col, []).append(st_col)


def _needs(mentees: Sequence[MenteeFeatures], ix: _Index) -> tuple[np.ndarray, np.ndarray]:
    """(need matrix n x (K+S) of 0/1, relevant-stage matrix n x S of 0/1)."""
    need = np.zeros((len(mentees), ix.k + ix.s), dtype=np.float32)
    stages = np.zeros((len(mentees), ix.s), dtype=np.float32)
    for i, me in enumerate(mentees):
        for sid in me.goal_skill_ids:
            col = ix.skills.get(sid)
            if col is not None:
                need[i, col] = 1
                for st_col in ix.skill_stage_cols.get(col, ()):
                    stages[i, st_col] = 1
        for gap in me.gaps:
            col = ix.stages.get(gap.stage_id)
            if col is not None:
                need[i, ix.k + col] = 1
                stages[i, col] = 1
    return need, stages


def _offers(mentors: Sequence[MentorFeatures], ix: _Index) -> np.ndarray:
    """Mentor level per skill and stage, m x (K+S), in [0, 1]."""
    offer = np.zeros((len(mentors), ix.k + ix.s), dtype=np.float32)
    for j, mo in enumerate(mentors):
        for sid, level in mo.skill_levels.items():
            col = ix.skills.get(sid)
            if col is not None:
                offer[j, col] = level / SkillLevel.EXPERT
    for st_col, sk_cols in ix.stage_skill_cols.items():
        if sk_cols:
            offer[:, ix.k + st_col] = offer[:, sk_cols].max(axis=1)
    return offer


def _evidence_counts(
    kind: str, need: np.ndarray, mentors: Sequence[MentorFeatures], ctx: MatchContext, ix: _Index
) -> np.ndarray:
    """Weighted count of DISTINCT evidence items per pair that touch the mentee's needs (n x m)."""
    owner_col = {mo.user_id: j for j, mo in enumerate(mentors)}
    items = [it for it in ctx.evidence if it.kind == kind and it.owner_id in owner_col]
    n, m = need.shape[0], len(mentors)
    if not items or n == 0:
        return np.zeros((n, m), dtype=np.float32)
    keys = np.zeros((len(items), ix.k + ix.s), dtype=np.float32)
    owner = np.zeros((len(items), m), dtype=np.float32)
    for t, it in enumerate(items):
        for sid in it.skill_ids:
            col = ix.skills.get(sid)
            if col is not None:
                keys[t, col] = 1
        if it.stage_id is not None and it.stage_id in ix.stages:
            keys[t, ix.k + ix.stages[it.stage_id]] = 1
        owner[t, owner_col[it.owner_id]] = it.weight
    relevant = (need @ keys.T) > 0  # n x t
    return relevant.astype(np.float32) @ owner


def _mentor_advantage(mentors: Sequence[MentorFeatures], ctx: MatchContext, ix: _Index) -> np.ndarray:
    """m x S: how far above the team the mentor's own success rate is at each stage, in [0, 1]."""
    adv = np.zeros((len(mentors), ix.s), dtype=np.float32)
    for stage_id, col in ix.stages.items():
        team_d, team_s = ctx.team_stage_rates.get(stage_id, (0, 0))
        for j, mo in enumerate(mentors):
            d, s = mo.stage_results.get(stage_id, (0, 0))
            # Compare with the rest of the team (without the mentor's own practices).
            rest_d, rest_s = team_d - d, team_s - s
            if d < ctx.results_min or rest_d < ctx.results_min:
                continue
            advantage = s / d - rest_s / rest_d
            adv[j, col] = min(max(advantage / ctx.results_full, 0.0), 1.0)
    return adv


def score_parts(
    mentees: Sequence[MenteeFeatures], mentors: Sequence[MentorFeatures], ctx: MatchContext
) -> dict[str, np.ndarray]:
    """Every part of the score for every pair, each an n x m float32 array in [0, 1]."""
    ix = _Index(ctx)
    n, m = len(mentees), len(mentors)
    need, stage_need = _needs(mentees, ix)
    offer = _offers(mentors, ix)

    counts = need.sum(axis=1, keepdims=True)
    coverage = np.divide(need @ offer.T, counts, out=np.zeros((n, m), dtype=np.float32), where=counts > 0)

    techniques = np.minimum(_evidence_counts("technique", need, mentors, ctx, ix) / ctx.techniques_full, 1.0)
    answers = np.minimum(_evidence_counts("answer", need, mentors, ctx, ix) / ctx.answers_full, 1.0)

    stage_counts = stage_need.sum(axis=1, keepdims=True)
    results = np.divide(
        stage_need @ _mentor_advantage(mentors, ctx, ix).T,
        stage_counts,
        out=np.zeros((n, m), dtype=np.float32),
        where=stage_counts > 0,
    )

    me_avail = (
        np.stack(
            [availability(me.utc_offset_minutes, PREFERRED_HOURS.get(me.preferred_time, (8, 18))) for me in mentees]
        ).astype(np.float32)
        if n
        else np.zeros((0, SLOTS), dtype=np.float32)
    )
    mo_avail = (
        np.stack([availability(mo.utc_offset_minutes, ctx.mentor_hours) for mo in mentors]).astype(np.float32)
        if m
        else np.zeros((0, SLOTS), dtype=np.float32)
    )
    overlap_hours = (me_avail @ mo_avail.T) / 2
    timezone = np.minimum(overlap_hours / ctx.tz_full_hours, 1.0)

    regions = sorted({p.region for p in (*mentees, *mentors) if p.region})
    langs = sorted(LANGUAGE_NAMES)
    lang_col = {code: i for i, code in enumerate(langs)}
    me_region = _one_hot([[me.region] if me.region else [] for me in mentees], regions)
    mo_region = _one_hot([[mo.region] if mo.region else [] for mo in mentors], regions)
    me_pref = _one_hot([list(me.languages[:1]) for me in mentees], langs, lang_col)
    me_langs = _one_hot([list(me.languages) for me in mentees], langs, lang_col)
    mo_langs = _one_hot([list(mo.languages) for mo in mentors], langs, lang_col)
    speaks_pref = (me_pref @ mo_langs.T) > 0
    shares_any = (me_langs @ mo_langs.T) > 0
    language = np.where(speaks_pref, 1.0, np.where(shares_any, 0.25, 0.0))
    region_language = 0.5 * ((me_region @ mo_region.T) > 0) + 0.5 * language

    diversity = np.ones((n, m), dtype=np.float32)
    mentor_col = {mo.user_id: j for j, mo in enumerate(mentors)}
    me_team = np.array([me.team_id if me.team_id is not None else -1 for me in mentees])
    mo_team = np.array([mo.team_id if mo.team_id is not None else -2 for mo in mentors])
    if n and m:
        diversity[me_team[:, None] == mo_team[None, :]] = 0.5
    for i, me in enumerate(mentees):
        for mid in me.past_mentor_ids:
            if mid in mentor_col:
                diversity[i, mentor_col[mid]] = 0.0

    styles = list(CoachingStyle.values)
    me_style = _one_hot([[me.style] if me.style else [] for me in mentees], styles)
    mo_style = _one_hot([list(mo.styles) for mo in mentors], styles)
    no_pref = np.array([not me.style for me in mentees], dtype=bool)[:, None] if n else np.zeros((0, 1), bool)
    style = np.where(no_pref, 0.5, ((me_style @ mo_style.T) > 0).astype(np.float32))

    parts = {
        "coverage": coverage,
        "techniques": techniques,
        "answers": answers,
        "results": results,
        "timezone": timezone,
        "region_language": region_language,
        "diversity": diversity,
        "style": style,
    }
    return {k: np.asarray(v, dtype=np.float32).reshape(n, m) for k, v in parts.items()}


def _one_hot(rows: list[list[str]], vocab: list[str], col: dict[str, int] | None = None) -> np.ndarray:
    col = col or {v: i for i, v in enumerate(vocab)}
    out = np.zeros((len(rows), max(len(vocab), 1)), dtype=np.float32)
    for i, values in enumerate(rows):
        for v in values:
            if v in col:
                out[i, col[v]] = 1
    return out


def total(parts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The score in [0, 1]: the weighted mean of the parts (weights need not sum to 1)."""
    weight_sum = sum(max(weights.get(p, 0.0), 0.0) for p in PARTS)
    if weight_sum <= 0:
        raise ValueError("MENTORING_MATCH_WEIGHTS must have at least one positive weight.")
    first = next(iter(parts.values()))
    out = np.zeros(first.shape, dtype=np.float64)
    for p in PARTS:
        w = max(weights.get(p, 0.0), 0.0)
        if w:
            out += w * parts[p]
    return out / weight_sum


def eligibility(mentees: Sequence[MenteeFeatures], mentors: Sequence[MentorFeatures]) -> np.ndarray:
    """n x m: may this mentor be proposed to this mentee at all?

    Never: a mentor without a free seat, the mentee themself, or an excluded pair (declined
    before, a poor fit, the current mentor).
    """
    n, m = len(mentees), len(mentors)
    ok = np.ones((n, m), dtype=bool)
    if not n or not m:
        return ok
    ok[:, np.array([mo.remaining <= 0 for mo in mentors])] = False
    mentor_col = {mo.user_id: j for j, mo in enumerate(mentors)}
    for i, me in enumerate(mentees):
        for mid in (*me.excluded_mentor_ids, me.user_id):
            if mid in mentor_col:
                ok[i, mentor_col[mid]] = False
    return ok


# --- Explanations -----------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _hours(h: float) -> str:
    return f"{h:g} h"


def _lower(name: str) -> str:
    """Stage names read in a sentence: "Discovery" -> "discovery" (keeps acronyms)."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def explain(mentee: MenteeFeatures, mentor: MentorFeatures, ctx: MatchContext, parts: dict[str, float]) -> list[str]:
    """The reasons for one pair, in words, strongest contribution first (then caveats)."""
    weights = ctx.weights
    scored: list[tuple[float, str]] = []
    caveats: list[str] = []

    def add(part: str, text: str) -> None:
        scored.append((weights.get(part, 0.0) * parts.get(part, 0.0), text))

    # Coverage: the gaps first (weakest stage named as such), then the goals.
    stage_level = {}
    for stage_id, skills in ctx.stage_skills.items():
        levels = [mentor.skill_levels.get(sk, 0) for sk in skills]
        stage_level[stage_id] = max(levels, default=0)
    covered_gaps = [g for g in mentee.gaps if stage_level.get(g.stage_id, 0) > 0]
    if covered_gaps:
        first = covered_gaps[0]
        label = "your weakest stage" if first is mentee.gaps[0] else "a gap"
        text = f"coaches {_lower(first.stage)} ({label}, {_pct(first.rate)} vs team {_pct(first.team_rate)})"
        if len(covered_gaps) > 1:
            others = ", ".join(_lower(g.stage) for g in covered_gaps[1:3])
            text += f" and {others}"
        add("coverage", text)
    goals = [sid for sid in mentee.goal_skill_ids if mentor.skill_levels.get(sid, 0) > 0]
    if goals:
        goals.sort(key=lambda sid: -mentor.skill_levels[sid])
        named = [
            ctx.skill_names.get(sid, "?") + (" (expert)" if mentor.skill_levels[sid] == SkillLevel.EXPERT else "")
            for sid in goals[:3]
        ]
        more = f" and {len(goals) - 3} more" if len(goals) > 3 else ""
        scored.append(
            (
                weights.get("coverage", 0.0) * parts.get("coverage", 0.0) * 0.99,
                f"coaches your goal{'s' if len(goals) > 1 else ''} {', '.join(named)}{more}",
            )
        )
    if (mentee.goal_skill_ids or mentee.gaps) and not goals and not covered_gaps:
        caveats.append("does not coach your goals or gaps")

    # Evidence: techniques and accepted answers that touch the mentee's needs.
    need_skills = set(mentee.goal_skill_ids)
    need_stages = {g.stage_id for g in mentee.gaps}
    relevant = [
        it
        for it in ctx.evidence
        if it.owner_id == mentor.user_id and (it.skill_ids & need_skills or it.stage_id in need_stages)
    ]
    proven = sum(1 for it in relevant if it.kind == "technique" and it.label == "proven")
    promising = sum(1 for it in relevant if it.kind == "technique" and it.label == "promising")
    if proven or promising:
        bits = []
        if proven:
            bits.append(f"{proven} proven")
        if promising:
            bits.append(f"{promising} promising")
        add("techniques", f"{' and '.join(bits)} technique{'s' if proven + promising > 1 else ''}")
    accepted = sum(1 for it in relevant if it.kind == "answer")
    if accepted:
        add("answers", f"{_plural(accepted, 'accepted answer')} on your topics")

    # Own results at the stages that matter.
    stages = set(need_stages) | {stage_id for stage_id, skills in ctx.stage_skills.items() if skills & need_skills}
    best: tuple[float, str] | None = None
    for stage_id in stages:
        d, s = mentor.stage_results.get(stage_id, (0, 0))
        team_d, team_s = ctx.team_stage_rates.get(stage_id, (0, 0))
        rest_d, rest_s = team_d - d, team_s - s
        if d < ctx.results_min or rest_d < ctx.results_min:
            continue
        adv = s / d - rest_s / rest_d
        if adv > 0 and (best is None or adv > best[0]):
            name = _lower(ctx.stage_names.get(stage_id, "?"))
            best = (adv, f"{_pct(s / d)} success at {name} vs team {_pct(rest_s / rest_d)} ({d} practices)")
    if best:
        add("results", best[1])

    # Time zones.
    me_mask = availability(mentee.utc_offset_minutes, PREFERRED_HOURS.get(mentee.preferred_time, (8, 18)))
    mo_mask = availability(mentor.utc_offset_minutes, ctx.mentor_hours)
    hours = float((me_mask & mo_mask).sum()) / 2
    if hours > 0:
        add("timezone", f"{_hours(hours)} timezone overlap")
    else:
        caveats.append("no overlap in working hours")

    # Region and language.
    if mentee.region and mentee.region == mentor.region:
        add("region_language", f"same region ({REGION_NAMES.get(mentee.region, mentee.region)})")
    if mentee.languages and mentee.languages[0] != "en" and mentee.languages[0] in mentor.languages:
        add("region_language", f"speaks {LANGUAGE_NAMES.get(mentee.languages[0], mentee.languages[0])}")

    # Network.
    if mentor.user_id in mentee.past_mentor_ids:
        caveats.append("mentored you before")
    elif mentee.team_id is None or mentee.team_id != mentor.team_id:
        add("diversity", "a new connection outside your team")

    # Style.
    if mentee.style and mentee.style in mentor.styles:
        add("style", f"offers {CoachingStyle(mentee.style).label.lower()}, as you prefer")

    scored.sort(key=lambda pair: -pair[0])
    return [text for _, text in scored] + caveats


def rank(
    mentee: MenteeFeatures, mentors: Sequence[MentorFeatures], ctx: MatchContext, *, limit: int | None = None
) -> list[Match]:
    """One mentee's mentors, best first, with score (0-100), parts and reasons."""
    if not mentors:
        return []
    parts = score_parts([mentee], mentors, ctx)
    scores = total(parts, ctx.weights)[0]
    order = sorted(range(len(mentors)), key=lambda j: (-scores[j], mentors[j].user_id))
    if limit is not None:
        order = order[:limit]
    out = []
    for j in order:
        pair = {p: round(float(parts[p][0, j]), 4) for p in PARTS}
        out.append(
            Match(
                mentor_id=mentors[j].user_id,
                score=round(float(scores[j]) * 100, 1),
                parts=pair,
                reasons=explain(mentee, mentors[j], ctx, pair),
            )
        )
    return out


# --- Cohort assignment --------------------------------------------------------------------------


def assign(scores: np.ndarray, capacity: Iterable[int], eligible: np.ndarray | None = None) -> list[tuple[int, int]]:
    """The assignment of mentees (rows) to mentors (columns) with the largest total score.

    Each mentee gets at most one mentor, each mentor at most `capacity[j]` mentees, only
    eligible pairs with a positive score are used. Solved exactly: the mentor columns are
    repeated once per free seat and scipy's `linear_sum_assignment` (a shortest augmenting
    path algorithm) finds a maximum-weight matching. Ineligible pairs are given weight 0 and
    dropped afterwards: since every weight is >= 0, any partial matching extends to a full
    one at no cost, so the optimum of the padded problem is the optimum of the real one.
    Returns (row, column) pairs sorted by row.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    cap = np.clip(np.asarray(list(capacity), dtype=np.int64), 0, n)
    if len(cap) != m:
        raise ValueError("capacity needs one entry per mentor (column).")
    if eligible is None:
        eligible = np.ones((n, m), dtype=bool)
    usable = eligible & (scores > 0)
    if n == 0 or cap.sum() == 0 or not usable.any():
        return []
    # Mentors nobody may use would only add columns.
    useful = (cap > 0) & usable.any(axis=0)
    columns = np.repeat(np.flatnonzero(useful), cap[useful])
    weights = np.where(usable, scores, 0.0)[:, columns]
    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = [(int(r), int(columns[c])) for r, c in zip(rows, cols, strict=True) if usable[r, columns[c]]]
    return sorted(pairs)
