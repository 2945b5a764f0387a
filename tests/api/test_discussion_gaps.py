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
    body = api_for(newhire).get("/api/v1/threads/recent").json()
    assert body["count"] == 1 and [t["parent_title"] for t in body["items"]] == ["Mutual action plan"]
    assert api_for(newhire).get("/api/v1/threads/recent?limit=0").status_code == 422
    assert api_for(newhire).get("/api/v1/threads/recent?limit=51").status_code == 422


def test_recent_discussions_are_paginated_within_their_limit(api_for, rainmaker, newhire):
    for i in range(5):
        page = published(rainmaker, title=f"Technique {i}")
        thread = discussion_services.thread_for_object(page)
        discussion_services.message_post(thread=thread, author=rainmaker, body=f"Update {i}", client_id="")
    api = api_for(newhire)
    first = api.get("/api/v1/threads/recent?page_size=2").json()
    assert first["count"] == 5 and [t["parent_title"] for t in first["items"]] == ["Technique 4", "Technique 3"]
    third = api.get("/api/v1/threads/recent?page_size=2&page=3").json()
    assert [t["parent_title"] for t in third["items"]] == ["Technique 0"]
    limited = api.get("/api/v1/threads/recent?limit=3").json()  # the latest 3, as documented
    assert limited["count"] == 3
    assert [t["parent_title"] for t in limited["items"]] == ["Technique 4", "Technique 3", "Technique 2"]


def test_the_thread_about_a_technique_is_read_without_side_effects_and_opened_with_post(api_for, rainmaker, newhire):
    live = published(rainmaker, title="Mutual action plan")
    hidden = technique_submit(author=rainmaker, draft=draft_of(title="Secret draft"))
    api = api_for(newhire)
    url = f"/api/v1/threads/about/technique/{live.pk}"
    unopened = api.get(url)
    assert unopened.status_code == 404 and "Nobody has opened the discussion" in unopened.json()["detail"]
    assert not Thread.objects.exists()  # reading never creates
    opened = api.post(url)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert (
        body["kind"] == "technique" and body["parent_title"] == "Mutual action plan" and body["parent_url"] == live.url
    )
    again = api.post(url)
    assert again.status_code == 200 and again.json()["id"] == body["id"]  # opened once
    assert api.get(url).json()["id"] == body["id"]
    posted = api.post(f"/api/v1/threads/{body['id']}/messages", {"body": "Tried it today: worked."})
    assert posted.status_code == 201
    for method in (api.get, api.post):
        assert method(f"/api/v1/threads/about/technique/{hidden.pk}").status_code == 404
        assert method("/api/v1/threads/about/technique/999999").status_code == 404
        assert method(f"/api/v1/threads/about/mentorship/{live.pk}").status_code == 404
        assert method("/api/v1/threads/about/weather/1").status_code == 404
    assert api_for(rainmaker).post(f"/api/v1/threads/about/technique/{hidden.pk}").status_code == 201
    assert Thread.objects.filter(kind="technique").count() == 2


def test_the_thread_about_a_question(api_for, rainmaker, newhire, manager):
    from community.qa import services as qa

    question = qa.question_create(
        author=newhire,
        title="How do I answer procurement's 20% discount ask?",
        body="Procurement wants 20% off before signing; the champion says budget is there.",
        route=False,
    )
    api = api_for(rainmaker)
    url = f"/api/v1/threads/about/question/{question.pk}"
    assert api.get(url).status_code == 404 and not Thread.objects.exists()
    opened = api.post(url)
    assert opened.status_code == 201
    body = opened.json()
    assert body["kind"] == "question" and body["private"] is False
    assert body["parent_title"] == question.title and body["parent_url"] == f"/questions/{question.pk}/"
    read = api.get(url).json()
    assert read["id"] == body["id"] and read["unread"] is None  # opening does not follow it
    qa.post_moderate(post=question, moderator=manager, action="hide")
    assert api.get(url).status_code == 404 and api.post(url).status_code == 404
    assert api_for(newhire).get(url).json()["id"] == body["id"]  # the asker still sees it
