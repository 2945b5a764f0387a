"""Outcome statistics of techniques, computed honestly and stored (never per request).

The maths lives in small pure functions tested against published worked examples:

- `wilson_interval`: the Wilson score interval of one proportion (statsmodels), as in
  Newcombe (1998a), "Two-sided confidence intervals for the single proportion".
- `newcombe_difference`: the difference of two independent proportions with Newcombe's
  hybrid score interval ("method 10" of Newcombe 1998b), via statsmodels.
- `mantel_haenszel_difference`: the Mantel-Haenszel common risk difference over strata
  (here: reps) with Sato's (1989) variance, consistent with many small strata; checked
  against Agresti (2013, p. 226-231).

`recompute()` applies them to the practices: for each technique, overall and per stage and
per persona, it compares the technique's decided practices with the *baseline* (practices of
other techniques at the same stages, over the same period) and, to be fair to techniques that
rainmakers use, with the same reps' own practices without it. Results go to TechniqueStats
rows and the TechniquePage evidence summary fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.stats import norm
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

ALPHA = 0.05
DRIFT_WINDOW_DAYS = 90
DRIFT_MIN_RECENT = 10  # decided uses in the last 90 days before drift is judged
PROMISING_MIN_LIFT = 0.03  # three points over the baseline before "promising"
NEW_HIRE_DAYS = 182  # weeks 0-26 of a rep's ramp
MONTHS_SHOWN = 12


# --- The formulas -----------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, alpha: float = ALPHA) -> tuple[float | None, float | None]:
    """Wilson score interval for successes/n; (None, None) without data."""
    if n <= 0:
        return None, None
    low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, alpha: float = ALPHA
) -> tuple[float | None, float | None, float | None]:
    """p1 - p2 with Newcombe's hybrid score interval; Nones when either group is empty."""
    if n1 <= 0 or n2 <= 0:
        return None, None, None
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha)
    return x1 / n1 - x2 / n2, max(-1.0, float(low)), min(1.0, float(high))


def mantel_haenszel_difference(
    strata: Iterable[tuple[int, int, int, int]], alpha: float = ALPHA
) -> tuple[float | None, float | None, float | None, int]:
    """Mantel-Haenszel risk difference with Sato's variance.

    Each stratum is (a, n1, c, n0): successes and size with the technique, successes and size
    without it. Strata lacking either group carry no information and are skipped. Returns
    (difference, ci_low, ci_high, strata used).
    """
    weight = numerator = p_sum = q_sum = 0.0
    used = 0
    for a, n1, c, n0 in strata:
        if n1 <= 0 or n0 <= 0:
            continue
        n = n1 + n0
        used += 1
        weight += n1 * n0 / n
        numerator += (a * n0 - c * n1) / n
        p_sum += (n1 * n1 * c - n0 * n0 * a + n1 * n0 * (n0 - n1) / 2) / (n * n)
        q_sum += (a * (n0 - c) + c * (n1 - a)) / (2 * n)
    if weight == 0:
        return None, None, None, 0
    rd = numerator / weight
    variance = max(0.0, (rd * p_sum + q_sum) / (weight * weight))
    half = float(norm.ppf(1 - alpha / 2)) * math.sqrt(variance)
    return rd, max(-1.0, rd - half), min(1.0, rd + half), used


def evidence_label(
    *,
    decided: int,
    min_sample: int,
    lift: float | None,
    lift_low: float | None,
    lift_high: float | None,
    within: float | None,
    within_low: float | None,
    within_high: float | None,
) -> str:
    """What the numbers say, in one of five words (see README: "Evidence labels")."""
    if decided < min_sample or lift is None:
        return "not_enough_data"
    if lift_low > 0 and (within is None or within_low > 0):
        return "proven"
    if (lift_high < 0 and (within is None or within < 0)) or (within_high is not None and within_high < 0 and lift < 0):
        return "worse"
    if (lift >= PROMISING_MIN_LIFT or lift_low > 0 or (within_low is not None and within_low > 0)) and (
        within is None or within > 0
    ):
        return "promising"
    return "no_better"


