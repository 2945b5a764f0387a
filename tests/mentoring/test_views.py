"""The mentoring pages: who sees what, forms that keep what was typed, constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import services
from mentoring.models import CheckIn, Goal, MenteeProfile, MentorProfile, Mentorship
from tests.factories import make_user

from .helpers import Browser, activate, make_mentee, make_mentor, skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """Browsers with CSRF enforced that post the token, as the site's forms do."""
    return lambda user: Browser(client_for(user))


@pytest.fixture
def boss(db):
    return make_user("boss", roles=("manager",), display_name="Dana Okafor")


@pytest.fixture
def pair(boss):
    sofia = make_mentor("sofia", display_name="Sofia Lindqvist")
    nina = make_mentee("nina", display_name="Nina Patel", manager=boss)
    m = activate(nina, sofia)
    Goal.objects.create(mentorship=m, title="Quantify pain on every call", created_by=sofia)
    CheckIn.objects.create(
        mentorship=m,
        scheduled_for=timezone.now() - timedelta(days=3),
        status=CheckIn.Status.DONE,
        notes="Role-played the budget question",
        notes_html="<p>Role-played the budget question</p>",
    )
    return sofia, nina, m


def test_pages_render_for_each_role(client_for, pair, boss):
    sofia, nina, m = pair
    newbie = make_mentee("newbie")
    for user, paths in [
        (newbie, ["/mentoring/", "/mentoring/matches/", "/mentoring/profile/mentee/", "/"]),
        (nina, ["/mentoring/", f"/mentoring/mentorships/{m.pk}/", f"/people/{nina.username}/"]),
        (
            sofia,
            ["/mentoring/", "/mentoring/dashboard/", "/mentoring/profile/mentor/", f"/people/{sofia.username}/", "/"],
        ),
        (boss, ["/mentoring/programme/", "/mentoring/assignments/", f"/mentoring/matches/?mentee={nina.pk}", "/"]),
    ]:
        client = client_for(user)
        for path in paths:
            r = client.get(path)
            assert r.status_code == 200, (user.username, path, r.status_code)
    page = client_for(newbie).get("/mentoring/matches/").content.decode()
    assert "Sofia Lindqvist" in page and "2 of 3 seats free" in page


def test_profile_offers_asking_only_when_the_request_would_go_through(client_for):
    sofia = make_mentor("sofia", display_name="Sofia Lindqvist")
    tom = make_mentor("tom", display_name="Tom Becker")
    nina = make_mentee("nina")
    button = "Ask Sofia Lindqvist to mentor you"
    assert button in client_for(nina).get("/people/sofia/").content.decode()
    # A request waiting elsewhere: the request would be refused, so no button.
    m, _ = services.mentorship_request(mentee=nina, mentor=tom, requested_by=nina)
    assert button not in client_for(nina).get("/people/sofia/").content.decode()
    services.mentorship_withdraw(mentorship=m, by=nina)
    assert button in client_for(nina).get("/people/sofia/").content.decode()
    # Sofia declined once: not again.
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    services.mentorship_decline(mentorship=m, by=sofia, reason="Full this quarter.")
    assert button not in client_for(nina).get("/people/sofia/").content.decode()


def test_matches_page_shows_reasons_and_request_flow(client_for):
    make_mentor("sofia", display_name="Sofia Lindqvist", skills={"Discovery questioning": 3})
    nina = make_mentee("nina", goals=("Discovery questioning",))
    client = client_for(nina)
    page = client.get("/mentoring/matches/").content.decode()
    assert "Sofia Lindqvist" in page and "Coaches your goal Discovery questioning (expert)" in page
    sofia = MentorProfile.objects.get(user__username="sofia").user
    r = client.post(f"/mentoring/matches/{sofia.pk}/request/", {"message": "Hi **Sofia**"})
    m = Mentorship.objects.get(mentee=nina)
    assert r.status_code == 302 and r["Location"] == f"/mentoring/requests/{m.pk}/"
    assert m.message_html == "<p>Hi <strong>Sofia</strong></p>"
    # A too-long note re-renders the page with the error and what was typed.
    liam = make_mentee("liam")
    r = client_for(liam).post(f"/mentoring/matches/{sofia.pk}/request/", {"message": "x" * 2001})
    assert r.status_code == 422 and "at most 2000 characters" in r.content.decode()


