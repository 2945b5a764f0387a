"""Does mentoring work? Ramp time mentored vs not, and each mentor's mentees' results.

Heavy numbers (ramp comparison with a bootstrap interval, per-mentor effect, the chart) are
computed once and cached; the cache key carries a version that every lifecycle change bumps
(services._programme_changed) and an hourly job warms it. Live figures (capacity, pending
requests) are cheap queries read fresh.

Honesty rules: sample sizes are shown beside every number; below MENTORING_RAMP_MIN_GROUP
people per group there is no comparison ("not enough data"); people still ramping are
counted, not dropped silently; this is an observational comparison, not an experiment.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import pygal
from django.core.cache import cache
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from pygal.style import Style
from scipy import stats

from accounts.models import User
from community.models import Deal, Practice, Response
from community.selectors import success_responses

from . import conf
from .models import MentorProfile, Mentorship
from .selectors import seats_taken_subquery

CACHE_PREFIX = "mentoring:programme"


# --- Ramp time ---------------------------------------------------------------------------------


def first_ramp_events(people: list[User], event: str) -> dict[int, date]:
    """Per person, the date of their first ramp event on or after their start date (1 query)."""
    ids = [p.pk for p in people]
    if not ids:
        return {}
    if event == "stage_advance":
        rows = (
            Practice.objects.filter(rep_id__in=ids, response=Response.STAGE_ADVANCED)
            .filter(practised_at__date__gte=F("rep__start_date"))
            .values("rep_id")
            .annotate(first=Min("practised_at"))
            .values_list("rep_id", "first")
        )
        return {rid: first.date() for rid, first in rows}
    if event != "won_deal":
        raise ValueError("MENTORING_RAMP_EVENT must be 'won_deal' or 'stage_advance'.")
    rows = (
        Deal.objects.filter(owner_id__in=ids, status=Deal.Status.WON, closed_date__isnull=False)
        .filter(closed_date__gte=F("owner__start_date"))
        .values("owner_id")
        .annotate(first=Min("closed_date"))
        .values_list("owner_id", "first")
    )
    return dict(rows)


def _group_stats(days: list[int], ramping: int) -> dict:
    return {
        "ramped": len(days),
        "ramping": ramping,
        "median": statistics.median(days) if days else None,
        "mean": round(statistics.fmean(days), 1) if days else None,
        "days": sorted(days),
    }


def median_difference_interval(
    a: list[int], b: list[int], *, resamples: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Median(a) - median(b) with a percentile bootstrap interval (seeded: same data, same answer)."""
    diff = float(np.median(a) - np.median(b))
    res = stats.bootstrap(
        (np.asarray(a, dtype=float), np.asarray(b, dtype=float)),
        lambda x, y, axis=-1: np.median(x, axis=axis) - np.median(y, axis=axis),
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(20261125),
    )
    return diff, float(res.confidence_interval.low), float(res.confidence_interval.high)


def ramp_cohort(*, today: date, window: int) -> list[User]:
    """The new hires of the ramp comparison: active people who started in the last `window`
    days and joined as new hires. That is anyone flagged new hire, with a mentee profile or who
    has had a mentorship as mentee, and any ordinary rep (no role): the new-hire flag is cleared
    once someone has ramped, so a rep without a role who started recently ramped from it. Not
    managers, and not rainmakers or mentors hired as such (experienced people do not ramp). 1 query."""
    was_mentee = Exists(Mentorship.objects.filter(mentee_id=OuterRef("pk"), started_at__isnull=False))
    return list(
        User.objects.filter(
            is_active=True, is_manager=False, start_date__gte=today - timedelta(days=window), start_date__lte=today
        )
        .filter(
            Q(is_new_hire=True) | Q(mentee_profile__isnull=False) | was_mentee | Q(is_rainmaker=False, is_mentor=False)
        )
        .only("id", "start_date")
    )