def drift_direction(
    *, recent_successes: int, recent_n: int, hist_successes: int, hist_n: int, min_sample: int
) -> tuple[str | None, float | None, float | None]:
    """Has the last 90 days left the technique's historical interval?

    "down" (results slipping) when the recent rate falls below the historical Wilson interval
    and the change itself is significant (Newcombe interval of recent - historical below zero),
    "up" symmetrically; the second condition keeps ordinary noise in a small recent sample from
    raising the flag. Returns (direction or None, historical low, historical high).
    """
    low, high = wilson_interval(hist_successes, hist_n)
    if hist_n < min_sample or recent_n < DRIFT_MIN_RECENT or low is None:
        return None, low, high
    rate = recent_successes / recent_n
    _, change_low, change_high = newcombe_difference(recent_successes, recent_n, hist_successes, hist_n)
    if rate < low and change_high < 0:
        return "down", low, high
    if rate > high and change_low > 0:
        return "up", low, high
    return None, low, high


def _rate(successes: int, n: int) -> float | None:
    return successes / n if n else None


# --- Loading the practices --------------------------------------------------------------------


@dataclass
class Rows:
    """All practices needed for one computation, as parallel numpy arrays (one row each)."""

    technique: np.ndarray
    rep: np.ndarray  # dense index into `rep_ids`
    stage: np.ndarray
    persona: np.ndarray  # -1 when unknown
    deal: np.ndarray  # -1 when none
    day: np.ndarray  # days since the epoch (float)
    month: np.ndarray  # year * 12 + month - 1
    decided: np.ndarray  # bool: a response other than pending
    success: np.ndarray  # bool
    new_hire: np.ndarray  # bool: practised in the rep's first 26 weeks
    deal_won: np.ndarray  # 1 won, 0 lost, -1 open or no deal
    rep_ids: list[int]

    def __len__(self) -> int:
        return len(self.technique)


def _epoch_days(value: datetime) -> float:
    return value.timestamp() / 86400.0


def load_rows(*, stage_ids: Sequence[int] | None, success: Sequence[str]) -> Rows:
    """Practices (optionally only at some stages) with what the statistics need: 3 queries."""
    from accounts.models import User
    from community.models import Deal, Practice, Response

    qs = Practice.objects.all()
    if stage_ids is not None:
        qs = qs.filter(stage_id__in=list(stage_ids))
    values = list(
        qs.values_list("technique_id", "rep_id", "stage_id", "persona_id", "deal_id", "practised_at", "response")
    )
    rep_index: dict[int, int] = {}
    for row in values:
        rep_index.setdefault(row[1], len(rep_index))
    reps = {
        pk: (start, flag)
        for pk, start, flag in User.objects.filter(pk__in=list(rep_index)).values_list(
            "pk", "start_date", "is_new_hire"
        )
    }
    deal_ids = {row[4] for row in values if row[4] is not None}
    deals = dict(Deal.objects.filter(pk__in=deal_ids).values_list("pk", "status")) if deal_ids else {}
    n = len(values)
    success_set = set(success)
    arrays = {
        "technique": np.empty(n, dtype=np.int64),
        "rep": np.empty(n, dtype=np.int64),
        "stage": np.empty(n, dtype=np.int64),
        "persona": np.empty(n, dtype=np.int64),
        "deal": np.empty(n, dtype=np.int64),
        "day": np.empty(n, dtype=np.float64),
        "month": np.empty(n, dtype=np.int64),
        "decided": np.empty(n, dtype=bool),
        "success": np.empty(n, dtype=bool),
        "new_hire": np.empty(n, dtype=bool),
        "deal_won": np.empty(n, dtype=np.int64),
    }
    for i, (technique, rep, stage, persona, deal, when, response) in enumerate(values):
        arrays["technique"][i] = technique
        arrays["rep"][i] = rep_index[rep]
        arrays["stage"][i] = stage
        arrays["persona"][i] = -1 if persona is None else persona
        arrays["deal"][i] = -1 if deal is None else deal
        arrays["day"][i] = _epoch_days(when)
        arrays["month"][i] = when.year * 12 + when.month - 1
        arrays["decided"][i] = response != Response.PENDING
        arrays["success"][i] = response in success_set
        start, flag = reps.get(rep, (None, False))
        arrays["new_hire"][i] = (0 <= (when.date() - start).days < NEW_HIRE_DAYS) if start else bool(flag)
        status = deals.get(deal)
        arrays["deal_won"][i] = 1 if status == "won" else 0 if status == "lost" else -1
    return Rows(rep_ids=list(rep_index), **arrays)


# --- Computing one technique ------------------------------------------------------------------


@dataclass
class TechniqueInfo:
    id: int
    author_id: int | None
    stage_id: int


def _counts(mask: np.ndarray, rows: Rows) -> tuple[int, int]:
    decided = mask & rows.decided
    return int(decided.sum()), int((decided & rows.success).sum())


