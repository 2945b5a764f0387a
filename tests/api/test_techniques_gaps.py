"""Techniques and outcomes over the API beyond issue 3's paths: authoring, moderation, peer
review, practices ("what happened?", the rep's numbers), deals, the dashboard and settings."""

from __future__ import annotations

import pytest
from wagtail.models import WorkflowState

from community.models import OutcomeSettings, Practice, Response, TechniquePage, TechniqueReview
from community.techniques import services, stats
from notifications.models import Notification
from tests.community.techniques_helpers import deal, draft, practices, published
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def technique_payload(**overrides) -> dict:
    payload = {
        "title": "Price the pilot so it converts",
        "summary": "Paid pilots with the conversion price agreed upfront.",
        "stage": "proposal",
        "personas": ["economic-buyer"],
        "situation": "The buyer wants a free pilot.",
        "approach": "Offer a short **paid** pilot with success criteria.",
        "objections": [{"objection": "Others give free pilots.", "reply": "And how many of those convert?"}],
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def submitted(rainmaker):
    return services.technique_submit(author=rainmaker, draft=draft(title="Ask who signs, by role"))


# --- Drafts, edits, submissions -------------------------------------------------------------------


def test_the_author_reads_the_draft_and_its_status(api_for, rainmaker, manager, newhire, submitted):
    body = api_for(rainmaker).get(f"/api/v1/techniques/{submitted.pk}/draft").json()
    assert body["status"] == "in_moderation" and body["live"] is False and body["live_url"] is None
    assert body["title"] == "Ask who signs, by role" and body["stage"]["slug"] == "discovery"
    assert body["objections"][0]["objection"] == "I can sign this myself."
    assert api_for(manager).get(f"/api/v1/techniques/{submitted.pk}/draft").status_code == 200
    assert api_for(newhire).get(f"/api/v1/techniques/{submitted.pk}/draft").status_code == 404
    assert api_for(newhire).get("/api/v1/techniques/999999/draft").status_code == 404


def test_editing_a_live_technique_keeps_it_up_and_resubmits(api_for, rainmaker, manager):
    live = published(rainmaker, title="Multi-thread early")
    api = api_for(rainmaker)
    r = api.put(f"/api/v1/techniques/{live.pk}", technique_payload(title="Multi-thread before the proposal"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "Multi-thread before the proposal" and body["status"] == "in_moderation"
    assert body["live"] and body["live_url"] == live.url
    live.refresh_from_db()
    assert live.title == "Multi-thread early"  # the published version stays until approved
    assert WorkflowState.objects.for_instance(live).get().status == "in_progress"
    assert api_for(manager).get("/api/v1/techniques/moderation").json()["items"][0]["is_edit"] is True


def test_edit_permissions_and_404s(api_for, rainmaker, newhire, manager, submitted):
    other = make_user("other.rm", roles=("rainmaker",))
    live = published(rainmaker)
    assert api_for(other).put(f"/api/v1/techniques/{live.pk}", technique_payload()).status_code == 403
    assert api_for(newhire).put(f"/api/v1/techniques/{live.pk}", technique_payload()).status_code == 403
    # A draft is not even known to others.
    assert api_for(other).put(f"/api/v1/techniques/{submitted.pk}", technique_payload()).status_code == 404
    assert api_for(rainmaker).put("/api/v1/techniques/999999", technique_payload()).status_code == 404
    assert api_for(manager).put(f"/api/v1/techniques/{live.pk}", technique_payload()).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"stage": "nowhere"}, "stage"),
        ({"skills": ["juggling"]}, "skills"),
        ({"objections": [{"objection": "Too pricey", "reply": ""}]}, "objections"),
        ({"summary": "x" * 201}, "summary"),
    ],
)
def test_edit_bad_input_is_422(api_for, rainmaker, submitted, overrides, field):
    before = submitted.latest_revision_id
    r = api_for(rainmaker).put(f"/api/v1/techniques/{submitted.pk}", technique_payload(**overrides))
    assert r.status_code == 422, r.content
    assert field in [e["field"].split(".")[0] for e in r.json()["errors"]] or field in [
        e["field"] for e in r.json()["errors"]
    ]
    submitted.refresh_from_db()
    assert submitted.latest_revision_id == before


