"""The statistics against published worked examples and hand-computed values."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from community.models import OutcomeSettings, Practice, Response, TechniquePage, TechniqueStats
from community.selectors import success_responses
from community.techniques import stats
from tests.community.techniques_helpers import clean_outcome_settings_cache, deal, persona, practices, published  # noqa: F401
from tests.factories import make_user

# --- Wilson interval: Newcombe (1998a), Statistics in Medicine 17:857-872, Table I, method 3 ---


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_interval_matches_newcombe_1998a(x, n, low, high):
    got_low, got_high = stats.wilson_interval(x, n)
    assert round(got_low, 4) == low and round(got_high, 4) == high


def test_wilson_without_data_is_unknown_not_zero():
    assert stats.wilson_interval(0, 0) == (None, None)


# --- Difference of proportions: Newcombe (1998b), Statistics in Medicine 17:873-890, Table II,
# method 10 (score interval from Wilson limits). ---


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_difference_matches_newcombe_1998b(x1, n1, x2, n2, low, high):
    diff, got_low, got_high = stats.newcombe_difference(x1, n1, x2, n2)
    assert diff == pytest.approx(x1 / n1 - x2 / n2)
    assert round(got_low, 4) == low and round(got_high, 4) == high


def test_difference_without_a_group_is_unknown():
    assert stats.newcombe_difference(3, 10, 0, 0) == (None, None, None)


# --- Mantel-Haenszel risk difference with Sato's variance ---

# Agresti (2013), Categorical Data Analysis, 3rd ed., table on p. 226 (drug vs control in eight
# centres): MH estimate of the common difference 0.130 with SE 0.050 (p. 231).
AGRESTI_CENTRES = [
    (11, 36, 10, 37),
    (16, 20, 22, 32),
    (14, 19, 7, 19),
    (2, 16, 1, 17),
    (6, 17, 0, 12),
    (1, 11, 0, 10),
    (1, 5, 1, 9),
    (4, 6, 6, 7),
]


def test_mantel_haenszel_difference_matches_agresti():
    rd, low, high, used = stats.mantel_haenszel_difference(AGRESTI_CENTRES)
    assert used == 8
    assert round(rd, 3) == 0.130
    se = (high - rd) / 1.959964
    assert round(se, 3) == 0.050
    assert (round(low, 4), round(high, 4)) == (0.0313, 0.2284)


def test_mantel_haenszel_with_one_stratum_is_the_wald_difference():
    # One stratum: Sato's variance reduces to p1q1/n1 + p0q0/n0 (hand computed for 56/70 vs 48/80).
    rd, low, high, _ = stats.mantel_haenszel_difference([(56, 70, 48, 80)])
    se = (0.8 * 0.2 / 70 + 0.6 * 0.4 / 80) ** 0.5
    assert rd == pytest.approx(0.2)
    assert low == pytest.approx(0.2 - 1.959964 * se, abs=1e-5)
    assert high == pytest.approx(0.2 + 1.959964 * se, abs=1e-5)


def test_mantel_haenszel_skips_strata_without_both_groups():
    rd, _, _, used = stats.mantel_haenszel_difference([(3, 5, 0, 0), (0, 0, 2, 4), (5, 10, 2, 10)])
    assert used == 1 and rd == pytest.approx(0.3)
    assert stats.mantel_haenszel_difference([(3, 5, 0, 0)]) == (None, None, None, 0)


def test_stratifying_by_rep_removes_the_rainmaker_advantage():
    """Rainmakers succeed more anyway and use the technique more: the crude lift is large, the
    within-rep lift is zero (Simpson's paradox, the reason for the second comparison)."""
    # Rainmaker: 80% with or without; new hire: 20% with or without.
    strata = [(40, 50, 8, 10), (2, 10, 10, 50)]
    crude_lift = 42 / 60 - 18 / 60
    assert crude_lift == pytest.approx(0.4)
    rd, low, high, _ = stats.mantel_haenszel_difference(strata)
    assert rd == pytest.approx(0.0, abs=1e-12) and low < 0 < high


# --- Labels and drift ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "lift", "low", "high", "within", "w_low", "w_high", "label"),
    [
        (19, 0.3, 0.1, 0.5, 0.3, 0.1, 0.5, "not_enough_data"),
        (20, 0.15, 0.05, 0.25, 0.12, 0.02, 0.22, "proven"),
        (20, 0.15, 0.05, 0.25, None, None, None, "proven"),
        (20, 0.15, 0.05, 0.25, 0.05, -0.05, 0.15, "promising"),
        (20, 0.06, -0.04, 0.16, 0.04, -0.06, 0.14, "promising"),
        (20, 0.01, -0.09, 0.11, 0.01, -0.09, 0.11, "no_better"),
        (20, 0.15, 0.05, 0.25, -0.02, -0.12, 0.08, "no_better"),
        (20, -0.15, -0.25, -0.05, -0.1, -0.2, 0.0, "worse"),
        (20, -0.05, -0.15, 0.05, -0.12, -0.2, -0.04, "worse"),
    ],
)
def test_evidence_labels(decided, lift, low, high, within, w_low, w_high, label):
    got = stats.evidence_label(
        decided=decided,
        min_sample=20,
        lift=lift,
        lift_low=low,
        lift_high=high,
        within=within,
        within_low=w_low,
        within_high=w_high,
    )
    assert got == label