def _deal_win_rate(mask: np.ndarray, rows: Rows, exclude: set[int] | None = None) -> tuple[int, int, set[int]]:
    deals = rows.deal[mask]
    won = rows.deal_won[mask]
    seen: dict[int, int] = {}
    for deal, status in zip(deals.tolist(), won.tolist(), strict=True):
        if deal >= 0 and (exclude is None or deal not in exclude):
            seen[deal] = status
    closed = [s for s in seen.values() if s >= 0]
    return sum(closed), len(closed), set(seen)


def _monthly(mask: np.ndarray, rows: Rows, now: datetime) -> list[dict]:
    current = now.year * 12 + now.month - 1
    months = list(range(current - MONTHS_SHOWN + 1, current + 1))
    out = []
    for m in months:
        in_month = mask & (rows.month == m)
        decided, successes = _counts(in_month, rows)
        year, month = divmod(m, 12)
        out.append(
            {
                "month": f"{year:04d}-{month + 1:02d}",
                "label": datetime(year, month + 1, 1).strftime("%b %Y"),
                "uses": int(in_month.sum()),
                "decided": decided,
                "successes": successes,
                "other": decided - successes,
                "waiting": int(in_month.sum()) - decided,
                "rate": _rate(successes, decided),
            }
        )
    # Drop leading empty months: the chart starts when the technique was first used.
    while out and out[0]["uses"] == 0 and len(out) > 3:
        out.pop(0)
    return out