def ramp_comparison(*, today: date) -> dict:
    """Ramp time (start date -> first ramp event) of recent new hires, mentored vs not (3 queries).

    Mentored = their first mentorship started within MENTORING_MENTORED_WITHIN_DAYS of their
    start date and before their first ramp event (a strictly earlier day): a mentorship that
    began once they had ramped did not shorten that ramp, so they count as not mentored (and
    are counted in "mentored_after_ramp" so the page can say so).
    """
    event = conf.get("MENTORING_RAMP_EVENT")
    window = conf.get("MENTORING_RAMP_WINDOW_DAYS")
    within = conf.get("MENTORING_MENTORED_WITHIN_DAYS")
    min_group = conf.get("MENTORING_RAMP_MIN_GROUP")
    people = ramp_cohort(today=today, window=window)
    starts = {p.pk: p.start_date for p in people}
    first_mentorship = dict(
        Mentorship.objects.filter(mentee_id__in=list(starts), started_at__isnull=False)
        .values("mentee_id")
        .annotate(first=Min("started_at"))
        .values_list("mentee_id", "first")
    )
    events = first_ramp_events(people, event)
    groups: dict[str, list[int]] = {"mentored": [], "not_mentored": []}
    ramping = {"mentored": 0, "not_mentored": 0}
    after_ramp = 0
    for pid, start in starts.items():
        began = first_mentorship.get(pid)
        began_day = timezone.localdate(began) if began is not None else None
        ramped_on = events.get(pid)
        mentored = began_day is not None and began_day <= start + timedelta(days=within)
        if mentored and ramped_on is not None and began_day >= ramped_on:
            mentored = False
            after_ramp += 1
        key = "mentored" if mentored else "not_mentored"
        if ramped_on is not None:
            groups[key].append((ramped_on - start).days)
        else:
            ramping[key] += 1
    out = {
        "event": event,
        "event_label": "first won deal" if event == "won_deal" else "first stage advanced",
        "window_days": window,
        "mentored_within_days": within,
        "min_group": min_group,
        "mentored": _group_stats(groups["mentored"], ramping["mentored"]),
        "not_mentored": _group_stats(groups["not_mentored"], ramping["not_mentored"]),
        "mentored_after_ramp": after_ramp,
        "difference": None,
        "enough_data": False,
    }
    a, b = groups["mentored"], groups["not_mentored"]
    if len(a) >= min_group and len(b) >= min_group:
        diff, low, high = median_difference_interval(a, b, resamples=conf.get("MENTORING_BOOTSTRAP_RESAMPLES"))
        out["difference"] = {"median_days": diff, "ci_low": low, "ci_high": high, "confidence": 0.95}
        out["enough_data"] = True
    return out


# --- Mentor effectiveness ------------------------------------------------------------------------


def _diff_interval(s1: int, n1: int, s2: int, n2: int) -> tuple[float, float, float]:
    """Difference of two proportions (after - before) with a Newcombe (Wilson) 95% interval."""
    z = 1.959963984540054

    def wilson(s: int, n: int) -> tuple[float, float]:
        p = s / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson(s1, n1)
    l2, u2 = wilson(s2, n2)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(d), float(low), float(high)


def mentor_effectiveness(*, now: datetime, ramp: dict[int, int]) -> list[dict]:
    """Per mentor: their mentees, those mentees' ramp, and success rate before vs after the
    mentorship started (pooled over mentees with enough practices on both sides). 3 queries."""
    window = timedelta(days=conf.get("MENTORING_EFFECT_WINDOW_DAYS"))
    min_practices = conf.get("MENTORING_EFFECT_MIN_PRACTICES")
    mentorships = list(
        Mentorship.objects.filter(started_at__isnull=False)
        .select_related("mentor")
        .only(
            "id",
            "mentee_id",
            "mentor_id",
            "started_at",
            "ended_at",
            "status",
            "mentor__display_name",
            "mentor__username",
            "mentor__first_name",
            "mentor__last_name",
        )
        .order_by("mentor_id", "started_at")
    )
    mentee_ids = {m.mentee_id for m in mentorships}
    daily: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    if mentee_ids:
        rows = (
            Practice.objects.filter(rep_id__in=list(mentee_ids))
            .exclude(response=Response.PENDING)
            .annotate(day=TruncDate("practised_at"))
            .values("rep_id", "day")
            .annotate(decided=Count("id"), successes=Count("id", filter=Q(response__in=success_responses())))
            .order_by()
        )
        for row in rows:
            daily[row["rep_id"]].append((row["day"], row["decided"], row["successes"]))
    by_mentor: dict[int, dict] = {}
    for m in mentorships:
        entry = by_mentor.setdefault(
            m.mentor_id,
            {"mentor": m.mentor, "mentees": set(), "before": [0, 0], "after": [0, 0], "counted": 0, "ramp_days": []},
        )
        entry["mentees"].add(m.mentee_id)
        start = m.started_at.date()
        end = min((m.ended_at or now).date(), (m.started_at + window).date())
        b = [0, 0]
        a = [0, 0]
        for day, decided, successes in daily.get(m.mentee_id, []):
            if start - window <= day < start:
                b[0] += decided
                b[1] += successes
            elif start <= day <= end:
                a[0] += decided
                a[1] += successes
        if b[0] >= min_practices and a[0] >= min_practices:
            entry["counted"] += 1
            entry["before"][0] += b[0]
            entry["before"][1] += b[1]
            entry["after"][0] += a[0]
            entry["after"][1] += a[1]
    out = []
    for entry in by_mentor.values():
        ramp_days = [ramp[mid] for mid in entry["mentees"] if mid in ramp]
        change = None
        (bd, bs), (ad, as_) = entry["before"], entry["after"]
        if entry["counted"]:
            d, low, high = _diff_interval(as_, ad, bs, bd)
            change = {
                "before_rate": bs / bd,
                "after_rate": as_ / ad,
                "change": d,
                "ci_low": low,
                "ci_high": high,
                "before_n": bd,
                "after_n": ad,
            }
        out.append(
            {
                "mentor_id": entry["mentor"].pk,
                "mentor_name": entry["mentor"].name,
                "mentor_url": entry["mentor"].get_absolute_url(),
                "mentees": len(entry["mentees"]),
                "ramped": len(ramp_days),
                "median_ramp": statistics.median(ramp_days) if ramp_days else None,
                "counted": entry["counted"],
                "change": change,
            }
        )
    out.sort(key=lambda e: (-(e["change"]["change"] if e["change"] else -9), e["mentor_name"]))
    return out