def test_drift_needs_a_significant_change_outside_the_interval():
    # Historical 80/100 (Wilson 71.1%-86.7%); recent 10/30 = 33%: slipping.
    direction, low, high = stats.drift_direction(
        recent_successes=10, recent_n=30, hist_successes=80, hist_n=100, min_sample=20
    )
    assert direction == "down" and round(low, 3) == 0.711 and round(high, 3) == 0.867
    # Recent 20/30 = 67% is below the interval, but not significantly different: no flag.
    assert (
        stats.drift_direction(recent_successes=20, recent_n=30, hist_successes=80, hist_n=100, min_sample=20)[0] is None
    )
    # Too little recent data, or history: no judgement.
    assert (
        stats.drift_direction(recent_successes=0, recent_n=5, hist_successes=80, hist_n=100, min_sample=20)[0] is None
    )
    assert stats.drift_direction(recent_successes=0, recent_n=30, hist_successes=8, hist_n=10, min_sample=20)[0] is None
    assert (
        stats.drift_direction(recent_successes=30, recent_n=30, hist_successes=40, hist_n=100, min_sample=20)[0] == "up"
    )


# --- Stored statistics, hand computed --------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_recompute_stores_hand_computed_numbers(rainmaker):
    """Technique T: 8 successes of 10 by two reps; the baseline (another technique, same stage,
    same period): 3 of 10 by the same reps. Hand computed: rate 0.8, Wilson 0.4902-0.9433; the
    baseline's Wilson interval 0.1078-0.6032; so Newcombe's lift interval is
    0.5 - sqrt((0.8-0.4902)^2 + (0.6032-0.3)^2) = 0.0665 to 0.5 + sqrt((0.9433-0.8)^2 + (0.3-0.1078)^2)
    = 0.7398; within reps (equal weights) the MH difference is (0.4 + 0.6) / 2 = 0.5."""
    rep2 = make_user("rep.two")
    t = published(rainmaker, title="T")
    other = published(rainmaker, title="Other")
    practices(rainmaker, t, successes=4, failures=1)
    practices(rep2, t, successes=4, failures=1)
    practices(rainmaker, other, successes=2, failures=3)
    practices(rep2, other, successes=1, failures=4)
    # A pending practice counts as a use, not in the rates.
    Practice.objects.create(rep=rep2, technique=t, stage=t.stage, response=Response.PENDING)
    stats.recompute([t.pk])
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert (row.uses, row.decided, row.successes, row.distinct_reps) == (11, 10, 8, 2)
    assert row.success_rate == pytest.approx(0.8)
    assert (round(row.ci_low, 4), round(row.ci_high, 4)) == (0.4902, 0.9433)
    assert (row.baseline_uses, row.baseline_successes) == (10, 3)
    assert row.baseline_rate == pytest.approx(0.3)
    assert row.lift == pytest.approx(0.5)
    assert row.lift_ci_low == pytest.approx(0.0665, abs=5e-4) and row.lift_ci_high == pytest.approx(0.7397, abs=5e-4)
    # Rainmaker: 4/5 vs 2/5; rep two: 4/5 vs 1/5 -> MH weights equal -> (0.4 + 0.6) / 2.
    assert row.within_rep_lift == pytest.approx(0.5)
    assert row.other_reps_uses == 6 and row.other_reps_success_rate == pytest.approx(0.8)
    assert row.evidence == "not_enough_data"  # 10 decided < 20
    assert row.details["pending"] == 1
    t.refresh_from_db()
    assert (t.uses_count, t.evidence, t.success_rate, t.lift) == (
        11,
        "not_enough_data",
        pytest.approx(0.8),
        pytest.approx(0.5),
    )
    # The baseline technique was recomputed too (it shares the stage).
    assert TechniqueStats.objects.filter(technique=other, segment="overall").exists()


