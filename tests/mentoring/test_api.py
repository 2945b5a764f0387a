"""The mentoring API: the public paths, permissions, privacy, bad input and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import services
from mentoring.models import CheckIn, Goal, Mentorship
from tests.factories import make_user

from .helpers import activate, log_practices, make_mentee, make_mentor, make_technique

pytestmark = pytest.mark.django_db

BASE = "/api/v1/mentoring"


@pytest.fixture
def boss(db):
    return make_user("boss", roles=("manager",), display_name="Dana Okafor")


@pytest.fixture
def pair(boss):
    """Sofia mentors Nina (who reports to boss and did NOT share with him), with a goal and a check-in."""
    sofia = make_mentor("sofia", display_name="Sofia Lindqvist")
    nina = make_mentee("nina", display_name="Nina Patel", manager=boss)
    m = activate(nina, sofia)
    Goal.objects.create(mentorship=m, title="Quantify pain", created_by=sofia)
    CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now() + timedelta(days=1), created_by=sofia)
    return sofia, nina, m


# --- Matches ---------------------------------------------------------------------------------------


def test_matches_ranked_with_score_and_reasons(api_for):
    make_mentor("sofia", skills={"Discovery questioning": 3})
    make_mentor("tom", skills={"Prospecting": 3}, tz="America/Denver", region="na")
    nina = make_mentee("nina", goals=("Discovery questioning",))
    r = api_for(nina).get(f"{BASE}/matches?mentee={nina.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["mentor"]["username"] == "sofia"
    assert 0 <= first["score"] <= 100 and set(first["parts"]) >= {"coverage", "timezone", "diversity"}
    assert first["reasons"][0].startswith("coaches your goal Discovery questioning")
    assert first["reasons_text"] == "; ".join(first["reasons"])
    assert first["remaining_capacity"] == 3
    # Without ?mentee the caller is the mentee.
    assert api_for(nina).get(f"{BASE}/matches").json()["count"] == 2


def test_matches_permissions_and_bad_input(api_for, boss):
    nina, liam = make_mentee("nina"), make_mentee("liam")
    assert api_for(liam).get(f"{BASE}/matches?mentee={nina.pk}").status_code == 403
    assert api_for(boss).get(f"{BASE}/matches?mentee={nina.pk}").status_code == 200
    assert api_for(nina).get(f"{BASE}/matches?mentee=999999").status_code == 404
    r = api_for(nina).get(f"{BASE}/matches?mentee=abc")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "mentee"
    assert api_for(None).get(f"{BASE}/matches").status_code == 401


def test_matches_query_count_is_constant(api_for, django_assert_max_num_queries):
    nina = make_mentee("nina")
    for i in range(2):
        make_mentor(f"m{i}")
    services.matches_refresh(mentee_ids=[nina.pk])
    client = api_for(nina)
    with django_assert_max_num_queries(8) as small:
        assert client.get(f"{BASE}/matches").json()["count"] == 2
    for i in range(2, 12):
        make_mentor(f"m{i}")
    services.matches_refresh(mentee_ids=[nina.pk])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{BASE}/matches").json()["count"] == 12


# --- Requests ----------------------------------------------------------------------------------


def test_request_created_then_repeated(api_for):
    sofia, nina = make_mentor("sofia"), make_mentee("nina")
    client = api_for(nina)
    r = client.post(f"{BASE}/requests", {"mentor_id": sofia.pk, "message": "Help with **discovery**"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "requested" and body["mentor"]["username"] == "sofia"
    assert body["message_html"] == "<p>Help with <strong>discovery</strong></p>"
    assert body["url"] == f"/mentoring/requests/{body['id']}/"
    again = client.post(f"{BASE}/requests", {"mentor_id": sofia.pk})
    assert again.status_code == 200 and again.json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "mentor_id"),
        ({"mentor_id": "x"}, 422, "mentor_id"),
        ({"mentor_id": 999999}, 422, "mentor_id"),
        ({"mentor_id": "SELF"}, 422, "mentor_id"),
        ({"mentor_id": "PLAIN"}, 422, "mentor_id"),
        ({"mentor_id": "SOFIA", "message": "x" * 2001}, 422, "message"),
    ],
)
def test_request_bad_input(api_for, payload, status, field):
    sofia, nina, plain = make_mentor("sofia"), make_mentee("nina"), make_user("plain")
    ids = {"SELF": nina.pk, "PLAIN": plain.pk, "SOFIA": sofia.pk}
    payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    r = api_for(nina).post(f"{BASE}/requests", payload)
    assert r.status_code == status, r.content
    assert field in {e["field"] for e in r.json()["errors"]}
    assert r.json()["detail"]


def test_request_conflicts_and_malformed_json(api_for):
    sofia, nina = make_mentor("sofia", capacity=1), make_mentee("nina")
    activate(make_mentee(), sofia)
    r = api_for(nina).post(f"{BASE}/requests", {"mentor_id": sofia.pk})
    assert r.status_code == 409 and "no free seat" in r.json()["detail"]
    bad = api_for(nina).post(f"{BASE}/requests", "{not json", content_type="application/json")
    assert bad.status_code == 400


def test_only_managers_request_on_someones_behalf(api_for, boss):
    sofia, nina, liam = make_mentor("sofia"), make_mentee("nina"), make_mentee("liam")
    r = api_for(liam).post(f"{BASE}/requests", {"mentor_id": sofia.pk, "mentee_id": nina.pk})
    assert r.status_code == 403
    r = api_for(boss).post(f"{BASE}/requests", {"mentor_id": sofia.pk, "mentee_id": nina.pk})
    assert r.status_code == 201 and r.json()["requested_by"]["username"] == "boss"


def test_only_the_requested_mentor_accepts_or_declines(api_for, boss):
    sofia, samir, nina = make_mentor("sofia"), make_mentor("samir"), make_mentee("nina")
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    # Another mentor may not even know the request exists.
    assert api_for(samir).post(f"{BASE}/requests/{m.pk}/accept").status_code == 404
    assert api_for(samir).post(f"{BASE}/requests/{m.pk}/decline", {"reason": "no"}).status_code == 404
    # The mentee and a manager can see it but not answer it.
    for who in (nina, boss):
        r = api_for(who).post(f"{BASE}/requests/{m.pk}/accept")
        assert r.status_code == 403 and "Only the mentor who was asked" in r.json()["detail"]
    assert api_for(sofia).post(f"{BASE}/requests/999999/accept").status_code == 404
    r = api_for(sofia).post(f"{BASE}/requests/{m.pk}/accept")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert api_for(sofia).post(f"{BASE}/requests/{m.pk}/accept").status_code == 409


def test_decline_needs_a_reason(api_for):
    sofia, nina = make_mentor("sofia"), make_mentee("nina")
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    client = api_for(sofia)
    r = client.post(f"{BASE}/requests/{m.pk}/decline", {})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(f"{BASE}/requests/{m.pk}/decline", {"reason": " "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(f"{BASE}/requests/{m.pk}/decline", {"reason": "Full until March; ask Samir."})
    assert r.status_code == 200 and r.json()["decline_reason"] == "Full until March; ask Samir."


def test_withdraw_by_the_mentee_only(api_for):
    sofia, nina = make_mentor("sofia"), make_mentee("nina")
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    assert api_for(sofia).post(f"{BASE}/requests/{m.pk}/withdraw").status_code == 403
    assert api_for(nina).post(f"{BASE}/requests/{m.pk}/withdraw").json()["status"] == "withdrawn"


# --- Mentorships and privacy -----------------------------------------------------------------------


def test_mentorship_list_shows_what_the_caller_may_see(api_for, pair, boss):
    sofia, nina, m = pair
    outsider = make_mentee("outsider")
    assert [i["id"] for i in api_for(sofia).get(f"{BASE}/mentorships").json()["items"]] == [m.pk]
    assert [i["id"] for i in api_for(nina).get(f"{BASE}/mentorships?role=mentee").json()["items"]] == [m.pk]
    assert api_for(nina).get(f"{BASE}/mentorships?role=mentor").json()["count"] == 0
    assert api_for(outsider).get(f"{BASE}/mentorships").json()["count"] == 0
    assert api_for(boss).get(f"{BASE}/mentorships?status=active").json()["count"] == 1
    r = api_for(boss).get(f"{BASE}/mentorships?status=happy")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    assert api_for(boss).get(f"{BASE}/mentorships?role=boss").status_code == 422


def test_the_whole_programme_is_for_those_who_run_it(pair, boss):
    """mentorships_visible_to asks mentoring.manage_programme: managers and superusers, active."""
    from mentoring import selectors

    sofia, nina, m = pair
    other = activate(make_mentee("omar"), make_mentor("ravi"))
    root = make_user("root", is_superuser=True)
    for user in (boss, root):
        assert {x.pk for x in selectors.mentorships_visible_to(user)} == {m.pk, other.pk}
    for member in (sofia, nina):
        assert [x.pk for x in selectors.mentorships_visible_to(member)] == [m.pk]
    boss.is_active = False
    assert not selectors.mentorships_visible_to(boss).exists()


def test_private_data_is_for_the_pair_and_the_consented_manager(api_for, pair, boss):
    sofia, nina, m = pair
    outsider = make_mentor("outsider")
    other_manager = make_user("other_manager", roles=("manager",))
    for member in (sofia, nina):
        body = api_for(member).get(f"{BASE}/mentorships/{m.pk}").json()
        assert body["private"] is True and body["goals"][0]["title"] == "Quantify pain"
        assert api_for(member).get(f"{BASE}/mentorships/{m.pk}/goals").status_code == 200
    # Outsiders cannot know it exists.
    assert api_for(outsider).get(f"{BASE}/mentorships/{m.pk}").status_code == 404
    assert api_for(outsider).get(f"{BASE}/mentorships/{m.pk}/goals").status_code == 404
    assert api_for(outsider).get(f"{BASE}/mentorships/{m.pk}/checkins").status_code == 404
    # Managers see the pairing but not its content until the mentee agrees...
    body = api_for(boss).get(f"{BASE}/mentorships/{m.pk}").json()
    assert body["private"] is False and body["goals"] is None and body["checkins"] is None
    assert api_for(boss).get(f"{BASE}/mentorships/{m.pk}/goals").status_code == 403
    # ...then the mentee's own manager (only) sees it.
    assert api_for(sofia).post(f"{BASE}/mentorships/{m.pk}/sharing", {"manager_access": True}).status_code == 403
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/sharing", {"manager_access": True}).status_code == 200
    assert api_for(boss).get(f"{BASE}/mentorships/{m.pk}/goals").json()["items"][0]["title"] == "Quantify pain"
    assert api_for(other_manager).get(f"{BASE}/mentorships/{m.pk}/goals").status_code == 403
    # A manager can read but never write the pair's goals.
    assert api_for(boss).post(f"{BASE}/mentorships/{m.pk}/goals", {"title": "x"}).status_code == 403


def test_goals_checkins_and_fit_over_the_api(api_for, pair):
    sofia, nina, m = pair
    client = api_for(sofia)
    r = client.post(f"{BASE}/mentorships/{m.pk}/goals", {"title": "", "target_date": "2020-01-01"})
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"title", "target_date"}
    assert client.post(f"{BASE}/mentorships/{m.pk}/goals", {"title": "x", "skill_id": 999999}).status_code == 422
    assert client.post(f"{BASE}/mentorships/{m.pk}/goals", {"title": "x", "target_date": "soon"}).status_code == 422
    goal = client.post(f"{BASE}/mentorships/{m.pk}/goals", {"title": "Multi-thread Northwind"}).json()
    r = api_for(nina).patch(f"{BASE}/goals/{goal['id']}", {"status": "achieved"})
    assert r.status_code == 200 and r.json()["status"] == "achieved"
    assert api_for(nina).patch(f"{BASE}/goals/{goal['id']}", {"status": "meh"}).status_code == 422
    assert api_for(nina).patch(f"{BASE}/goals/{goal['id']}", {}).status_code == 422
    assert api_for(make_mentee()).patch(f"{BASE}/goals/{goal['id']}", {"status": "open"}).status_code == 404
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert client.post(f"{BASE}/mentorships/{m.pk}/checkins", {"scheduled_for": past}).status_code == 422
    assert client.post(f"{BASE}/mentorships/{m.pk}/checkins", {"scheduled_for": "tomorrow"}).status_code == 422
    soon = (timezone.now() + timedelta(days=3)).isoformat()
    checkin = client.post(f"{BASE}/mentorships/{m.pk}/checkins", {"scheduled_for": soon, "agenda": "CFO prep"}).json()
    # Fit is rated only after the first check-in happened.
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/fit", {"rating": 5}).status_code == 409
    assert client.post(f"{BASE}/checkins/{checkin['id']}/complete", {"notes": ""}).status_code == 422
    done = client.post(f"{BASE}/checkins/{checkin['id']}/complete", {"notes": "Good call", "next_steps": "- CFO intro"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/fit", {"rating": 9}).status_code == 422
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/fit", {"rating": 5}).status_code == 201
    checkins = api_for(nina).get(f"{BASE}/mentorships/{m.pk}/checkins").json()
    assert [c["status"] for c in checkins["items"]] == ["scheduled", "done"]


def test_end_and_complete(api_for, pair, boss):
    _sofia, nina, m = pair
    assert api_for(make_mentee()).post(f"{BASE}/mentorships/{m.pk}/end", {"reason": "x"}).status_code == 404
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/end", {"reason": ""}).status_code == 422
    assert api_for(boss).post(f"{BASE}/mentorships/{m.pk}/complete", {}).json()["status"] == "completed"
    assert api_for(nina).post(f"{BASE}/mentorships/{m.pk}/end", {"reason": "too late"}).status_code == 409


def test_mentorship_list_query_count_is_constant(api_for, boss, django_assert_max_num_queries):
    sofia = make_mentor("sofia", capacity=20)
    for i in range(2):
        activate(make_mentee(f"a{i}"), sofia) if i == 0 else Mentorship.objects.create(
            mentee=make_mentee(f"a{i}"), mentor=sofia, requested_by=boss
        )
    client = api_for(boss)
    with django_assert_max_num_queries(6) as small:
        assert client.get(f"{BASE}/mentorships").json()["count"] == 2
    for i in range(2, 20):
        Mentorship.objects.create(mentee=make_mentee(f"a{i}"), mentor=sofia, requested_by=boss)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{BASE}/mentorships?page_size=50").json()["count"] == 20


# --- Cohort assignment -------------------------------------------------------------------------------


def test_assignments_for_managers_only(api_for, boss):
    sofia = make_mentor("sofia", capacity=2)
    nina, _liam = make_mentee("nina"), make_mentee("liam")
    assert api_for(nina).post(f"{BASE}/assignments", {}).status_code == 403
    r = api_for(boss).post(f"{BASE}/assignments", {"include_active": False})
    assert r.status_code == 201, r.content
    proposal = r.json()
    assert proposal["status"] == "proposed" and proposal["mentee_count"] == 2 and proposal["seat_count"] == 2
    assert {p["mentee"]["username"] for p in proposal["pairs"]} == {"nina", "liam"}
    assert all(p["mentor"]["id"] == sofia.pk and p["reasons"] for p in proposal["pairs"])
    assert proposal["total_score"] == pytest.approx(sum(p["score"] for p in proposal["pairs"]), abs=0.2)
    assert api_for(nina).get(f"{BASE}/assignments/{proposal['id']}").status_code == 403
    assert api_for(boss).get(f"{BASE}/assignments/{proposal['id']}").json()["id"] == proposal["id"]
    assert api_for(boss).get(f"{BASE}/assignments/999999").status_code == 404
    one = proposal["pairs"][0]["id"]
    r = api_for(boss).post(f"{BASE}/assignments/{proposal['id']}/confirm", {"pair_ids": [999999]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "pair_ids"
    r = api_for(boss).post(f"{BASE}/assignments/{proposal['id']}/confirm", {"pair_ids": [one]})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert Mentorship.objects.filter(status="requested", origin="assignment").count() == 1
    assert api_for(boss).post(f"{BASE}/assignments/{proposal['id']}/confirm", {}).status_code == 409
    assert api_for(boss).post(f"{BASE}/assignments/{proposal['id']}/discard").status_code == 409


def test_a_large_confirmation_runs_in_the_background(
    api_for, client_for, boss, settings, django_capture_on_commit_callbacks
):
    settings.MENTORING_CONFIRM_INLINE_MAX = 1
    make_mentor("sofia", capacity=3)
    for name in ("nina", "liam", "ana"):
        make_mentee(name)
    proposal = api_for(boss).post(f"{BASE}/assignments", {}).json()
    url = f"{BASE}/assignments/{proposal['id']}"
    assert len(proposal["pairs"]) == 3 and proposal["confirming"] is False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = api_for(boss).post(f"{url}/confirm", {})
    assert r.status_code == 202 and r.json()["confirming"] is True and r.json()["status"] == "proposed"
    # While it runs: no second confirmation, no discard, and the page says so.
    assert api_for(boss).post(f"{url}/confirm", {}).status_code == 409
    assert api_for(boss).post(f"{url}/discard").status_code == 409
    page = client_for(boss).get(f"/mentoring/assignments/{proposal['id']}/").content.decode()
    assert "being sent in the background" in page and "Confirm the ticked pairs" not in page
    for callback in callbacks:  # the worker picks the task up
        callback()
    done = api_for(boss).get(url).json()
    assert done["status"] == "confirmed" and done["confirming"] is False
    assert Mentorship.objects.filter(status="requested", origin="assignment").count() == 3
    assert boss.notifications.filter(title__startswith=f"Cohort proposal #{proposal['id']} confirmed: 3 requests sent")


def test_assignment_bad_input(api_for, boss):
    r = api_for(boss).post(f"{BASE}/assignments", {"mentee_ids": [999999]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "mentee_ids"
    r = api_for(boss).post(f"{BASE}/assignments", {"started_within_days": -3})
    assert r.status_code == 422
    r = api_for(boss).post(f"{BASE}/assignments", {"mentee_ids": "everyone"})
    assert r.status_code == 422


def test_detail_dashboard_and_proposal_query_counts_are_constant(api_for, boss, django_assert_max_num_queries):
    sofia = make_mentor("sofia", capacity=20)
    technique = make_technique(sofia)

    def grow(m, n: int) -> None:
        for i in range(n):
            Goal.objects.create(mentorship=m, title=f"Goal {i}", created_by=sofia)
            CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now() + timedelta(days=i + 1))
        log_practices(m.mentee, technique, stage_name="Discovery", successes=n, failures=n)

    first = activate(make_mentee("m0"), sofia)
    grow(first, 1)
    mentor_client, boss_client = api_for(sofia), api_for(boss)
    paths = (f"{BASE}/mentorships/{first.pk}", f"{BASE}/dashboard")
    counts = {}
    for path in paths:
        with django_assert_max_num_queries(40) as ctx:
            assert mentor_client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    make_mentee("c0")
    proposal = boss_client.post(f"{BASE}/assignments", {}).json()
    with django_assert_max_num_queries(40) as ctx:
        assert len(boss_client.get(f"{BASE}/assignments/{proposal['id']}").json()["pairs"]) >= 1
    proposal_count = len(ctx.captured_queries)

    grow(first, 8)
    for i in range(1, 6):
        grow(activate(make_mentee(f"m{i}"), sofia), 3)
    for i in range(1, 8):
        make_mentee(f"c{i}")
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            assert mentor_client.get(path).status_code == 200
    bigger = boss_client.post(f"{BASE}/assignments", {}).json()
    assert len(bigger["pairs"]) >= 8
    with django_assert_max_num_queries(proposal_count):
        boss_client.get(f"{BASE}/assignments/{bigger['id']}")


def test_the_issues_paths_are_the_public_contract(client):
    """Issue 6 names these paths and the `mentee` parameter: they stay exactly so."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    contract = {
        ("get", "/api/v1/mentoring/matches"),
        ("post", "/api/v1/mentoring/requests"),
        ("post", "/api/v1/mentoring/requests/{request_id}/accept"),
        ("post", "/api/v1/mentoring/requests/{request_id}/decline"),
        ("get", "/api/v1/mentoring/mentorships"),
        ("post", "/api/v1/mentoring/assignments"),
    }
    for method, path in contract:
        assert method in paths.get(path, {}), (method, path)
    params = {p["name"] for p in paths["/api/v1/mentoring/matches"]["get"]["parameters"]}
    assert "mentee" in params
