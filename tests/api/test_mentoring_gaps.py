"""Mentoring over the API beyond issue 6's paths: profiles, the mentor's dashboard, the
programme's numbers and the list of cohort proposals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import services
from mentoring.models import CheckIn, Goal, MenteeProfile, MentorProfile
from tests.factories import make_user
from tests.mentoring.helpers import activate, make_mentee, make_mentor

from .conftest import queries

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mentoring"


def mentor_payload(**overrides) -> dict:
    payload = {
        "capacity": 3,
        "accepting": True,
        "languages": ["en", "sv"],
        "styles": ["role_play"],
        "how_i_coach": "Weekly **role-play** of your next call.",
        "skills": [{"skill": "discovery-questioning", "level": 3}, {"skill": "negotiation", "level": 2}],
        "timezone": "Europe/Stockholm",
        "region": "emea",
    }
    payload.update(overrides)
    return payload


# --- Mentor profile ---------------------------------------------------------------------------------


def test_a_mentor_creates_reads_and_replaces_their_profile(api_for, mentor):
    api = api_for(mentor)
    missing = api.get(f"{BASE}/profile/mentor")
    assert missing.status_code == 404 and "PUT" in missing.json()["detail"]
    r = api.put(f"{BASE}/profile/mentor", mentor_payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert (
        body["capacity"] == 3
        and body["how_i_coach_html"] == "<p>Weekly <strong>role-play</strong> of your next call.</p>"
    )
    assert [(s["slug"], s["level"]) for s in body["skills"]] == [("discovery-questioning", 3), ("negotiation", 2)]
    assert body["timezone"] == "Europe/Stockholm" and body["region"] == "emea" and body["seats_taken"] == 0
    r = api.put(
        f"{BASE}/profile/mentor",
        mentor_payload(capacity=5, accepting=False, skills=[{"skill": "negotiation", "level": 1}]),
    )
    assert r.status_code == 200 and r.json()["capacity"] == 5 and not r.json()["accepting"]
    assert [s["slug"] for s in api.get(f"{BASE}/profile/mentor").json()["skills"]] == ["negotiation"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 21}, "capacity"),
        ({"skills": []}, "skills"),
        ({"skills": [{"skill": "basket-weaving", "level": 2}]}, "skills"),
        ({"skills": [{"skill": "negotiation", "level": 4}]}, "skills.0.level"),
        ({"languages": ["klingon"]}, "languages"),
        ({"styles": ["shouting"]}, "styles"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"region": "moon"}, "region"),
    ],
)
def test_mentor_profile_bad_input_is_422(api_for, mentor, overrides, field):
    r = api_for(mentor).put(f"{BASE}/profile/mentor", mentor_payload(**overrides))
    assert r.status_code == 422, r.content
    assert field in [e["field"].split(".")[0] for e in r.json()["errors"]] or field in [
        e["field"] for e in r.json()["errors"]
    ]
    assert not MentorProfile.objects.filter(user=mentor).exists()


def test_only_mentors_have_a_mentor_profile(api_for, newhire):
    api = api_for(newhire)
    for r in (api.get(f"{BASE}/profile/mentor"), api.put(f"{BASE}/profile/mentor", mentor_payload())):
        assert r.status_code == 403 and "Only mentors" in r.json()["detail"]


# --- Mentee profile ---------------------------------------------------------------------------------


def test_a_mentee_saves_their_profile_and_gets_matches(api_for, newhire):
    make_mentor("sofia", skills={"Discovery questioning": 3})
    api = api_for(newhire)
    assert api.get(f"{BASE}/profile/mentee").status_code == 404
    r = api.put(
        f"{BASE}/profile/mentee",
        {
            "goals": ["discovery-questioning"],
            "preferred_time": "morning",
            "languages": ["es", "en"],
            "about": "I freeze when the buyer asks about *price*.",
            "timezone": "America/Bogota",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert [g["name"] for g in body["goals"]] == ["Discovery questioning"] and body["languages"] == ["es", "en"]
    assert "<em>price</em>" in body["about_html"] and body["timezone"] == "America/Bogota"
    assert body["matches_computed_at"] is not None
    assert api.get(f"{BASE}/matches").json()["items"][0]["mentor"]["username"] == "sofia"
    again = api.put(f"{BASE}/profile/mentee", {"goals": [], "share_with_manager": True})
    assert again.status_code == 200 and again.json()["share_with_manager"] and again.json()["goals"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"preferred_time": "midnight"}, "preferred_time"),
        ({"preferred_style": "shouting"}, "preferred_style"),
        ({"languages": ["xx"]}, "languages"),
        ({"goals": ["basket-weaving"]}, "goals"),
        ({"timezone": "Nowhere/Else"}, "timezone"),
        ({"about": "x" * 2001}, "about"),
    ],
)
def test_mentee_profile_bad_input_is_422(api_for, newhire, payload, field):
    r = api_for(newhire).put(f"{BASE}/profile/mentee", payload)
    assert r.status_code == 422, r.content
    assert field in [e["field"].split(".")[0] for e in r.json()["errors"]] or field in [
        e["field"] for e in r.json()["errors"]
    ]
    assert not MenteeProfile.objects.filter(user=newhire).exists()


def test_at_most_six_goals(api_for, newhire):
    goals = ["prospecting", "discovery-questioning", "multi-threading", "negotiation", "pricing-and-value"]
    goals += ["objection-handling", "champion-building"]
    r = api_for(newhire).put(f"{BASE}/profile/mentee", {"goals": goals})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "goals"


# --- Dashboard, programme, proposals -------------------------------------------------------------------


def test_the_mentor_dashboard(api_for, rainmaker):
    sofia = make_mentor("sofia")
    nina = make_mentee("nina")
    m = activate(nina, sofia)
    Goal.objects.create(mentorship=m, title="Quantify pain", created_by=sofia)
    CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now() + timedelta(days=1), created_by=sofia)
    omar = make_mentee("omar")
    services.mentorship_request(mentee=omar, mentor=sofia, requested_by=omar, message="Hello!")
    body = api_for(sofia).get(f"{BASE}/dashboard").json()
    assert body["url"] == "/mentoring/dashboard/" and body["profile"]["person"]["username"] == "sofia"
    row = body["mentees"][0]
    assert row["mentorship"]["mentee"]["username"] == "nina" and row["open_goals"][0]["title"] == "Quantify pain"
    assert row["next_checkin"] is not None and row["outcomes"]["recent_decided"] == 0
    assert [r["mentee"]["username"] for r in body["requests"]] == ["omar"]
    r = api_for(rainmaker).get(f"{BASE}/dashboard")
    assert r.status_code == 403 and r.json()["detail"] == "The dashboard is for mentors."


def test_the_programme_numbers_for_managers(api_for, manager, mentor):
    sofia = make_mentor("sofia", capacity=4)
    activate(make_mentee("nina"), sofia)
    body = api_for(manager).get(f"{BASE}/programme").json()
    assert body["counts"]["active"] == 1
    assert body["ramp"]["enough_data"] is False and body["ramp"]["difference"] is None
    cap = next(c for c in body["capacity"] if c["mentor"]["username"] == "sofia")
    assert (cap["capacity"], cap["seats_taken"], cap["active"]) == (4, 1, 1)
    assert api_for(mentor).get(f"{BASE}/programme").status_code == 403


def test_proposals_list(api_for, manager, newhire):
    make_mentor("sofia")
    make_mentee("nina")
    boss = api_for(manager)
    first = boss.post(f"{BASE}/assignments", {}).json()
    created = boss.post(f"{BASE}/assignments", {}).json()
    body = boss.get(f"{BASE}/assignments").json()
    assert body["count"] == 2 and [p["id"] for p in body["items"]] == [created["id"], first["id"]]  # newest first
    assert body["items"][0]["pair_count"] == len(created["pairs"]) and body["items"][0]["confirmed_count"] == 0
    assert boss.get(f"{BASE}/assignments?status=proposed").json()["count"] == 2
    assert boss.get(f"{BASE}/assignments?status=lost").status_code == 422
    assert api_for(newhire).get(f"{BASE}/assignments").status_code == 403


def test_dashboard_and_proposals_queries_do_not_grow(api_for, manager):
    sofia = make_mentor("sofia", capacity=20)
    activate(make_mentee(), sofia)
    api, boss = api_for(sofia), api_for(manager)
    boss.post(f"{BASE}/assignments", {})
    calls = [lambda: api.get(f"{BASE}/dashboard"), lambda: boss.get(f"{BASE}/assignments?page_size=100")]
    for fn in calls:
        fn()
    small = [queries(fn) for fn in calls]
    for _ in range(5):
        m = activate(make_mentee(), sofia)
        Goal.objects.create(mentorship=m, title="Multi-thread", created_by=sofia)
        boss.post(f"{BASE}/assignments", {"include_active": True})
    make_user("extra", roles=("new_hire",))
    large = [queries(fn) for fn in calls]
    assert large == small, (small, large)
