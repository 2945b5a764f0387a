"""Does mentoring work? Ramp time mentored vs not, with honest samples and intervals; mentors by results."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from community.models import Practice, Response
from mentoring import programme, services
from tests.factories import make_user

from .helpers import Browser, activate, make_mentee, make_mentor, make_technique, stage, won_deal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def cohort(mentor, *, mentored_days: list[int], other_days: list[int], ramping: int = 0) -> None:
    """New hires who started 200 days ago and won their first deal after N days."""
    today = timezone.localdate()
    start = today - timedelta(days=200)
    for i, days in enumerate(mentored_days):
        hire = make_user(f"m{i}", roles=("new_hire",), start_date=start)
        m = activate(hire, mentor, started_days_ago=190)
        m.started_at = timezone.now() - timedelta(days=190)
        m.save(update_fields=["started_at"])
        won_deal(hire, start + timedelta(days=days))
        won_deal(hire, start + timedelta(days=days + 30))  # only the first counts
    for i, days in enumerate(other_days):
        hire = make_user(f"o{i}", roles=("new_hire",), start_date=start)
        won_deal(hire, start + timedelta(days=days))
        won_deal(hire, start - timedelta(days=100))  # a deal from before they joined does not count
    for i in range(ramping):
        make_user(f"r{i}", roles=("new_hire",), start_date=start)


def test_not_enough_data_is_said_not_hidden():
    sofia = make_mentor("sofia", capacity=20)
    cohort(sofia, mentored_days=[30, 40], other_days=[60], ramping=3)
    result = programme.ramp_comparison(today=timezone.localdate())
    assert result["enough_data"] is False and result["difference"] is None
    assert result["mentored"]["ramped"] == 2 and result["not_mentored"]["ramped"] == 1
    assert result["not_mentored"]["ramping"] == 3
    assert result["mentored"]["median"] == 35


def test_ramp_difference_with_a_bootstrap_interval():
    sofia = make_mentor("sofia", capacity=20)
    cohort(sofia, mentored_days=[30, 35, 40, 45, 50, 55], other_days=[60, 70, 80, 90, 100, 110], ramping=2)
    result = programme.ramp_comparison(today=timezone.localdate())
    assert result["enough_data"]
    assert result["mentored"]["median"] == 42.5 and result["not_mentored"]["median"] == 85
    assert result["mentored"]["mean"] == 42.5 and result["not_mentored"]["ramping"] == 2
    d = result["difference"]
    assert d["median_days"] == -42.5
    assert d["ci_low"] < d["median_days"] < d["ci_high"] < 0  # clearly faster, with the interval to say so
    # Same data, same interval (seeded).
    again = programme.ramp_comparison(today=timezone.localdate())["difference"]
    assert again == d


def test_only_new_hires_are_in_the_ramp_comparison():
    """New hires by flag, mentee profile or mentorship, and ordinary reps (ramped alumni) count;
    managers and rainmakers or mentors hired as such do not, even with a recent start date."""
    start = timezone.localdate() - timedelta(days=100)
    counted = [
        make_user("flagged", roles=("new_hire",), start_date=start),
        make_mentee("profiled", started_days_ago=100),  # made a rainmaker below: the profile counts
        make_user("alumna", start_date=start),  # ramped: the new-hire flag was cleared
    ]
    ignored = [
        make_user("boss", roles=("manager",), start_date=start),
        make_user("star", roles=("rainmaker",), start_date=start),
        make_mentor("coach", start_date=start),
        make_user("veteran", start_date=start - timedelta(days=900)),  # outside the window
    ]
    User.objects.filter(username="profiled").update(is_new_hire=False, is_rainmaker=True)
    for i, person in enumerate(counted + ignored):
        won_deal(person, start + timedelta(days=20 + i))
    result = programme.ramp_comparison(today=timezone.localdate())
    assert result["not_mentored"]["days"] == [20, 21, 22]
    assert result["mentored"]["ramped"] == 0 and result["not_mentored"]["ramping"] == 0


def test_a_mentorship_begun_after_the_first_win_does_not_count_as_mentored():
    sofia = make_mentor("sofia", capacity=20)
    today = timezone.localdate()
    start = today - timedelta(days=100)
    early = make_user("early", roles=("new_hire",), start_date=start)
    activate(early, sofia, started_days_ago=95)  # day 5, won on day 40: mentored
    won_deal(early, start + timedelta(days=40))
    late = make_user("late", roles=("new_hire",), start_date=start)
    activate(late, sofia, started_days_ago=70)  # day 30, after the win on day 25: not mentored
    won_deal(late, start + timedelta(days=25))
    same_day = make_user("same", roles=("new_hire",), start_date=start)
    activate(same_day, sofia, started_days_ago=80)  # day 20, the day of the win: not mentored
    won_deal(same_day, start + timedelta(days=20))
    ramping = make_user("ramping", roles=("new_hire",), start_date=start)
    activate(ramping, sofia, started_days_ago=90)  # mentored, no win yet
    result = programme.ramp_comparison(today=today)
    assert result["mentored"]["days"] == [40] and result["mentored"]["ramping"] == 1
    assert result["not_mentored"]["days"] == [20, 25] and result["not_mentored"]["ramping"] == 0
    assert result["mentored_after_ramp"] == 2


def test_the_programme_page_says_who_was_mentored_only_after_ramping(client_for):
    boss = make_user("boss", roles=("manager",))
    sofia = make_mentor("sofia", capacity=20)
    start = timezone.localdate() - timedelta(days=100)
    late = make_user("late", roles=("new_hire",), start_date=start)
    activate(late, sofia, started_days_ago=70)
    won_deal(late, start + timedelta(days=25))
    page = Browser(client_for(boss)).get("/mentoring/programme/").content.decode()
    assert "before their first won deal; 1 person whose mentorship began only after they had ramped counts" in page


def test_bootstrap_interval_covers_no_difference_for_identical_groups():
    diff, low, high = programme.median_difference_interval([30, 40, 50, 60, 70], [30, 40, 50, 60, 70], resamples=2000)
    assert diff == 0 and low < 0 < high


@override_settings(MENTORING_RAMP_EVENT="stage_advance")
def test_ramp_can_count_the_first_stage_advance():
    sofia = make_mentor("sofia")
    hire = make_mentee("nina", started_days_ago=40)
    technique = make_technique(sofia)
    Practice.objects.create(
        rep=hire,
        technique=technique,
        stage=stage("Discovery"),
        response=Response.STAGE_ADVANCED,
        practised_at=timezone.now() - timedelta(days=10),
    )
    result = programme.ramp_comparison(today=timezone.localdate())
    assert result["event_label"] == "first stage advanced"
    assert result["not_mentored"]["days"] == [30]


def test_mentor_effectiveness_before_and_after():
    sofia = make_mentor("sofia", display_name="Sofia")
    samir = make_mentor("samir", display_name="Samir")
    nina = make_mentee("nina", started_days_ago=120)
    liam = make_mentee("liam", started_days_ago=120)
    technique = make_technique(sofia)
    activate(nina, sofia, started_days_ago=40)
    activate(liam, samir, started_days_ago=40)

    def practices(rep, *, days_ago: int, successes: int, failures: int) -> None:
        when = timezone.now() - timedelta(days=days_ago)
        Practice.objects.bulk_create(
            [
                Practice(rep=rep, technique=technique, stage=stage("Discovery"), response=r, practised_at=when)
                for r in [Response.MEETING_BOOKED] * successes + [Response.STALLED] * failures
            ]
        )

    practices(nina, days_ago=60, successes=3, failures=7)  # before: 30%
    practices(nina, days_ago=20, successes=7, failures=3)  # after: 70%
    practices(liam, days_ago=20, successes=5, failures=5)  # no "before": not counted
    rows = {r["mentor_name"]: r for r in programme.mentor_effectiveness(now=timezone.now(), ramp={nina.pk: 50})}
    sofia_row = rows["Sofia"]
    assert sofia_row["counted"] == 1 and sofia_row["median_ramp"] == 50 and sofia_row["ramped"] == 1
    change = sofia_row["change"]
    assert change["before_rate"] == 0.3 and change["after_rate"] == 0.7 and change["change"] == pytest.approx(0.4)
    assert change["ci_low"] < 0.4 < change["ci_high"] and (change["before_n"], change["after_n"]) == (10, 10)
    assert rows["Samir"]["change"] is None and rows["Samir"]["counted"] == 0


def test_chart_is_self_contained_svg():
    sofia = make_mentor("sofia", capacity=20)
    cohort(sofia, mentored_days=[30, 35, 40, 45, 50], other_days=[60, 70, 80, 90, 100])
    svg = programme.ramp_chart(programme.ramp_comparison(today=timezone.localdate()))
    assert svg.startswith("<svg") and "Mentored (n=5)" in svg and "Not mentored (n=5)" in svg  # never truncated
    assert "<script" not in svg and "kozea.github.io" not in svg
    assert not re.search(r'(src|href)="(https?:)?//', svg)  # no external requests
    assert programme.ramp_chart({"mentored": {"days": []}, "not_mentored": {"days": []}}) is None


def test_programme_page_shows_the_comparison(client_for):
    boss = make_user("boss", roles=("manager",))
    sofia = make_mentor("sofia", capacity=20, display_name="Sofia")
    cohort(sofia, mentored_days=[30, 35, 40, 45, 50, 55], other_days=[60, 70, 80, 90, 100, 110])
    page = Browser(client_for(boss)).get("/mentoring/programme/").content.decode()
    assert re.search(r"a median of <strong>4[23] days sooner</strong>", page)
    assert "95% interval" in page and "<svg" in page and "Not enough data" not in page
    # The interval's ends read in the verdict's direction (no "sooner (interval -50 to -10 days)").
    assert re.search(r"95% interval from \d+ days sooner to \d+ days sooner\)", page), page


def test_days_apart_in_words():
    from mentoring.views import _days_apart

    assert _days_apart(-81.2) == "81 days sooner"
    assert _days_apart(24) == "24 days later"
    assert _days_apart(1) == "1 day later"
    assert _days_apart(0.3) == "no difference"


def test_programme_numbers_are_cached_and_refreshed_on_change(
    django_assert_max_num_queries, django_assert_num_queries, django_capture_on_commit_callbacks
):
    sofia = make_mentor("sofia", capacity=20)
    cohort(sofia, mentored_days=[30], other_days=[60])
    first = programme.programme_overview()
    assert first["ramp"]["mentored"]["median"] == 30
    with django_assert_max_num_queries(0):
        assert programme.programme_overview() == first  # served from the cache
    nina = make_mentee("late")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)  # bumps the version
    with django_assert_max_num_queries(20) as ctx:
        programme.programme_overview()
    assert len(ctx.captured_queries) > 0  # recomputed