def test_segments_per_stage_and_persona(rainmaker):
    t = published(rainmaker, title="T", stage_slug="negotiation")
    other = published(rainmaker, title="Other", stage_slug="negotiation")
    practices(rainmaker, t, successes=3, failures=1, persona=persona("procurement"))
    practices(rainmaker, other, successes=1, failures=1, persona=persona("procurement"))
    practices(rainmaker, other, successes=0, failures=2, persona=persona("legal"))
    stats.recompute(None)
    segments = {s.segment: s for s in TechniqueStats.objects.filter(technique=t)}
    procurement = segments[f"persona:{persona('procurement').pk}"]
    assert set(segments) == {"overall", f"stage:{t.stage_id}", f"persona:{persona('procurement').pk}"}
    assert procurement.details["label"] == "With Procurement"
    # Persona baseline: only procurement practices of other techniques (1 of 2).
    assert (procurement.baseline_uses, procurement.baseline_successes) == (2, 1)
    assert segments["overall"].baseline_uses == 4


def test_evidence_label_with_enough_data_and_configurable_sample_size(rainmaker):
    t = published(rainmaker, title="Strong")
    other = published(rainmaker, title="Usual")
    practices(rainmaker, t, successes=18, failures=2)
    practices(rainmaker, other, successes=6, failures=14)
    stats.recompute(None)
    t.refresh_from_db()
    assert t.evidence == "proven" and t.lift_ci_low > 0
    OutcomeSettings.objects.create(min_sample_size=25, success_responses=["meeting_booked"])
    stats.recompute(None)
    t.refresh_from_db()
    assert t.evidence == "not_enough_data"


def test_success_responses_come_from_the_managers_setting(rainmaker):
    assert set(success_responses()) == {"meeting_booked", "next_step_agreed", "stage_advanced", "won"}
    setting = OutcomeSettings.objects.create(success_responses=["won"], min_sample_size=20)
    assert success_responses() == ("won",)
    setting.success_responses = ["won", "stage_advanced"]
    setting.save()
    assert set(success_responses()) == {"won", "stage_advanced"}
    cache.clear()


def test_win_rates_and_new_hires(rainmaker):
    hire = make_user("hire", roles=("new_hire",), start_date=timezone.localdate() - timedelta(days=30))
    t = published(rainmaker, title="T")
    other = published(rainmaker, title="Other")
    won, lost, lost2 = deal(rainmaker, status="won"), deal(rainmaker, status="lost"), deal(hire, status="lost")
    practices(rainmaker, t, successes=1, failures=0, deal=won)
    practices(hire, t, successes=0, failures=1, deal=lost2)
    practices(rainmaker, other, successes=0, failures=1, deal=lost)
    stats.recompute(None)
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert row.win_rate_used == pytest.approx(0.5)  # 1 of 2 closed deals
    assert row.win_rate_not_used == pytest.approx(0.0)
    assert row.new_hire_uses == 1 and row.new_hire_success_rate == pytest.approx(0.0)