def test_my_submissions_with_status(api_for, rainmaker, newhire, submitted):
    published(rainmaker, title="Already live")
    body = api_for(rainmaker).get("/api/v1/techniques/submissions").json()
    assert body["count"] == 2
    assert {i["status"] for i in body["items"]} == {"in_moderation", "live"}
    r = api_for(newhire).get("/api/v1/techniques/submissions")
    assert r.status_code == 403 and r.json()["detail"] == "Only rainmakers can share techniques."


# --- Moderation -----------------------------------------------------------------------------------------


def test_queue_reject_then_approve(api_for, rainmaker, manager, submitted):
    api = api_for(manager)
    queue = api.get("/api/v1/techniques/moderation").json()
    assert queue["count"] == 1 and queue["items"][0]["id"] == submitted.pk
    assert queue["items"][0]["url"] == f"/techniques/{submitted.pk}/draft/"

    no_comment = api.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "reject"})
    assert no_comment.status_code == 422 and no_comment.json()["errors"][0]["field"] == "comment"
    r = api.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "reject", "comment": "Add a talk track."})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "needs_changes" and r.json()["moderator_comment"]["comment"] == "Add a talk track."
    assert Notification.objects.filter(recipient=rainmaker, kind="technique.moderated").exists()
    # Not waiting any more: 409 until the author resubmits.
    again = api.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "approve"})
    assert again.status_code == 409 and "not waiting" in again.json()["detail"]

    api_for(rainmaker).put(f"/api/v1/techniques/{submitted.pk}", technique_payload(talk_track="Say this."))
    r = api.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "live"
    page = TechniquePage.objects.get(pk=submitted.pk)
    assert page.live and page.title == "Price the pilot so it converts"


def test_moderation_is_for_managers(api_for, rainmaker, manager, submitted):
    api = api_for(rainmaker)
    assert api.get("/api/v1/techniques/moderation").status_code == 403
    r = api.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "approve"})
    assert r.status_code == 403 and r.json()["detail"] == "Only managers can approve or reject techniques."
    boss = api_for(manager)
    assert boss.post("/api/v1/techniques/999999/moderate", {"action": "approve"}).status_code == 404
    bad = boss.post(f"/api/v1/techniques/{submitted.pk}/moderate", {"action": "publish"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "action"


# --- Peer reviews ---------------------------------------------------------------------------------------


def test_a_rainmaker_endorses_then_changes_their_review(api_for, rainmaker, newhire):
    live = published(rainmaker)
    peer = make_user("peer", roles=("rainmaker",))
    api = api_for(peer)
    r = api.post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "endorse", "comment": "Works on **my** deals."})
    assert r.status_code == 201, r.content
    assert r.json()["comment_html"] == "<p>Works on <strong>my</strong> deals.</p>"
    assert r.json()["url"] == f"{live.url}#reviews"
    r = api.post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "request_changes", "comment": "Add numbers."})
    assert r.status_code == 200 and r.json()["verdict"] == "request_changes"
    assert TechniqueReview.objects.filter(technique=live).count() == 1
    listed = api_for(newhire).get(f"/api/v1/techniques/{live.pk}/reviews").json()
    assert listed["count"] == 1 and listed["items"][0]["reviewer"]["username"] == "peer"


def test_review_rules(api_for, rainmaker, newhire, submitted):
    live = published(rainmaker)
    own = api_for(rainmaker).post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "endorse"})
    assert own.status_code == 403
    assert api_for(newhire).post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "endorse"}).status_code == 403
    peer = api_for(make_user("peer", roles=("rainmaker",)))
    assert peer.post(f"/api/v1/techniques/{submitted.pk}/reviews", {"verdict": "endorse"}).status_code == 404
    no_reason = peer.post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "request_changes"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "comment"
    assert peer.post(f"/api/v1/techniques/{live.pk}/reviews", {"verdict": "meh"}).status_code == 422
    assert peer.get(f"/api/v1/techniques/{submitted.pk}/reviews").status_code == 404


# --- Practices ----------------------------------------------------------------------------------------