def test_matches_of_someone_else_are_for_managers(client_for, boss):
    nina, liam = make_mentee("nina"), make_mentee("liam")
    assert client_for(liam).get(f"/mentoring/matches/?mentee={nina.pk}").status_code == 403
    assert client_for(boss).get(f"/mentoring/matches/?mentee={nina.pk}").status_code == 200
    assert client_for(boss).get("/mentoring/matches/?mentee=abc").status_code == 404


def test_accept_and_decline_pages_only_for_the_requested_mentor(client_for, boss):
    sofia, samir, nina = make_mentor("sofia"), make_mentor("samir"), make_mentee("nina")
    m, _ = services.mentorship_request(mentee=nina, mentor=sofia, requested_by=nina)
    assert client_for(samir).get(f"/mentoring/requests/{m.pk}/").status_code == 404
    assert client_for(samir).post(f"/mentoring/requests/{m.pk}/accept/").status_code == 404
    assert client_for(nina).post(f"/mentoring/requests/{m.pk}/accept/").status_code == 403
    assert client_for(boss).post(f"/mentoring/requests/{m.pk}/decline/", {"reason": "no"}).status_code == 403
    page = client_for(sofia).get(f"/mentoring/requests/{m.pk}/").content.decode()
    assert "Accept and start mentoring" in page
    # The reasons speak to the mentee; the mentor is told so.
    assert "Why the matcher proposed this pairing" in page and "“your” means theirs" in page
    assert "“your” means theirs" not in client_for(nina).get(f"/mentoring/requests/{m.pk}/").content.decode()
    r = client_for(sofia).post(f"/mentoring/requests/{m.pk}/decline/", {"reason": "  "})
    assert r.status_code == 422 and "This field is required" in r.content.decode()
    r = client_for(sofia).post(f"/mentoring/requests/{m.pk}/accept/")
    assert r.status_code == 302 and Mentorship.objects.get(pk=m.pk).status == "active"


def test_mentorship_page_privacy(client_for, pair, boss):
    sofia, nina, m = pair
    path = f"/mentoring/mentorships/{m.pk}/"
    for member in (sofia, nina):
        page = client_for(member).get(path).content.decode()
        assert "Quantify pain on every call" in page and "Role-played the budget question" in page
    assert client_for(make_mentor("outsider")).get(path).status_code == 404
    assert client_for(make_mentee("peer")).get(path).status_code == 404
    r = client_for(boss).get(path)
    assert r.status_code == 403 and "Quantify pain" not in r.content.decode()
    client_for(nina).post(f"/mentoring/mentorships/{m.pk}/sharing/", {"manager_access": "on"})
    assert "Quantify pain on every call" in client_for(boss).get(path).content.decode()
    assert client_for(make_user("other_boss", roles=("manager",))).get(path).status_code == 403