def test_practices_arriving_recompute_on_commit(rainmaker, django_capture_on_commit_callbacks):
    from community.techniques.services import practice_log

    t = published(rainmaker, title="T")
    with django_capture_on_commit_callbacks(execute=True):
        practice_log(rep=rainmaker, technique=t, response=Response.WON)
    t.refresh_from_db()
    assert t.uses_count == 1 and t.success_rate == 1.0 and t.stats_updated_at is not None


def test_recompute_command_and_periodic_job(rainmaker):
    from io import StringIO

    from django.core.management import call_command

    from core import periodic

    t = published(rainmaker, title="T")
    practices(rainmaker, t, successes=1, failures=1)
    out = StringIO()
    call_command("recompute_outcomes", stdout=out)
    assert "Recomputed the statistics of 1 technique" in out.getvalue()
    assert TechniquePage.objects.get(pk=t.pk).uses_count == 2
    assert "community.recompute_outcomes" in periodic.JOBS


def test_changing_the_settings_recomputes_everything(rainmaker, django_capture_on_commit_callbacks):
    t = published(rainmaker, title="T")
    practices(rainmaker, t, successes=3, failures=1)  # meeting_booked and no_response
    stats.recompute(None)
    with django_capture_on_commit_callbacks(execute=True):
        OutcomeSettings.objects.create(success_responses=["won"], min_sample_size=20)
    t.refresh_from_db()
    assert t.success_rate == 0.0  # a booked meeting no longer counts


# --- What the technique page shows ---------------------------------------------------------------


NONE = "\u2013"  # what the page shows for a number that cannot be computed (an en dash)


def _text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" ,", ",")


def _segment_html(html: str, segment: str) -> str:
    start = html.index(">", html.index(f'id="segment-{segment.replace(":", "")}"')) + 1
    return html[start : html.index("</details>", start)]


def test_the_page_shows_every_statistic_of_each_segment(client_for, rainmaker, newhire):
    from tests.community.techniques_helpers import browser, segment_world, stage

    t = segment_world(rainmaker, newhire)
    html = browser(client_for, newhire).get(t.url).content.decode()
    assert "By stage and persona" in html
    # Stages first (by name), then personas; one disclosure each, with its glance in the summary.
    order = [
        html.index(f'id="segment-{key}"')
        for key in (f"stage{stage().pk}", f"stage{stage('qualification').pk}", f"persona{persona('champion').pk}")
    ]
    assert order == sorted(order)
    qualification = _segment_html(html, f"stage:{stage('qualification').pk}")
    summary = _text(qualification[: qualification.index("</summary>")])
    assert summary.startswith("At Qualification") and "3 uses" in summary and "33% success" in summary
    assert "lift -17 pts" in summary and "Not enough data" in summary
    text = _text(qualification)
    for expected in (
        "Uses 3 by 1 rep on 1 deal",
        "Success rate 33%, 95% interval",
        "(1 of 3 decided)",
        "Team baseline 50% (1 of 2)",
        "Lift over the baseline -17 pts, 95% interval",
        "Against the same reps without it -17 pts",
        "(1 rep)",
        f"Win rate of closed deals 0% where it was used (0 of 1), {NONE} where it was not (0 of 0)",
        "Reps other than the author 33% success (95% interval",
        "over 3 uses, 3 decided",
        "New hires 33% success",
        f"Last 90 days 33% success (1 of 3), against {NONE} before",
    ):
        assert expected in text, (expected, text)
    discovery = _text(_segment_html(html, f"stage:{stage().pk}"))
    assert "Uses 5 by 1 rep on 1 deal" in discovery and "100% where it was used (1 of 1)" in discovery
    assert f"Reps other than the author {NONE} success over 0 uses, 0 decided" in discovery
    champion = _text(_segment_html(html, f"persona:{persona('champion').pk}"))
    assert champion.startswith("With Champion") and "Team baseline 67% (2 of 3)" in champion