def segment_stats(
    *,
    info: TechniqueInfo,
    rows: Rows,
    segment_mask: np.ndarray,
    technique_mask: np.ndarray,
    persona: int | None,
    min_sample: int,
    now: datetime,
    label: str,
    with_series: bool,
) -> dict:
    """The numbers of one technique in one segment (all fields of TechniqueStats)."""
    uses_mask = technique_mask & segment_mask
    decided_mask = uses_mask & rows.decided
    decided, successes = _counts(uses_mask, rows)
    uses = int(uses_mask.sum())
    success_rate = _rate(successes, decided)
    ci_low, ci_high = wilson_interval(successes, decided)

    # Baseline: other techniques' decided practices at the stages this one was used at (and
    # the same persona for persona segments), over the period of this technique's uses.
    # The period is whole (UTC) days, from the day of its first decided use to that of its last.
    if decided:
        first = math.floor(float(rows.day[decided_mask].min()))
        last = math.floor(float(rows.day[decided_mask].max())) + 1
        stages = np.unique(rows.stage[decided_mask])
    else:
        first = last = 0
        stages = np.array([info.stage_id])
    base_mask = (~technique_mask) & np.isin(rows.stage, stages) & (rows.day >= first) & (rows.day < last)
    if persona is not None:
        base_mask &= rows.persona == persona
    base_decided, base_successes = _counts(base_mask, rows) if decided else (0, 0)
    lift, lift_low, lift_high = newcombe_difference(successes, decided, base_successes, base_decided)

    # Within reps: each rep who used it is a stratum; compare with their own baseline practices.
    r = len(rows.rep_ids)
    a = np.bincount(rows.rep[decided_mask & rows.success], minlength=r)
    n1 = np.bincount(rows.rep[decided_mask], minlength=r)
    base_dec = base_mask & rows.decided if decided else np.zeros(len(rows), dtype=bool)
    c = np.bincount(rows.rep[base_dec & rows.success], minlength=r)
    n0 = np.bincount(rows.rep[base_dec], minlength=r)
    strata = [(int(a[i]), int(n1[i]), int(c[i]), int(n0[i])) for i in np.flatnonzero(n1)]
    within, within_low, within_high, strata_used = mantel_haenszel_difference(strata)
    within_n = sum(s[1] for s in strata if s[3] > 0)

    # Deals where it was used vs. comparable deals where it was not.
    won_used, closed_used, used_deals = _deal_win_rate(uses_mask, rows)
    won_not, closed_not, _ = _deal_win_rate(base_mask, rows, exclude=used_deals)

    # Replication: reps other than the author, and new hires alone.
    author_rep = rows.rep_ids.index(info.author_id) if info.author_id in rows.rep_ids else -1
    others_mask = uses_mask & (rows.rep != author_rep)
    others_decided, others_successes = _counts(others_mask, rows)
    hires_mask = uses_mask & rows.new_hire
    hires_decided, hires_successes = _counts(hires_mask, rows)

    # Drift: the last 90 days against the interval of everything before.
    cutoff = _epoch_days(now - timedelta(days=DRIFT_WINDOW_DAYS))
    recent_decided, recent_successes = _counts(uses_mask & (rows.day >= cutoff), rows)
    hist_decided, hist_successes = _counts(uses_mask & (rows.day < cutoff), rows)
    drift, hist_low, hist_high = drift_direction(
        recent_successes=recent_successes,
        recent_n=recent_decided,
        hist_successes=hist_successes,
        hist_n=hist_decided,
        min_sample=min_sample,
    )

    evidence = evidence_label(
        decided=decided,
        min_sample=min_sample,
        lift=lift,
        lift_low=lift_low,
        lift_high=lift_high,
        within=within if within_n >= min_sample // 2 else None,
        within_low=within_low if within_n >= min_sample // 2 else None,
        within_high=within_high if within_n >= min_sample // 2 else None,
    )
    other_low, other_high = wilson_interval(others_successes, others_decided)
    hire_low, hire_high = wilson_interval(hires_successes, hires_decided)
    details = {
        "label": label,
        "pending": int((uses_mask & ~rows.decided).sum()),
        "period": [_iso_day(first), _iso_day(last - 1)] if decided else None,
        "within_rep": {"strata": strata_used, "uses": within_n},
        "other_reps": {"decided": others_decided, "successes": others_successes, "ci": [other_low, other_high]},
        "new_hires": {"decided": hires_decided, "successes": hires_successes, "ci": [hire_low, hire_high]},
        "deals": {
            "won_used": won_used,
            "closed_used": closed_used,
            "won_not_used": won_not,
            "closed_not_used": closed_not,
        },
        "recent": {
            "days": DRIFT_WINDOW_DAYS,
            "decided": recent_decided,
            "successes": recent_successes,
            "rate": _rate(recent_successes, recent_decided),
        },
        "historical": {
            "decided": hist_decided,
            "successes": hist_successes,
            "rate": _rate(hist_successes, hist_decided),
            "ci": [hist_low, hist_high],
        },
        "drift": drift,
    }
    if with_series:
        details["monthly"] = _monthly(uses_mask, rows, now)
    return {
        "uses": uses,
        "successes": successes,
        "decided": decided,
        "distinct_reps": len(np.unique(rows.rep[uses_mask])),
        "distinct_deals": len({d for d in rows.deal[uses_mask].tolist() if d >= 0}),
        "success_rate": success_rate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "baseline_uses": base_decided,
        "baseline_successes": base_successes,
        "baseline_rate": _rate(base_successes, base_decided),
        "lift": lift,
        "lift_ci_low": lift_low,
        "lift_ci_high": lift_high,
        "within_rep_lift": within,
        "within_rep_ci_low": within_low,
        "within_rep_ci_high": within_high,
        "win_rate_used": _rate(won_used, closed_used),
        "win_rate_not_used": _rate(won_not, closed_not),
        "other_reps_uses": int(others_mask.sum()),
        "other_reps_success_rate": _rate(others_successes, others_decided),
        "new_hire_uses": int(hires_mask.sum()),
        "new_hire_success_rate": _rate(hires_successes, hires_decided),
        "drifting": drift is not None,
        "evidence": evidence,
        "details": details,
    }


def _iso_day(day: float) -> str:
    return datetime.fromtimestamp(day * 86400.0, tz=UTC).date().isoformat()


def technique_segments(
    *, info: TechniqueInfo, rows: Rows, min_sample: int, now: datetime, stage_names: dict, persona_names: dict
) -> dict[str, dict]:
    """Overall, per stage and per persona numbers of one technique: {segment: fields}."""
    technique_mask = rows.technique == info.id
    everything = np.ones(len(rows), dtype=bool)
    out = {
        "overall": segment_stats(
            info=info,
            rows=rows,
            segment_mask=everything,
            technique_mask=technique_mask,
            persona=None,
            min_sample=min_sample,
            now=now,
            label="All uses",
            with_series=True,
        )
    }
    for stage in sorted(set(rows.stage[technique_mask].tolist())):
        out[f"stage:{stage}"] = segment_stats(
            info=info,
            rows=rows,
            segment_mask=rows.stage == stage,
            technique_mask=technique_mask,
            persona=None,
            min_sample=min_sample,
            now=now,
            label=f"At {stage_names.get(stage, 'another stage')}",
            with_series=False,
        )
    for persona in sorted(set(rows.persona[technique_mask].tolist()) - {-1}):
        out[f"persona:{persona}"] = segment_stats(
            info=info,
            rows=rows,
            segment_mask=rows.persona == persona,
            technique_mask=technique_mask,
            persona=persona,
            min_sample=min_sample,
            now=now,
            label=f"With {persona_names.get(persona, 'another persona')}",
            with_series=False,
        )
    return out