def test_mentorship_forms_keep_input_on_errors(client_for, pair):
    sofia, _nina, m = pair
    client = client_for(sofia)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = client.post(f"/mentoring/mentorships/{m.pk}/goals/", {"title": "Run the CFO meeting", "target_date": yesterday})
    assert r.status_code == 422
    page = r.content.decode()
    assert "The target date is in the past" in page and 'value="Run the CFO meeting"' in page
    r = client.post(
        f"/mentoring/mentorships/{m.pk}/checkins/", {"scheduled_for": "2001-01-01T10:00", "agenda": "Pipeline"}
    )
    assert r.status_code == 422 and "That time has passed" in r.content.decode()
    r = client.post(f"/mentoring/mentorships/{m.pk}/checkins/", {"scheduled_for": "not a date"})
    assert r.status_code == 422 and "Enter a valid date/time" in r.content.decode()
    when = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/mentoring/mentorships/{m.pk}/checkins/", {"scheduled_for": when, "agenda": "Pipeline"})
    assert r.status_code == 302
    checkin = CheckIn.objects.get(mentorship=m, status="scheduled")
    # The time was typed in Sofia's zone (Stockholm), stored in UTC.
    local = timezone.localtime(checkin.scheduled_for, __import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    assert local.strftime("%Y-%m-%dT%H:%M") == when
    r = client.post(f"/mentoring/checkins/{checkin.pk}/done/", {f"c{checkin.pk}-notes": ""})
    assert r.status_code == 422 and "This field is required" in r.content.decode()
    r = client.post(f"/mentoring/mentorships/{m.pk}/fit/", {"rating": "9"})
    assert r.status_code == 422
    r = client.post(f"/mentoring/mentorships/{m.pk}/end/", {"reason": ""})
    assert r.status_code == 422
    goal = Goal.objects.get(mentorship=m)
    r = client.post(f"/mentoring/goals/{goal.pk}/status/", {"status": "nope"})
    assert r.status_code == 422
    assert (
        client_for(make_mentee()).post(f"/mentoring/goals/{goal.pk}/status/", {"status": "achieved"}).status_code == 404
    )


def test_poor_fit_from_the_mentee_leads_to_rematch(client_for, pair, boss):
    _sofia, nina, m = pair
    make_mentor("samir")
    r = client_for(nina).post(f"/mentoring/mentorships/{m.pk}/fit/", {"rating": "1", "comment": "No overlap"})
    assert r.status_code == 302 and r["Location"] == "/mentoring/matches/"
    page = client_for(nina).get("/mentoring/matches/").content.decode()
    assert "rated poor" in page and "Ask Samir" in page


def test_profile_forms(client_for):
    sofia = make_user("sofia", roles=("mentor",), timezone="Europe/Stockholm")
    client = client_for(sofia)
    r = client.post(
        "/mentoring/profile/mentor/", {"capacity": "0", "timezone": "Mars/Olympus", "how_i_coach": "Weekly"}
    )
    assert r.status_code == 422
    page = r.content.decode()
    assert "Choose a level for at least one skill" in page and "Weekly" in page
    data = {
        "capacity": "2",
        "accepting": "on",
        "timezone": "Europe/Stockholm",
        "region": "emea",
        "languages": ["en", "sv"],
        "styles": ["role_play"],
        "how_i_coach": "Role-play *every* week.",
        f"skill_{skill('Negotiation').pk}": "3",
    }
    assert client.post("/mentoring/profile/mentor/", data).status_code == 302
    profile = MentorProfile.objects.get(user=sofia)
    assert profile.capacity == 2 and profile.how_i_coach_html == "<p>Role-play <em>every</em> week.</p>"
    assert list(profile.skill_levels.values_list("level", flat=True)) == [3]
    assert client_for(make_mentee()).get("/mentoring/profile/mentor/").status_code == 403

    nina = make_user("nina", roles=("new_hire",))
    goals = [
        str(skill(n).pk)
        for n in (
            "Negotiation",
            "Closing",
            "Prospecting",
            "Forecasting",
            "Demo delivery",
            "Business case",
            "Multi-threading",
        )
    ]
    r = client_for(nina).post(
        "/mentoring/profile/mentee/",
        {"goals": goals, "preferred_time": "later", "timezone": "UTC", "preferred_language": "en", "about": "Pricing"},
    )
    assert r.status_code == 422 and "at most six" in r.content.decode() and "Pricing" in r.content.decode()
    r = client_for(nina).post(
        "/mentoring/profile/mentee/",
        {
            "goals": goals[:2],
            "preferred_time": "morning",
            "timezone": "Asia/Tokyo",
            "preferred_language": "ja",
            "other_languages": ["en"],
        },
    )
    assert r.status_code == 302
    profile = MenteeProfile.objects.get(user=nina)
    assert profile.languages == ["ja", "en"] and profile.matches_computed_at is not None


def test_programme_and_assignment_pages(client_for, pair, boss):
    sofia, nina, _m = pair
    make_mentee("liam")
    assert client_for(nina).get("/mentoring/programme/").status_code == 403
    assert client_for(sofia).get("/mentoring/assignments/").status_code == 403
    page = client_for(boss).get("/mentoring/programme/").content.decode()
    assert "Not enough data for a comparison yet" in page and "Sofia Lindqvist" in page
    r = client_for(boss).post("/mentoring/assignments/", {"started_within_days": "0"})
    assert r.status_code == 422 and "greater than or equal to 1" in r.content.decode()
    r = client_for(boss).post("/mentoring/assignments/", {"started_within_days": "365"})
    assert r.status_code == 302
    detail = client_for(boss).get(r["Location"]).content.decode()
    assert "Liam" in detail and "Confirm the ticked pairs" in detail
    proposal_id = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    r = client_for(boss).post(f"/mentoring/assignments/{proposal_id}/confirm/", {})
    assert r.status_code == 302  # nothing ticked: a message, nothing sent
    assert Mentorship.objects.filter(status="requested").count() == 0
    pair_id = client_for(boss).get(f"/api/v1/mentoring/assignments/{proposal_id}").json()["pairs"][0]["id"]
    client_for(boss).post(f"/mentoring/assignments/{proposal_id}/confirm/", {"pair": [str(pair_id)]})
    assert Mentorship.objects.filter(status="requested", origin="assignment").count() == 1
    assert client_for(nina).post(f"/mentoring/assignments/{proposal_id}/discard/").status_code == 403


def test_dashboard_and_programme_query_counts_are_constant(client_for, boss, django_assert_max_num_queries):
    sofia = make_mentor("sofia", capacity=20)

    def add(n: int) -> None:
        for _ in range(n):
            m = activate(make_mentee(), sofia)
            Goal.objects.create(mentorship=m, title="Goal", created_by=sofia)
            CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now() + timedelta(days=1))
        Mentorship.objects.create(mentee=make_mentee(), mentor=make_mentor(), requested_by=boss)

    add(2)
    checks = [(sofia, "/mentoring/dashboard/"), (boss, "/mentoring/programme/"), (sofia, "/mentoring/"), (sofia, "/")]
    counts = {}
    for user, path in checks:
        client = client_for(user)
        client.get(path)  # warm caches (programme numbers)
        with django_assert_max_num_queries(60) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    add(8)
    from django.core.cache import cache

    for user, path in checks:
        client = client_for(user)
        cache.clear()
        client.get(path)
        with django_assert_max_num_queries(counts[path]):
            assert client.get(path).status_code == 200