# --- The baseline's period, distinct deals, the within-rep interval, drift ---------------------------


def _at(day, hour: int, minute: int = 0):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _practice(rep, technique, when, response=Response.MEETING_BOOKED, **fields):
    return Practice.objects.create(
        rep=rep, technique=technique, stage=technique.stage, practised_at=when, response=response, **fields
    )


def test_the_baseline_is_limited_to_the_days_the_technique_was_used(rainmaker):
    """T's decided uses fall on days D1 and D2 (UTC); the baseline counts the other technique's
    practices on D1 to D2 whole days, and nothing the day before or after. A pending use later on
    does not stretch the period (it has no outcome to compare)."""
    from datetime import UTC, datetime

    t = published(rainmaker, title="T")
    other = published(rainmaker, title="Other")
    d1 = (datetime.now(UTC) - timedelta(days=40)).date()
    d2 = d1 + timedelta(days=10)
    _practice(rainmaker, t, _at(d1, 12))
    _practice(rainmaker, t, _at(d2, 12), Response.NO_RESPONSE)
    _practice(rainmaker, t, _at(d2 + timedelta(days=5), 12), Response.PENDING)
    inside = [
        _practice(rainmaker, other, _at(d1, 0, 30)),  # the same day, before T's first use
        _practice(rainmaker, other, _at(d1 + timedelta(days=4), 9), Response.LOST),
        _practice(rainmaker, other, _at(d2, 23, 30), Response.STALLED),  # the last day, after T's last use
    ]
    for when in (
        _at(d1 - timedelta(days=1), 23, 30),
        _at(d2 + timedelta(days=1), 0, 30),
        _at(d1, 12) - timedelta(days=90),
    ):
        _practice(rainmaker, other, when)  # outside the period: all successes, which would lift the baseline
    _practice(rainmaker, other, _at(d2 + timedelta(days=3), 12))  # after the period, beside T's pending use
    stats.recompute([t.pk])
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert (row.uses, row.decided, row.successes) == (3, 2, 1)
    assert (row.baseline_uses, row.baseline_successes) == (len(inside), 1)
    assert row.baseline_rate == pytest.approx(1 / 3)
    assert row.details["period"] == [d1.isoformat(), d2.isoformat()]
    # Without the period the baseline would have been 5 of 7.
    assert Practice.objects.filter(technique=other).count() == 7


def test_distinct_reps_and_deals_are_counted_once_each(rainmaker):
    rep2 = make_user("rep.two")
    t = published(rainmaker, title="T")
    a, b, c = deal(rainmaker), deal(rainmaker), deal(rep2)
    practices(rainmaker, t, successes=2, failures=0, deal=a)  # deal A twice
    practices(rainmaker, t, successes=0, failures=1, deal=b)
    practices(rep2, t, successes=1, failures=0, deal=a)  # deal A again, by another rep
    practices(rep2, t, successes=1, failures=1, deal=c)
    practices(rep2, t, successes=1, failures=0)  # no deal: not a deal
    stats.recompute([t.pk])
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert (row.uses, row.distinct_reps, row.distinct_deals) == (7, 2, 3)


