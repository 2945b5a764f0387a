"""The public API of techniques and outcomes (paths and field names are a contract)."""

import pytest

from community.models import Practice, TechniquePage
from community.techniques import services, stats
from tests.community.techniques_helpers import (  # noqa: F401
    clean_outcome_settings_cache,
    deal,
    draft,
    persona,
    practices,
    published,
    segment_world,
    stage,
)

pytestmark = pytest.mark.django_db

STATS_FIELDS = {
    "uses",
    "successes",
    "success_rate",
    "ci_low",
    "ci_high",
    "baseline_rate",
    "lift",
    "lift_ci_low",
    "lift_ci_high",
    "evidence",
}


def technique_payload(**overrides):
    payload = {
        "title": "Price the pilot so it converts",
        "summary": "Paid pilots with the conversion price agreed upfront.",
        "stage": "proposal",
        "personas": ["economic-buyer", "procurement"],
        "skills": ["pricing-and-value"],
        "situation": "The buyer wants a free pilot.",
        "approach": "Offer a short **paid** pilot with success criteria.",
        "objections": [{"objection": "Others give free pilots.", "reply": "And how many of those convert?"}],
    }
    payload.update(overrides)
    return payload


def test_list_has_each_items_stats_summary_and_filters(api_for, rainmaker, newhire):
    t = published(rainmaker, title="Multi-thread early", stage_slug="discovery")
    t.personas.add(persona("champion"))
    t.save()  # ParentalManyToMany: written on save
    other = published(rainmaker, title="Price last", stage_slug="negotiation")
    practices(newhire, t, successes=3, failures=1)
    stats.recompute(None)
    api = api_for(newhire)
    body = api.get("/api/v1/techniques").json()
    assert body["count"] == 2
    item = next(i for i in body["items"] if i["id"] == t.pk)
    assert {"uses", "success_rate", "lift", "lift_ci_low", "lift_ci_high", "evidence", "url"} <= set(item)
    assert item["uses"] == 4 and item["success_rate"] == 0.75 and item["url"] == t.url
    assert item["author"]["username"] == "rainmaker" and item["stage"]["slug"] == "discovery"
    assert [i["id"] for i in api.get("/api/v1/techniques?stage=negotiation").json()["items"]] == [other.pk]
    assert [i["id"] for i in api.get(f"/api/v1/techniques?stage={t.stage_id}").json()["items"]] == [t.pk]
    assert [i["id"] for i in api.get("/api/v1/techniques?persona=champion").json()["items"]] == [t.pk]
    assert api.get("/api/v1/techniques?q=price").json()["count"] == 1
    assert api.get("/api/v1/techniques?tag=negotiation").json()["count"] == 0
    bad = api.get("/api/v1/techniques?sort=popular")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sort"


def test_detail_has_the_full_statistics(api_for, rainmaker, newhire):
    t = published(rainmaker, title="T")
    other = published(rainmaker, title="Other")
    practices(newhire, t, successes=8, failures=2)
    practices(newhire, other, successes=3, failures=7)
    stats.recompute(None)
    body = api_for(newhire).get(f"/api/v1/techniques/{t.pk}").json()
    assert set(body) >= STATS_FIELDS
    assert (body["uses"], body["successes"], body["success_rate"], body["baseline_rate"]) == (10, 8, 0.8, 0.3)
    assert body["ci_low"] < 0.8 < body["ci_high"] and body["lift_ci_low"] < body["lift"] < body["lift_ci_high"]
    assert body["evidence"] == "not_enough_data" and body["min_sample_size"] == 20
    assert body["segments"][0]["segment"] == "overall"
    assert [b["type"] for b in body["body"]] == ["situation", "approach"]
    assert "<p>When it applies.</p>" in body["body_html"]


def test_detail_of_a_technique_without_practices_says_nothing_is_known(api_for, rainmaker):
    t = published(rainmaker)
    body = api_for(rainmaker).get(f"/api/v1/techniques/{t.pk}").json()
    assert body["uses"] == 0 and body["success_rate"] is None and body["lift"] is None
    assert body["evidence"] == "not_enough_data"


def test_unknown_technique_is_404(api_for, newhire):
    response = api_for(newhire).get("/api/v1/techniques/999999")
    assert response.status_code == 404 and response.json()["detail"]


def test_api_needs_authentication(api_for):
    assert api_for(None).get("/api/v1/techniques").status_code == 401