def test_mentorship_and_matches_pages_query_counts_are_constant(client_for, django_assert_max_num_queries):
    sofia = make_mentor("sofia", capacity=20)
    nina = make_mentee("nina")
    m = activate(nina, sofia)

    def add(n: int) -> None:
        for i in range(n):
            Goal.objects.create(mentorship=m, title=f"Goal {i}", created_by=sofia)
            CheckIn.objects.create(
                mentorship=m, scheduled_for=timezone.now() - timedelta(days=i + 1), status="done", notes="x"
            )
            CheckIn.objects.create(mentorship=m, scheduled_for=timezone.now() + timedelta(days=i + 1))
            make_mentor()
        services.matches_refresh(mentee_ids=[nina.pk])

    add(1)
    client = client_for(nina)
    paths = [f"/mentoring/mentorships/{m.pk}/", "/mentoring/matches/"]
    counts = {}
    for path in paths:
        client.get(path)
        with django_assert_max_num_queries(40) as ctx:
            client.get(path)
        counts[path] = len(ctx.captured_queries)
    add(6)
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            assert client.get(path).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ["/mentoring/", "/mentoring/matches/", "/mentoring/programme/", "/mentoring/mentorships/1/"]:
        r = client.get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_browsing_matches_does_not_enrol_people_who_are_not_mentees(client_for, boss):
    make_mentor("sofia")
    page = client_for(boss).get("/mentoring/matches/").content.decode()
    assert "Tell us what you want to grow" in page
    assert not MenteeProfile.objects.filter(user=boss).exists()
    assert services.assignment_propose(by=boss).mentee_count == 0


def test_dashboard_shows_recent_practices_and_outcomes(client_for):
    from .helpers import log_practices, make_technique

    sofia = make_mentor("sofia")
    nina = make_mentee("nina", display_name="Nina Patel")
    activate(nina, sofia)
    technique = make_technique(sofia, stage_name="Discovery")
    log_practices(nina, technique, stage_name="Discovery", successes=3, failures=1, days_ago=3)
    log_practices(nina, technique, stage_name="Discovery", successes=1, failures=3, days_ago=60)
    page = client_for(sofia).get("/mentoring/dashboard/").content.decode()
    assert technique.title in page and "Meeting booked" in page
    assert "75%" in page and "(4 practices)" in page  # last 30 days: 3 of 4
    assert "25%" in page  # before: 1 of 4
