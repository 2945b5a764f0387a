"""Logging practices from the technique page, answering "what happened?", My practice, reviews,
the dashboard and the home/profile sections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Practice, Response, TechniqueReview
from community.techniques import services, stats
from notifications.models import Notification
from tests.community.techniques_helpers import (  # noqa: F401
    browser,
    clean_outcome_settings_cache,
    deal,
    draft,
    practices,
    published,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_i_used_this_in_a_few_seconds(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    d = deal(newhire, name="Helios renewal")
    page = browser(client_for, newhire)
    html = page.get(t.url).content.decode()
    assert "I used this" in html and "Helios renewal" in html
    response = page.post(
        f"/techniques/{t.pk}/practise/",
        {"practice-deal": d.pk, "practice-response": "pending", "practice-practised_on": timezone.localdate()},
    )
    assert response.status_code == 302 and response["Location"] == t.url + "#practice"
    practice = Practice.objects.get()
    assert (practice.rep, practice.deal, practice.response, practice.source) == (newhire, d, "pending", "manual")
    assert practice.stage == t.stage


def test_i_used_this_answers_json_for_the_page_script(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    page = browser(client_for, newhire)
    ok = page.post(
        f"/techniques/{t.pk}/practise/",
        {"practice-response": "meeting_booked", "practice-practised_on": timezone.localdate()},
        headers={"Accept": "application/json"},
    )
    assert ok.status_code == 201 and ok.json()["practice"]["success"] is True
    bad = page.post(
        f"/techniques/{t.pk}/practise/",
        {"practice-response": "thrilled", "practice-practised_on": timezone.localdate() + timedelta(days=3)},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"response", "practised_on"}
    assert Practice.objects.count() == 1


def test_i_used_this_errors_keep_what_was_typed(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    response = browser(client_for, newhire).post(
        f"/techniques/{t.pk}/practise/",
        {"practice-response": "", "practice-note": "The CFO joined", "practice-practised_on": "not a date"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "The CFO joined" in html and "Enter a valid date" in html


def test_i_used_this_refuses_another_reps_deal(client_for, rainmaker, newhire):
    """The form offers only the rep's deals; posting someone else's deal id re-renders it with a
    field error (and a JSON 422 for the page script), and nothing is logged."""
    t = published(rainmaker, title="Ask who signs")
    theirs = deal(rainmaker, name="Borealis expansion")
    page = browser(client_for, newhire)
    assert "Borealis expansion" not in page.get(t.url).content.decode()
    data = {"practice-deal": theirs.pk, "practice-response": "won", "practice-practised_on": timezone.localdate()}
    response = page.post(f"/techniques/{t.pk}/practise/", data)
    html = response.content.decode()
    assert response.status_code == 422 and "Pick one of your own deals (or no deal)." in html
    as_json = page.post(f"/techniques/{t.pk}/practise/", data, headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    assert as_json.json()["errors"] == [{"field": "deal", "message": "Pick one of your own deals (or no deal)."}]
    assert not Practice.objects.exists()


def test_the_practice_service_checks_the_deals_owner(rainmaker, newhire, manager):
    from django.core.exceptions import ValidationError

    t = published(rainmaker, title="Ask who signs")
    theirs = deal(rainmaker)
    with pytest.raises(ValidationError) as refused:
        services.practice_log(rep=newhire, technique=t, deal=theirs)
    assert set(refused.value.message_dict) == {"deal"}
    with pytest.raises(ValidationError):  # a rep acting for themself, however it is called
        services.practice_log(actor=newhire, rep=newhire, technique=t, deal=theirs)
    practice, created = services.practice_log(actor=manager, rep=newhire, technique=t, deal=theirs)
    assert created and practice.deal == theirs
    mine, _ = services.practice_log(rep=rainmaker, technique=t, deal=theirs)
    assert mine.deal == theirs and Practice.objects.count() == 2


def test_a_draft_cannot_be_practised(client_for, rainmaker, newhire):
    page = services.technique_submit(author=rainmaker, draft=draft())
    response = browser(client_for, newhire).post(f"/techniques/{page.pk}/practise/", {"practice-response": "won"})
    assert response.status_code == 404 and not Practice.objects.exists()


def test_what_happened_follow_up(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    d = deal(newhire, name="Helios renewal")
    practice = Practice.objects.create(
        rep=newhire, technique=t, deal=d, stage=t.stage, response=Response.PENDING, suggested_response="won"
    )
    page = browser(client_for, newhire)
    html = page.get("/practice/").content.decode()
    assert "What happened?" in html and f'id="followup-{practice.pk}"' in html and "Won (likely)" in html
    home = page.get("/").content.decode()
    assert "These deals moved in the CRM" in home and "likely: won" in home
    # Somebody else cannot answer it.
    other = browser(client_for, make_user("other.rep"))
    assert other.post(f"/practice/followups/{practice.pk}/", {"response": "lost"}).status_code == 403
    assert page.post(f"/practice/followups/{practice.pk}/", {"response": "pending"}).status_code == 422
    assert page.post(f"/practice/followups/{practice.pk}/", {"response": "won"}).status_code == 302
    practice.refresh_from_db()
    assert (practice.response, practice.suggested_response) == ("won", "")
    assert practice.responded_at is not None
    assert "These deals moved in the CRM" not in page.get("/").content.decode()


def test_my_practice_shows_numbers_against_the_team(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    other = published(rainmaker, title="Demo three things", stage_slug="solution-demo")
    other_at_discovery = published(rainmaker, title="Quantify the pain")
    practices(newhire, t, successes=1, failures=5)
    practices(rainmaker, t, successes=8, failures=2)
    practices(rainmaker, other_at_discovery, successes=9, failures=1)
    practices(newhire, other, successes=2, failures=1)
    stats.recompute(None)
    html = browser(client_for, newhire).get("/practice/").content.decode()
    assert "My practice" in html and "Feedback with a number" in html
    assert "At <strong>Discovery</strong>" in html  # the weakest stage
    assert "Quantify the pain" in html  # the technique with the highest lift there
    assert "<svg" in html and "Show the numbers as a table" in html


def _mentorship(mentee, mentor, status="active"):
    from mentoring.models import Mentorship

    return Mentorship.objects.create(mentee=mentee, mentor=mentor, requested_by=mentee, status=status)


def test_my_practice_of_someone_else(client_for, rainmaker, newhire, manager, mentor):
    assert browser(client_for, rainmaker).get("/practice/newhire/").status_code == 403
    assert browser(client_for, manager).get("/practice/newhire/").status_code == 200
    assert browser(client_for, newhire).get("/practice/").status_code == 200
    assert browser(client_for, newhire).get("/practice/newhire/").status_code == 200
    assert browser(client_for, manager).get("/practice/nobody/").status_code == 404


def test_a_mentor_sees_only_their_active_mentees_practice(client_for, rainmaker, newhire, mentor):
    """The mentor role alone shows nobody's practice; an active mentorship shows the mentee's,
    and only while it is active (a request, or an ended mentorship, does not)."""
    page = browser(client_for, mentor)
    assert page.get("/practice/newhire/").status_code == 403  # a mentor, but not newhire's
    mentorship = _mentorship(newhire, mentor, status="requested")
    assert page.get("/practice/newhire/").status_code == 403
    mentorship.status = "active"
    mentorship.save(update_fields=["status"])
    assert page.get("/practice/newhire/").status_code == 200
    other = make_user("other.rep")
    assert page.get("/practice/other.rep/").status_code == 403  # not their mentee
    mentorship.status = "completed"
    mentorship.save(update_fields=["status"])
    assert page.get("/practice/newhire/").status_code == 403
    # The mentee does not see their mentor's practice either way round.
    _mentorship(other, mentor)
    assert browser(client_for, other).get("/practice/mentor/").status_code == 403


def test_an_empty_my_practice_says_how_to_start(client_for, newhire):
    html = browser(client_for, newhire).get("/practice/").content.decode()
    assert "Nothing logged yet" in html


# --- Peer reviews --------------------------------------------------------------------------------


def test_rainmakers_review_published_techniques(client_for, rainmaker):
    t = published(rainmaker, title="Ask who signs")
    peer = make_user("aisha", roles=("rainmaker",), display_name="Aisha Bello")
    page = browser(client_for, peer)
    response = page.post(f"/techniques/{t.pk}/review/", {"verdict": "request_changes", "comment": ""})
    assert response.status_code == 422 and "Say what should change" in response.content.decode()
    response = page.post(f"/techniques/{t.pk}/review/", {"verdict": "endorse", "comment": "Works *every* time."})
    assert response.status_code == 302
    review = TechniqueReview.objects.get()
    assert review.comment_html == "<p>Works <em>every</em> time.</p>"
    assert Notification.objects.get(recipient=rainmaker, kind="technique.reviewed").title.startswith("Aisha Bello")
    # A second review replaces the first.
    page.post(f"/techniques/{t.pk}/review/", {"verdict": "request_changes", "comment": "Add a pitfall."})
    assert TechniqueReview.objects.get().verdict == "request_changes"
    html = page.get(t.url).content.decode()
    assert "Requests changes" in html and "Add a pitfall." in html and "Update your review" in html


def test_who_may_review(client_for, rainmaker, newhire, manager):
    t = published(rainmaker, title="Ask who signs")
    for user in (rainmaker, newhire, manager):  # the author, a new hire, a manager
        response = browser(client_for, user).post(f"/techniques/{t.pk}/review/", {"verdict": "endorse"})
        assert response.status_code == 403
    assert "Review this technique" not in browser(client_for, rainmaker).get(t.url).content.decode()
    unpublished = services.technique_submit(author=rainmaker, draft=draft())
    peer = make_user("aisha", roles=("rainmaker",))
    assert (
        browser(client_for, peer).post(f"/techniques/{unpublished.pk}/review/", {"verdict": "endorse"}).status_code
        == 404
    )
    assert not TechniqueReview.objects.exists()


# --- Manager pages and sections ------------------------------------------------------------------


def test_dashboard_is_for_managers(client_for, rainmaker, newhire, manager):
    t = published(rainmaker, title="Ask who signs")
    practices(newhire, t, successes=3, failures=2)
    stats.recompute(None)
    assert browser(client_for, newhire).get("/techniques/dashboard/").status_code == 403
    html = browser(client_for, manager).get("/techniques/dashboard/").content.decode()
    assert "Reps practising per week" in html and "Where the team struggles" in html and "Ask who signs" in html


def test_home_and_profile_sections(client_for, rainmaker, newhire):
    t = published(rainmaker, title="Ask who signs")
    page = browser(client_for, newhire)
    assert "New techniques" in page.get("/").content.decode()
    profile = page.get("/people/rainmaker/").content.decode()
    assert "Techniques by Marcus Reyes" in profile and t.title in profile
    assert "Techniques by" not in page.get("/people/newhire/").content.decode()


def test_technique_page_renders_other_apps_sections(client_for, rainmaker):
    from core import sections

    t = published(rainmaker, title="Ask who signs")
    seen = []

    def panel(request, page):
        seen.append(page.pk)
        return {"followups": []}

    sections.register(
        "technique", "test-panel", template="community/techniques/sections/home_followups.html", context=panel
    )
    try:
        html = browser(client_for, rainmaker).get(t.url).content.decode()
        assert "These deals moved in the CRM" in html and seen == [t.pk]
    finally:
        sections._REGISTRY["technique"].pop("test-panel")