def test_list_my_practices_with_filters(api_for, rainmaker, newhire):
    t, other = published(rainmaker), published(rainmaker)
    practices(newhire, t, successes=2, failures=1)
    pending = Practice.objects.create(
        rep=newhire, technique=other, stage=other.stage, deal=deal(newhire, external_id="OPP-9")
    )
    practices(rainmaker, t, successes=1, failures=0)
    api = api_for(newhire)
    assert api.get("/api/v1/practices").json()["count"] == 4
    assert api.get(f"/api/v1/practices?technique={t.pk}").json()["count"] == 3
    assert api.get(f"/api/v1/practices?technique={t.slug}").json()["count"] == 3
    only = api.get("/api/v1/practices?response=pending").json()
    assert only["count"] == 1 and only["items"][0]["id"] == pending.pk
    assert api.get("/api/v1/practices?deal_id=OPP-9").json()["count"] == 1
    for query, field in (("response=maybe", "response"), ("technique=nope", "technique"), ("deal_id=NOPE", "deal_id")):
        r = api.get(f"/api/v1/practices?{query}")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


def test_managers_and_the_reps_mentor_see_a_reps_practices_others_do_not(api_for, rainmaker, newhire, manager, mentor):
    from mentoring.models import Mentorship

    practices(newhire, published(rainmaker), successes=1, failures=0)
    assert api_for(mentor).get("/api/v1/practices?rep=newhire").status_code == 403  # not newhire's mentor
    Mentorship.objects.create(mentee=newhire, mentor=mentor, requested_by=newhire, status="active")
    for viewer in (manager, mentor):
        assert api_for(viewer).get("/api/v1/practices?rep=newhire").json()["count"] == 1
    peer = api_for(make_user("peer", roles=("new_hire",)))
    r = peer.get("/api/v1/practices?rep=newhire")
    assert r.status_code == 403 and "Only the rep" in r.json()["detail"]
    assert peer.get("/api/v1/practices?rep=nobody").status_code == 404


def test_answer_what_happened_on_a_pending_practice(api_for, rainmaker, newhire, django_capture_on_commit_callbacks):
    t = published(rainmaker)
    p = Practice.objects.create(rep=newhire, technique=t, stage=t.stage, suggested_response="won")
    api = api_for(newhire)
    assert api.get(f"/api/v1/practices/{p.pk}").json()["response"] == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        r = api.patch(f"/api/v1/practices/{p.pk}", {"response": "meeting_booked", "note": "They booked the CFO."})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["response"] == "meeting_booked" and body["responded_at"] and body["suggested_response"] == ""
    assert body["note_html"] == "<p>They booked the CFO.</p>"
    assert Practice.objects.get(pk=p.pk).response == Response.MEETING_BOOKED
    # The numbers were recomputed (tasks run at once in tests).
    t.refresh_from_db()
    assert t.uses_count == 1


def test_practice_detail_and_patch_rules(api_for, rainmaker, newhire, manager):
    t = published(rainmaker)
    p = Practice.objects.create(rep=newhire, technique=t, stage=t.stage)
    peer = api_for(make_user("peer", roles=("new_hire",)))
    assert peer.get(f"/api/v1/practices/{p.pk}").status_code == 404
    assert peer.patch(f"/api/v1/practices/{p.pk}", {"response": "won"}).status_code == 404
    boss = api_for(manager)
    assert boss.get(f"/api/v1/practices/{p.pk}").status_code == 200
    r = boss.patch(f"/api/v1/practices/{p.pk}", {"response": "won"})
    assert r.status_code == 403 and "Only the rep" in r.json()["detail"]
    api = api_for(newhire)
    for payload in ({"response": "pending"}, {"response": "maybe"}, {"note": "no response"}):
        assert api.patch(f"/api/v1/practices/{p.pk}", payload).status_code == 422
    assert api.get("/api/v1/practices/999999").status_code == 404


def test_my_practice_numbers(api_for, rainmaker, newhire, manager):
    t = published(rainmaker)
    practices(newhire, t, successes=3, failures=1)
    Practice.objects.create(rep=newhire, technique=t, stage=t.stage, deal=deal(newhire), suggested_response="won")
    stats.recompute(None)
    body = api_for(newhire).get("/api/v1/practices/summary").json()
    assert body["url"] == "/practice/" and body["totals"]["total"] == 5 and body["totals"]["decided"] == 4
    assert body["totals"]["rate"] == 0.75
    row = body["techniques"][0]
    assert row["technique"]["id"] == t.pk and (row["uses"], row["decided"], row["successes"]) == (5, 4, 3)
    assert row["ci_low"] < 0.75 < row["ci_high"]
    assert len(body["weeks"]) == 12 and body["followups"][0]["suggested_response"] == "won"
    theirs = api_for(manager).get("/api/v1/practices/summary?rep=newhire").json()
    assert theirs["url"] == "/practice/newhire/" and theirs["totals"] == body["totals"]
    peer = api_for(make_user("peer", roles=("new_hire",)))
    assert peer.get("/api/v1/practices/summary?rep=newhire").status_code == 403


