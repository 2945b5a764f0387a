"""Cohort matching: scoring and the optimal capacity-constrained assignment at 2,000 and 5,000 x 500.

Synthetic mentees and mentors (16 skills, 7 stages, 1,500 pieces of evidence, real time
zones, capacities 1-4), scored with the same vectorised code as the site
(`mentoring.matching.score_parts` + `total`, in chunks of 500 mentees as the service does),
then solved exactly with scipy's `linear_sum_assignment` on capacity-expanded columns. The
result is checked: nobody over capacity, every pair eligible. Run with `make bench` or
`python -m bench matching`.
"""

from __future__ import annotations

import random
import time

import numpy as np

from mentoring import conf, matching
from mentoring.models.choices import LANGUAGES, CoachingStyle, PreferredTime

ZONES = [-480, -420, -360, -300, -180, 0, 60, 120, 180, 240, 330, 480, 540, 600]
REGIONS = ["na", "latam", "emea", "apac"]


def build(n: int, m: int, seed: int = 7) -> tuple[list, list, matching.MatchContext]:
    rng = random.Random(seed)
    skills = list(range(1, 17))
    stages = list(range(101, 108))
    ctx = matching.MatchContext(
        skill_names={s: f"Skill {s}" for s in skills},
        stage_names={s: f"Stage {s}" for s in stages},
        stage_skills={st: frozenset(rng.sample(skills, 3)) for st in stages},
        team_stage_rates={st: (5000, rng.randint(1500, 2800)) for st in stages},
        weights=conf.weights(),
    )
    langs = [code for code, _ in LANGUAGES]
    mentors = [
        matching.MentorFeatures(
            user_id=100_000 + j,
            skill_levels={s: rng.randint(1, 3) for s in rng.sample(skills, rng.randint(2, 5))},
            utc_offset_minutes=rng.choice(ZONES),
            region=rng.choice(REGIONS),
            languages=("en", *rng.sample(langs, 1)),
            styles=tuple(rng.sample(list(CoachingStyle.values), 2)),
            team_id=rng.randint(1, 40),
            stage_results={st: (rng.randint(0, 60), 0) for st in stages},
            remaining=rng.randint(1, 4),
        )
        for j in range(m)
    ]
    for mo in mentors:
        mo.stage_results = {st: (d, int(d * rng.uniform(0.3, 0.7))) for st, (d, _) in mo.stage_results.items()}
    ctx.evidence = [
        matching.EvidenceItem(
            kind="technique",
            owner_id=rng.choice(mentors).user_id,
            skill_ids=frozenset(rng.sample(skills, 2)),
            stage_id=rng.choice(stages),
            weight=rng.choice([1.0, 0.5]),
            label="proven",
        )
        for _ in range(1500)
    ]
    mentees = []
    for i in range(n):
        gaps = tuple(
            matching.Gap(st, f"Stage {st}", 0.3, 0.45, 20, 500) for st in rng.sample(stages, rng.randint(0, 2))
        )
        mentees.append(
            matching.MenteeFeatures(
                user_id=i + 1,
                goal_skill_ids=tuple(rng.sample(skills, rng.randint(1, 3))),
                gaps=gaps,
                utc_offset_minutes=rng.choice(ZONES),
                preferred_time=rng.choice(list(PreferredTime.values)),
                region=rng.choice(REGIONS),
                languages=tuple(rng.sample(langs, 2)),
                style=rng.choice(["", *CoachingStyle.values]),
                team_id=rng.randint(1, 40),
                excluded_mentor_ids=frozenset({rng.choice(mentors).user_id}),
            )
        )
    return mentees, mentors, ctx


def run(n: int, m: int) -> dict:
    mentees, mentors, ctx = build(n, m)
    started = time.perf_counter()
    scores = np.zeros((n, m))
    for start in range(0, n, 500):
        chunk = mentees[start : start + 500]
        scores[start : start + len(chunk)] = matching.total(matching.score_parts(chunk, mentors, ctx), ctx.weights)
    scored = time.perf_counter()
    eligible = matching.eligibility(mentees, mentors)
    capacity = [mo.remaining for mo in mentors]
    pairs = matching.assign(scores, capacity, eligible)
    solved = time.perf_counter()
    load = np.bincount([j for _, j in pairs], minlength=m)
    assert (load <= np.array(capacity)).all(), "over capacity"
    assert all(eligible[i, j] for i, j in pairs), "ineligible pair"
    assert len({i for i, _ in pairs}) == len(pairs), "a mentee placed twice"
    return {
        "mentees": n,
        "mentors": m,
        "seats": int(sum(capacity)),
        "placed": len(pairs),
        "total_score": round(float(sum(scores[i, j] for i, j in pairs)) * 100, 1),
        "score_seconds": round(scored - started, 3),
        "solve_seconds": round(solved - scored, 3),
        "total_seconds": round(solved - started, 3),
    }


def main() -> dict:
    results = {}
    for n, m in ((2000, 500), (5000, 500)):
        result = run(n, m)
        results[f"{n}x{m}"] = result
        print(
            f"  {n:>5} mentees x {m} mentors ({result['seats']} seats): score {result['score_seconds']} s, "
            f"solve {result['solve_seconds']} s, placed {result['placed']}"
        )
    return results


if __name__ == "__main__":
    main()
