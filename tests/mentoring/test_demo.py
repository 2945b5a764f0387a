"""The demo: believable mentoring for `make run`, consistent with the accounts seeder's story."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.demo import ALUMNI, ALUMNI_MENTOR_OF
from accounts.models import User
from community.discussion_services import thread_for_object
from mentoring import programme
from mentoring.models import CheckIn, Goal, MatchScore, MenteeProfile, MentorProfile, Mentorship

pytestmark = pytest.mark.django_db


def test_demo_mentoring(client):
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert MentorProfile.objects.count() == User.objects.filter(is_mentor=True).count()
    assert MenteeProfile.objects.count() >= User.objects.filter(is_new_hire=True).count()
    active = Mentorship.objects.filter(status="active").select_related("mentee", "mentor")
    assert active.count() >= 6
    # newhire has no mentor (the demo shows finding one) but stored, explained matches.
    newhire = User.objects.get(username="newhire")
    assert not Mentorship.objects.filter(mentee=newhire).exists()
    matches = list(MatchScore.objects.filter(mentee=newhire))
    assert matches and all(m.reasons for m in matches)
    # Requests waiting for `mentor`, a completed mentorship, and a poor fit that was replaced.
    assert Mentorship.objects.filter(mentor__username="mentor", status="requested").count() >= 1
    # Each waiting request tells its mentor what the matcher saw.
    for pending in Mentorship.objects.filter(status="requested"):
        assert pending.match_score is not None and pending.match_reasons, pending
    assert Mentorship.objects.filter(status="completed").exists()
    assert Mentorship.objects.filter(status="ended_early", fit="poor").exists()
    # Active mentorships have goals, past check-ins with notes and an upcoming one.
    for m in active:
        assert Goal.objects.filter(mentorship=m).exists(), m
        assert CheckIn.objects.filter(mentorship=m, scheduled_for__gt=timezone.now(), status="scheduled").exists()
    assert CheckIn.objects.filter(status="done").exclude(notes_html="").count() >= 6
    # Nobody over capacity.
    for profile in MentorProfile.objects.annotate(
        seats=Count("user__mentor_mentorships", filter=Q(user__mentor_mentorships__status__in=["active", "requested"]))
    ):
        assert profile.seats <= profile.capacity, profile.user
    # The pages show it.
    assert client.login(username="mentor", password="rainmaker-demo")
    assert "Requests waiting for your answer" in client.get("/mentoring/dashboard/").content.decode()
    assert client.login(username="manager", password="rainmaker-demo")
    page = client.get("/mentoring/programme/").content.decode()
    assert "Ramp time" in page and "Capacity" in page
    # One story: the alumni with a (completed) mentorship are exactly those the outcome
    # simulation ramped with a mentor, and both groups are big enough for a comparison.
    alumni = {row[0] for row in ALUMNI}
    completed = set(
        Mentorship.objects.filter(status="completed", mentee__username__in=alumni).values_list(
            "mentee__username", "mentor__username"
        )
    )
    assert completed == set(ALUMNI_MENTOR_OF.items())
    assert not Mentorship.objects.filter(mentee__username__in=alumni - set(ALUMNI_MENTOR_OF)).exists()
    ramp = programme.programme_overview()["ramp"]
    assert ramp["mentored"]["ramped"] >= ramp["min_group"] and ramp["not_mentored"]["ramped"] >= ramp["min_group"], ramp
    assert ramp["enough_data"] and ramp["mentored_after_ramp"] == 0
    assert ramp["difference"]["median_days"] < 0  # the simulation ramps mentored people faster
    assert "Not enough data" not in page and "95% interval" in page
    # Completed mentorships keep their coaching conversation as a read-only record of that time;
    # active ones are open.
    for m in Mentorship.objects.filter(status__in=["completed", "active"]):
        thread = thread_for_object(m, create=False)
        assert thread is not None and thread.message_count > 0, m
        if m.status == "completed":
            assert thread.archived_at is not None and thread.archived_at <= m.ended_at, m
            assert thread.last_message_at <= m.ended_at, m
        else:
            assert thread.archived_at is None, m