def test_within_rep_interval_is_sato_by_hand(rainmaker):
    """Two reps, two strata (a, n1, c, n0): the author (4, 5, 2, 5) and rep two (4, 5, 1, 5).
    By hand, with n = 10 and weights n1 n0 / n = 2.5 each:
      RD = sum((a n0 - c n1) / n) / sum(w) = (1.0 + 1.5) / 5 = 0.5
      P = sum((n1^2 c - n0^2 a + n1 n0 (n0 - n1) / 2) / n^2) = -0.5 - 0.75 = -1.25
      Q = sum((a (n0 - c) + c (n1 - a)) / (2 n)) = 0.7 + 0.85 = 1.55
      var = (RD P + Q) / sum(w)^2 = (-0.625 + 1.55) / 25 = 0.037
      95% interval = 0.5 -/+ 1.959964 * sqrt(0.037) = 0.1230 to 0.8770."""
    rep2 = make_user("rep.two")
    t = published(rainmaker, title="T")
    other = published(rainmaker, title="Other")
    practices(rainmaker, t, successes=4, failures=1)
    practices(rep2, t, successes=4, failures=1)
    practices(rainmaker, other, successes=2, failures=3)
    practices(rep2, other, successes=1, failures=4)
    stats.recompute([t.pk])
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert row.within_rep_lift == pytest.approx(0.5)
    assert row.within_rep_ci_low == pytest.approx(0.1230, abs=5e-5)
    assert row.within_rep_ci_high == pytest.approx(0.8770, abs=5e-5)
    assert row.details["within_rep"] == {"strata": 2, "uses": 10}


def _drifting(rainmaker, *, hist: tuple[int, int], recent: tuple[int, int]):
    t = published(rainmaker, title="Slipping or not")
    practices(rainmaker, t, successes=hist[0], failures=hist[1] - hist[0], days_ago=200)
    practices(rainmaker, t, successes=recent[0], failures=recent[1] - recent[0], days_ago=10)
    stats.recompute([t.pk])
    return t


def test_a_technique_whose_last_90_days_fell_is_flagged_and_the_page_says_results_slipping(
    client_for, rainmaker, newhire
):
    """Before the last 90 days 40 of 50 (Wilson 67.0%-88.8%); in them 3 of 20 (15%)."""
    from tests.community.techniques_helpers import browser

    t = _drifting(rainmaker, hist=(40, 50), recent=(3, 20))
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert row.drifting and row.details["drift"] == "down"
    assert (row.details["recent"]["decided"], row.details["recent"]["successes"]) == (20, 3)
    assert (row.details["historical"]["decided"], row.details["historical"]["successes"]) == (50, 40)
    assert (
        round(row.details["historical"]["ci"][0], 3) == 0.670 and round(row.details["historical"]["ci"][1], 3) == 0.888
    )
    html = browser(client_for, newhire).get(t.url).content.decode()
    notice = re.search(r'<p class="notice\s*" role="note">(.*?)</p>', html, re.S)
    assert notice, "no drift notice on the page"
    assert _text(notice.group(1)) == (
        "Results slipping: 15% success over the last 90 days (3 of 20), outside its earlier interval of 67%\u201389%."
    )
    assert "Results slipping:" in _text(_segment_html(html, f"stage:{t.stage_id}"))


def test_a_technique_doing_better_lately_says_results_improving(client_for, rainmaker, newhire):
    from tests.community.techniques_helpers import browser

    t = _drifting(rainmaker, hist=(10, 50), recent=(18, 20))
    row = TechniqueStats.objects.get(technique=t, segment="overall")
    assert row.drifting and row.details["drift"] == "up"
    html = browser(client_for, newhire).get(t.url).content.decode()
    notice = re.search(r'<p class="notice notice--ok" role="note">(.*?)</p>', html, re.S)
    assert notice and _text(notice.group(1)).startswith("Results improving: 90% success over the last 90 days")
    assert "Results slipping" not in html


def test_steady_results_raise_no_flag_and_no_notice(client_for, rainmaker, newhire):
    from tests.community.techniques_helpers import browser

    t = _drifting(rainmaker, hist=(40, 50), recent=(15, 20))  # 75%, inside 67%-89%
    assert not TechniqueStats.objects.get(technique=t, segment="overall").drifting
    html = browser(client_for, newhire).get(t.url).content.decode()
    assert "Results slipping" not in html and "Results improving" not in html
    assert "results slipping" not in html