def test_rainmakers_create_a_draft_submitted_for_moderation(api_for, rainmaker, manager):
    response = api_for(rainmaker).post("/api/v1/techniques", technique_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["live"] is False and body["url"] == f"/techniques/{body['id']}/draft/"
    assert [p["slug"] for p in body["personas"]] == ["economic-buyer", "procurement"]
    assert body["body"][-1]["type"] == "objection"
    page = TechniquePage.objects.get(pk=body["id"])
    assert page.author == rainmaker and page.current_workflow_state.status == "in_progress"


def test_only_rainmakers_create_techniques(api_for, newhire, manager):
    for user in (newhire, manager):
        response = api_for(user).post("/api/v1/techniques", technique_payload())
        assert response.status_code == 403 and "Only rainmakers" in response.json()["detail"]
    assert not TechniquePage.objects.exists()


def test_create_technique_validation_errors_are_422_with_fields(api_for, rainmaker):
    api = api_for(rainmaker)
    response = api.post("/api/v1/techniques", technique_payload(stage="closing-time", title=""))
    assert response.status_code == 422
    assert "stage" in {e["field"] for e in response.json()["errors"]}
    response = api.post("/api/v1/techniques", technique_payload(situation="  ", title="A title"))
    assert response.status_code == 422 and {e["field"] for e in response.json()["errors"]} == {"situation"}
    response = api.post("/api/v1/techniques", {"title": "x"})
    assert response.status_code == 422 and {"summary", "stage"} <= {e["field"] for e in response.json()["errors"]}
    response = api.post("/api/v1/techniques", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not TechniquePage.objects.exists()


def test_drafts_are_invisible_to_others_in_the_api(api_for, rainmaker, newhire, manager):
    page = services.technique_submit(author=rainmaker, draft=draft(title="Unpublished"))
    other = api_for(newhire)
    assert other.get("/api/v1/techniques").json()["count"] == 0
    assert other.get(f"/api/v1/techniques/{page.pk}").status_code == 404
    assert api_for(rainmaker).get(f"/api/v1/techniques/{page.pk}").json()["live"] is False
    assert api_for(manager).get(f"/api/v1/techniques/{page.pk}").status_code == 200
    assert api_for(rainmaker).get("/api/v1/techniques").json()["count"] == 0  # lists only published


# --- Practices ----------------------------------------------------------------------------------


def test_post_practice_is_idempotent_with_external_id(api_for, newhire, rainmaker):
    t = published(rainmaker, title="T")
    d = deal(newhire, external_id="006ABC")
    api = api_for(newhire)
    payload = {"technique": t.pk, "deal_id": "006ABC", "response": "meeting_booked", "external_id": "crm-77"}
    first = api.post("/api/v1/practices", payload)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["deal"]["id"] == d.pk and body["rep"]["username"] == "newhire" and body["source"] == "api"
    assert body["stage"]["slug"] == "discovery"
    again = api.post("/api/v1/practices", {**payload, "response": "lost", "note": "changed"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["response"] == "meeting_booked"  # nothing changed
    assert Practice.objects.count() == 1
    # Without a key, every call is a new practice.
    assert api.post("/api/v1/practices", {"technique": t.slug, "response": "won"}).status_code == 201
    assert Practice.objects.count() == 2


def test_someone_elses_external_id_is_a_conflict(api_for, newhire, rainmaker):
    t = published(rainmaker, title="T")
    api_for(rainmaker).post("/api/v1/practices", {"technique": t.pk, "external_id": "k1"})
    response = api_for(newhire).post("/api/v1/practices", {"technique": t.pk, "external_id": "k1"})
    assert response.status_code == 409 and Practice.objects.count() == 1


def test_practice_validation_errors(api_for, newhire, rainmaker):
    t = published(rainmaker, title="T")
    api = api_for(newhire)
    cases = [
        ({"technique": 999999}, "technique"),
        ({"technique": t.pk, "response": "delighted"}, "response"),
        ({"technique": t.pk, "deal_id": "nope"}, "deal_id"),
        ({"technique": t.pk, "practised_at": "2999-01-01T10:00:00Z"}, "practised_at"),
        ({"technique": t.pk, "persona": "alien"}, "persona"),
        ({"technique": t.pk, "practised_at": "yesterday"}, "practised_at"),
    ]
    for payload, field in cases:
        response = api.post("/api/v1/practices", payload)
        assert response.status_code == 422, (payload, response.content)
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    draft_page = services.technique_submit(author=rainmaker, draft=draft())
    response = api.post("/api/v1/practices", {"technique": draft_page.pk})
    assert response.status_code == 422
    assert not Practice.objects.exists()


def test_only_managers_log_for_someone_else(api_for, newhire, manager, rainmaker):
    t = published(rainmaker, title="T")
    response = api_for(newhire).post("/api/v1/practices", {"technique": t.pk, "rep": "rainmaker"})
    assert response.status_code == 403
    response = api_for(manager).post("/api/v1/practices", {"technique": t.pk, "rep": "newhire@example.com"})
    assert response.status_code == 201 and response.json()["rep"]["username"] == "newhire"


def test_a_rep_cannot_log_a_practice_on_another_reps_deal(api_for, newhire, rainmaker):
    """The deal must be the caller's own: another rep's CRM id is a 422 on deal_id, nothing written."""
    t = published(rainmaker, title="T")
    deal(rainmaker, external_id="006THEIRS")
    response = api_for(newhire).post(
        "/api/v1/practices", {"technique": t.pk, "deal_id": "006THEIRS", "response": "won", "external_id": "x-1"}
    )
    assert response.status_code == 422, response.content
    body = response.json()
    message = "You can log practices only on your own deals; this deal belongs to another rep."
    assert body["detail"] and body["errors"] == [{"field": "deal_id", "message": message}]
    assert not Practice.objects.exists()
    # The same call on their own deal works, and the key was not used up by the refusal.
    mine = deal(newhire, external_id="006MINE")
    ok = api_for(newhire).post(
        "/api/v1/practices", {"technique": t.pk, "deal_id": "006MINE", "response": "won", "external_id": "x-1"}
    )
    assert ok.status_code == 201 and ok.json()["deal"]["id"] == mine.pk


def test_a_manager_logs_on_any_deal_for_any_rep(api_for, manager, newhire, rainmaker):
    t = published(rainmaker, title="T")
    theirs = deal(rainmaker, external_id="006RM")
    for_self = api_for(manager).post("/api/v1/practices", {"technique": t.pk, "deal_id": "006RM"})
    assert for_self.status_code == 201 and for_self.json()["deal"]["id"] == theirs.pk
    for_rep = api_for(manager).post("/api/v1/practices", {"technique": t.pk, "deal_id": "006RM", "rep": "newhire"})
    assert for_rep.status_code == 201 and for_rep.json()["rep"]["username"] == "newhire"


def test_a_mentor_reads_the_practice_api_only_for_an_active_mentee(api_for, rainmaker, newhire, mentor, manager):
    """GET /practices, /practices/{id}, /practices/summary and /deals follow practices.view_rep."""
    from mentoring.models import Mentorship

    t = published(rainmaker, title="T")
    deal(newhire, external_id="006NH")
    mine = api_for(newhire).post("/api/v1/practices", {"technique": t.pk, "deal_id": "006NH"}).json()
    reads = [
        "/api/v1/practices?rep=newhire",
        "/api/v1/practices/summary?rep=newhire",
        "/api/v1/deals?owner=newhire",
    ]
    api = api_for(mentor)
    assert [api.get(path).status_code for path in reads] == [403, 403, 403]
    assert api.get(f"/api/v1/practices/{mine['id']}").status_code == 404
    assert api_for(manager).get(f"/api/v1/practices/{mine['id']}").status_code == 200
    mentorship = Mentorship.objects.create(mentee=newhire, mentor=mentor, requested_by=newhire, status="active")
    assert [api.get(path).status_code for path in reads] == [200, 200, 200]
    assert api.get("/api/v1/practices?rep=newhire").json()["count"] == 1
    assert api.get(f"/api/v1/practices/{mine['id']}").status_code == 200
    mentorship.status = "ended_early"
    mentorship.save(update_fields=["status"])
    assert [api.get(path).status_code for path in reads] == [403, 403, 403]
    assert api.get(f"/api/v1/practices/{mine['id']}").status_code == 404


# --- Imports --------------------------------------------------------------------------------------

DEALS = (
    "id,name,account,amount,currency,stage,status,owner_email,created_date,closed_date\n"
    "006A1,Acme renewal,Acme,48000,USD,Negotiation,open,rainmaker@example.com,2026-03-02,\n"
)


def test_import_endpoint_for_managers(api_for, manager, rainmaker, newhire):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(user, content):
        return api_for(user).post(
            "/api/v1/imports/deals", {"deals": SimpleUploadedFile("deals.csv", content.encode())}, multipart=True
        )

    assert upload(newhire, DEALS).status_code == 403
    ok = upload(manager, DEALS)
    assert ok.status_code == 200, ok.content
    assert ok.json()["deals"] == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}
    assert upload(manager, DEALS).json()["deals"]["unchanged"] == 1
    bad = upload(manager, DEALS + "006A2,,Acme,-5,USD,Nowhere,maybe,nobody@example.com,2026-03-02,\n")
    assert bad.status_code == 422
    body = bad.json()
    assert body["ok"] is False and "Nothing was imported" in body["detail"]
    assert {(e["line"], e["field"].split(".")[-1]) for e in body["errors"]} >= {
        (3, "name"),
        (3, "amount"),
        (3, "stage"),
        (3, "status"),
        (3, "owner_email"),
    }
    assert body["errors"][0]["field"].startswith("deals[line 3].")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_calls_with_one_external_id_make_one_practice(rainmaker):
    """Two integrations retrying at once: one 201, one 200, never a duplicate."""
    import threading

    from django.db import connection

    t = published(rainmaker, title="T")
    results, errors = [], []
    barrier = threading.Barrier(4)

    def call():
        try:
            barrier.wait()
            practice, created = services.practice_log(rep=rainmaker, technique=t, response="won", external_id="race-1")
            results.append((practice.pk, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len({pk for pk, _ in results}) == 1 and sorted(c for _, c in results) == [False, False, False, True]
    assert Practice.objects.filter(external_id="race-1").count() == 1


# --- Segments ------------------------------------------------------------------------------------

SEGMENT_FIELDS = {
    "segment",
    "label",
    "uses",
    "decided",
    "successes",
    "distinct_reps",
    "distinct_deals",
    "success_rate",
    "ci_low",
    "ci_high",
    "baseline_uses",
    "baseline_successes",
    "baseline_rate",
    "lift",
    "lift_ci_low",
    "lift_ci_high",
    "within_rep_lift",
    "within_rep_ci_low",
    "within_rep_ci_high",
    "win_rate_used",
    "win_rate_not_used",
    "other_reps_uses",
    "other_reps_success_rate",
    "new_hire_uses",
    "new_hire_success_rate",
    "drifting",
    "drift",
    "evidence",
}


def test_every_segment_carries_every_statistic(api_for, rainmaker, newhire):
    t = segment_world(rainmaker, newhire)
    body = api_for(newhire).get(f"/api/v1/techniques/{t.pk}").json()
    segments = {s["segment"]: s for s in body["segments"]}
    discovery, qualification = f"stage:{stage().pk}", f"stage:{stage('qualification').pk}"
    champion = f"persona:{persona('champion').pk}"
    assert set(segments) == {"overall", discovery, qualification, champion}
    for segment in segments.values():
        assert set(segment) == SEGMENT_FIELDS, set(segment) ^ SEGMENT_FIELDS
    # The overall segment repeats the detail's own figures.
    overall = segments["overall"]
    for name in SEGMENT_FIELDS - {"segment", "label", "baseline_successes"}:
        assert overall[name] == body[name], name
    assert (overall["distinct_reps"], overall["distinct_deals"], overall["uses"]) == (2, 2, 8)

    at_qualification = segments[qualification]
    assert at_qualification["label"] == "At Qualification"
    assert (at_qualification["uses"], at_qualification["successes"], at_qualification["decided"]) == (3, 1, 3)
    assert (at_qualification["distinct_reps"], at_qualification["distinct_deals"]) == (1, 1)
    assert (at_qualification["baseline_uses"], at_qualification["baseline_successes"]) == (2, 1)
    assert at_qualification["lift"] == pytest.approx(1 / 3 - 1 / 2)
    assert at_qualification["win_rate_used"] == 0.0 and at_qualification["win_rate_not_used"] is None
    assert at_qualification["other_reps_uses"] == 3
    assert at_qualification["other_reps_success_rate"] == pytest.approx(1 / 3)
    assert at_qualification["new_hire_uses"] == 3
    assert at_qualification["new_hire_success_rate"] == pytest.approx(1 / 3)
    assert at_qualification["drifting"] is False and at_qualification["drift"] is None

    at_discovery = segments[discovery]
    assert (at_discovery["uses"], at_discovery["successes"], at_discovery["distinct_deals"]) == (5, 4, 1)
    assert (at_discovery["baseline_uses"], at_discovery["baseline_successes"]) == (5, 2)
    assert at_discovery["win_rate_used"] == 1.0
    assert (at_discovery["other_reps_uses"], at_discovery["other_reps_success_rate"]) == (0, None)
    assert (at_discovery["new_hire_uses"], at_discovery["new_hire_success_rate"]) == (0, None)
    # One stratum (the author): the within-rep lift is the plain difference 4/5 - 2/5.
    assert at_discovery["within_rep_lift"] == pytest.approx(0.4)

    with_champion = segments[champion]
    assert (with_champion["uses"], with_champion["successes"]) == (3, 3)
    assert (with_champion["baseline_uses"], with_champion["baseline_successes"]) == (3, 2)
    assert with_champion["success_rate"] == 1.0 and with_champion["lift"] == pytest.approx(1 / 3)


def test_segment_fields_are_in_the_openapi_document(api_for, newhire):
    schema = api_for(newhire).get("/api/v1/openapi.json").json()["components"]["schemas"]["SegmentOut"]
    assert set(schema["properties"]) == SEGMENT_FIELDS