# --- Chart ---------------------------------------------------------------------------------------


CHART_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1b2330",
    foreground_strong="#1b2330",
    foreground_subtle="#5f6b7a",
    colors=("#0b5cad", "#9a5b00"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
)


def ramp_chart(comparison: dict) -> str | None:
    """A box plot of ramp days per group (server-side SVG, no script, no external request)."""
    a, b = comparison["mentored"]["days"], comparison["not_mentored"]["days"]
    if not a and not b:
        return None
    chart = pygal.Box(
        style=CHART_STYLE,
        box_mode="tukey",
        height=300,
        width=640,
        js=[],  # pygal's default loads tooltips from a CDN: never
        show_legend=False,
        y_title=f"Days to {comparison['event_label']}",
        disable_xml_declaration=True,
        explicit_size=False,
        print_values=False,
        truncate_label=-1,  # never cut "Not mentored (n=…)": the sample size is the point
    )
    chart.x_labels = [f"Mentored (n={len(a)})", f"Not mentored (n={len(b)})"]
    chart.add("Mentored", a or [None])
    chart.add("Not mentored", b or [None])
    # pygal inlines a config <script> for its (unused) tooltips: drop it, the SVG needs no JS.
    svg = re.sub(r"<script\b.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S)


# --- The page's numbers ------------------------------------------------------------------------------


def _version() -> int:
    version = cache.get(f"{CACHE_PREFIX}:version")
    if version is None:
        version = 1
        cache.set(f"{CACHE_PREFIX}:version", version, None)
    return version


def programme_overview(*, refresh: bool = False, now: datetime | None = None) -> dict:
    """The cached heavy numbers of the programme page (ramp comparison, chart, per mentor)."""
    key = f"{CACHE_PREFIX}:overview:{_version()}"
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    now = now or timezone.now()
    comparison = ramp_comparison(today=timezone.localdate(now))
    starts = dict(User.objects.filter(start_date__isnull=False).values_list("pk", "start_date"))
    mentee_ids = list(Mentorship.objects.filter(started_at__isnull=False).values_list("mentee_id", flat=True))
    people = [User(pk=pid, start_date=starts[pid]) for pid in set(mentee_ids) if pid in starts]
    events = first_ramp_events(people, comparison["event"])
    ramp = {pid: (events[pid] - starts[pid]).days for pid in events}
    data = {
        "ramp": comparison,
        "chart": ramp_chart(comparison),
        "mentors": mentor_effectiveness(now=now, ramp=ramp),
        "computed_at": now,
    }
    cache.set(key, data, conf.get("MENTORING_PROGRAMME_CACHE_SECONDS"))
    return data


def capacity_table() -> list[MentorProfile]:
    """Mentors with capacity, seats taken, active and pending counts (1 query)."""
    return list(
        MentorProfile.objects.filter(user__is_active=True, user__is_mentor=True)
        .select_related("user")
        .annotate(
            seats_taken=seats_taken_subquery(),
            active_count=Count("user__mentor_mentorships", filter=Q(user__mentor_mentorships__status="active")),
            pending_count=Count("user__mentor_mentorships", filter=Q(user__mentor_mentorships__status="requested")),
        )
        .order_by("user__display_name", "user__username")
    )


def programme_counts() -> dict:
    """Headline counts (1 query each, 3 in all)."""
    by_status = dict(Mentorship.objects.order_by().values_list("status").annotate(n=Count("id")))
    new_hires = User.objects.filter(is_active=True, is_new_hire=True)
    without = new_hires.exclude(
        pk__in=Mentorship.objects.filter(status__in=Mentorship.SEATED).values("mentee_id")
    ).count()
    return {
        "active": by_status.get("active", 0),
        "requested": by_status.get("requested", 0),
        "completed": by_status.get("completed", 0),
        "ended_early": by_status.get("ended_early", 0),
        "declined": by_status.get("declined", 0),
        "new_hires_without_mentor": without,
    }
