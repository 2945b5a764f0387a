"""Discussion over the API: managers open team rooms; recent discussions of pages."""

from __future__ import annotations

import pytest

from community import discussion_services
from community.models import Thread
from community.techniques.services import technique_submit
from tests.community.techniques_helpers import draft as draft_of
from tests.community.techniques_helpers import published

pytestmark = pytest.mark.django_db


def test_a_manager_opens_a_room(api_for, manager, newhire):
    r = api_for(manager).post("/api/v1/threads", {"title": "renewals", "topic": "Renewal strategy."})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["title"] == "#renewals" and body["kind"] == "room" and body["url"] == f"/discussions/{body['id']}/"
    # Everyone sees the new room in their list.
    assert "#renewals" in [t["title"] for t in api_for(newhire).get("/api/v1/threads").json()["items"]]


def test_room_names_are_unique_and_required(api_for, manager):
    api = api_for(manager)
    api.post("/api/v1/threads", {"title": "deal-desk"})
    dup = api.post("/api/v1/threads", {"title": "#Deal-Desk"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "title"
    assert api.post("/api/v1/threads", {"topic": "no title"}).status_code == 422
    assert Thread.objects.filter(kind="room").count() == 1


def test_only_managers_open_rooms(api_for, rainmaker):
    r = api_for(rainmaker).post("/api/v1/threads", {"title": "mine"})
    assert r.status_code == 403 and r.json()["detail"] == "Only managers can open team rooms."


def test_recent_discussions_of_visible_pages(api_for, rainmaker, newhire):
    live = published(rainmaker, title="Mutual action plan")
    draft = technique_submit(author=rainmaker, draft=draft_of(title="Secret draft"))
    for page in (live, draft):
        thread = discussion_services.thread_for_object(page)
        discussion_services.message_post(thread=thread, author=rainmaker, body="How did it go?", client_id="")
    items = api_for(newhire).get("/api/v1/threads/recent").json()
    assert [t["parent_title"] for t in items] == ["Mutual action plan"]
    assert api_for(newhire).get("/api/v1/threads/recent?limit=0").status_code == 422


def test_the_thread_about_a_technique_or_a_question(api_for, rainmaker, newhire):
    live = published(rainmaker, title="Mutual action plan")
    hidden = technique_submit(author=rainmaker, draft=draft_of(title="Secret draft"))
    api = api_for(newhire)
    r = api.get(f"/api/v1/threads/about/technique/{live.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (
        body["kind"] == "technique" and body["parent_title"] == "Mutual action plan" and body["parent_url"] == live.url
    )
    assert api.get(f"/api/v1/threads/about/technique/{live.pk}").json()["id"] == body["id"]  # created once
    posted = api.post(f"/api/v1/threads/{body['id']}/messages", {"body": "Tried it today: worked."})
    assert posted.status_code == 201
    assert api.get(f"/api/v1/threads/about/technique/{hidden.pk}").status_code == 404
    assert api_for(rainmaker).get(f"/api/v1/threads/about/technique/{hidden.pk}").status_code == 200
    assert api.get("/api/v1/threads/about/technique/999999").status_code == 404
    assert api.get(f"/api/v1/threads/about/mentorship/{live.pk}").status_code == 404
    assert api.get("/api/v1/threads/about/weather/1").status_code == 404
    assert Thread.objects.filter(kind="technique").count() == 2