def test_the_numbers_say_when_there_is_no_data(api_for, newhire):
    body = api_for(newhire).get("/api/v1/practices/summary").json()
    assert body["totals"]["total"] == 0 and body["totals"]["rate"] is None and body["weakest_stage"] is None


# --- Deals ---------------------------------------------------------------------------------------


def test_deals_mine_a_reps_and_everyones(api_for, newhire, rainmaker, manager):
    deal(newhire, external_id="OPP-1", status="open")
    deal(newhire, external_id="OPP-2", status="won")
    deal(rainmaker, external_id="OPP-3")
    api = api_for(newhire)
    mine = api.get("/api/v1/deals").json()
    assert mine["count"] == 2 and mine["items"][0]["external_id"] == "OPP-1"  # open first
    assert api.get("/api/v1/deals?status=won").json()["items"][0]["external_id"] == "OPP-2"
    assert api.get("/api/v1/deals?status=maybe").status_code == 422
    assert api.get("/api/v1/deals?owner=all").status_code == 403
    assert api.get("/api/v1/deals?owner=rainmaker").status_code == 403
    boss = api_for(manager)
    assert boss.get("/api/v1/deals?owner=all").json()["count"] == 3
    assert boss.get("/api/v1/deals?owner=all&external_id=OPP-3").json()["items"][0]["owner"]["username"] == "rainmaker"
    assert boss.get("/api/v1/deals?owner=rainmaker").json()["count"] == 1


# --- Dashboard and settings ------------------------------------------------------------------------


def test_the_manager_dashboard(api_for, rainmaker, newhire, manager, submitted):
    t = published(rainmaker)
    practices(newhire, t, successes=3, failures=2)
    stats.recompute(None)
    body = api_for(manager).get("/api/v1/outcomes/dashboard").json()
    assert len(body["adoption"]) == 26 and sum(w["uses"] for w in body["adoption"]) == 5
    assert body["techniques"][0]["id"] == t.pk and body["techniques"][0]["uses"] == 5
    assert body["counts"]["moderation_queue"] == 1 and body["counts"]["last_30"] == 5
    assert set(body["evidence_counts"]) >= {"proven", "not_enough_data"}
    r = api_for(rainmaker).get("/api/v1/outcomes/dashboard")
    assert r.status_code == 403 and r.json()["detail"] == "The team dashboard is for managers."


def test_outcome_settings_read_by_all_written_by_managers(api_for, newhire, manager):
    body = api_for(newhire).get("/api/v1/outcomes/settings").json()
    assert body["min_sample_size"] == 20 and "won" in body["success_responses"]
    assert "pending" not in {r["value"] for r in body["responses"]}
    r = api_for(newhire).put("/api/v1/outcomes/settings", {"success_responses": ["won"], "min_sample_size": 10})
    assert r.status_code == 403
    r = api_for(manager).put("/api/v1/outcomes/settings", {"success_responses": ["won", "won"], "min_sample_size": 10})
    assert r.status_code == 200, r.content
    assert r.json()["success_responses"] == ["won"] and r.json()["min_sample_size"] == 10
    assert OutcomeSettings.current()["min_sample_size"] == 10


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"success_responses": ["pending"], "min_sample_size": 20}, "success_responses"),
        ({"success_responses": ["won"], "min_sample_size": 4}, "min_sample_size"),
        ({"success_responses": [], "min_sample_size": 20}, "success_responses"),
        ({"min_sample_size": 20}, "success_responses"),
    ],
)
def test_outcome_settings_bad_input_is_422(api_for, manager, payload, field):
    r = api_for(manager).put("/api/v1/outcomes/settings", payload)
    assert r.status_code == 422, r.content
    assert field in [e["field"].split(".")[0] for e in r.json()["errors"]] or field in [
        e["field"] for e in r.json()["errors"]
    ]
    assert OutcomeSettings.current()["min_sample_size"] == 20