# --- Writing ------------------------------------------------------------------------------------


def _affected(technique_ids: Iterable[int]) -> tuple[list[int], list[int]]:
    """Techniques whose numbers change when these techniques' practices change, and the stages
    their computation reads. A technique's baseline is every other practice at its stages, so
    all techniques used at those stages are recomputed."""
    from community.models import Practice, TechniquePage

    ids = list(technique_ids)
    stages = set(Practice.objects.filter(technique_id__in=ids).values_list("stage_id", flat=True).distinct())
    stages |= set(TechniquePage.objects.filter(pk__in=ids).values_list("stage_id", flat=True))
    affected = set(ids) | set(
        Practice.objects.filter(stage_id__in=stages).values_list("technique_id", flat=True).distinct()
    )
    read_stages = stages | set(
        Practice.objects.filter(technique_id__in=affected).values_list("stage_id", flat=True).distinct()
    )
    return sorted(affected), sorted(read_stages)


def recompute(technique_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
    """Recompute and store the statistics of some techniques (and those sharing their baseline),
    or of all techniques when `technique_ids` is None. Returns how many techniques were written."""
    from community.models import OutcomeSettings, TechniquePage, TechniqueStats
    from taxonomy.models import BuyerPersona, SalesStage

    now = now or timezone.now()
    technique_ids = None if technique_ids is None else list(technique_ids)
    config = OutcomeSettings.current()
    if technique_ids is None:
        targets = list(TechniquePage.objects.values_list("pk", "author_id", "stage_id"))
        stage_filter = None
    else:
        ids, stage_filter = _affected(technique_ids)
        targets = list(TechniquePage.objects.filter(pk__in=ids).values_list("pk", "author_id", "stage_id"))
    if not targets:
        return 0
    rows = load_rows(stage_ids=stage_filter, success=config["success_responses"])
    stage_names = dict(SalesStage.objects.values_list("pk", "name"))
    persona_names = dict(BuyerPersona.objects.values_list("pk", "name"))
    stats_rows: list[TechniqueStats] = []
    pages: list[TechniquePage] = []
    for pk, author_id, stage_id in targets:
        info = TechniqueInfo(id=pk, author_id=author_id, stage_id=stage_id)
        segments = technique_segments(
            info=info,
            rows=rows,
            min_sample=config["min_sample_size"],
            now=now,
            stage_names=stage_names,
            persona_names=persona_names,
        )
        for segment, fields in segments.items():
            stats_rows.append(TechniqueStats(technique_id=pk, segment=segment, computed_at=now, **fields))
        overall = segments["overall"]
        pages.append(
            TechniquePage(
                pk=pk,
                evidence=overall["evidence"],
                uses_count=overall["uses"],
                success_rate=overall["success_rate"],
                lift=overall["lift"],
                lift_ci_low=overall["lift_ci_low"],
                lift_ci_high=overall["lift_ci_high"],
                stats_updated_at=now,
            )
        )
    ids = [pk for pk, _, _ in targets]
    stored = ["evidence", "uses_count", "success_rate", "lift", "lift_ci_low", "lift_ci_high"]
    before = {row[0]: row[1:] for row in TechniquePage.objects.filter(pk__in=ids).values_list("pk", *stored)}
    # bulk_update sends no post_save: the search documents of techniques whose numbers moved
    # (evidence, strength, "N uses") are re-indexed explicitly, and so are the techniques whose
    # practices changed (where they worked, for "for my deal").
    changed = {p.pk for p in pages if before.get(p.pk) != tuple(getattr(p, name) for name in stored)}
    changed |= set(technique_ids or ()) & set(ids)
    with transaction.atomic():
        TechniqueStats.objects.filter(technique_id__in=ids).delete()
        TechniqueStats.objects.bulk_create(stats_rows, batch_size=500)
        TechniquePage.objects.bulk_update(pages, [*stored, "stats_updated_at"], batch_size=200)
        if changed:
            from community.search_sources import schedule_techniques

            schedule_techniques(changed)
        relabelled = [p.pk for p in pages if before.get(p.pk, (None,))[0] != p.evidence]
        if relabelled:
            from community.qa import reputation

            reputation.techniques_changed(relabelled)
    return len(ids)
