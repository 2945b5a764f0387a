"""The HTTP side: the JSON API (fallback and integrations), the pages, the forms without JS,
the technique panel section and the navigation badge, with constant query counts."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from community import discussion_services as services
from community.models import Message, Thread
from core import sections
from tests.community.techniques_helpers import browser
from tests.factories import make_user

pytestmark = pytest.mark.django_db


# --- API ----------------------------------------------------------------------------------


def test_post_is_idempotent_with_client_id_201_then_200(api_for, room, newhire):
    api = api_for(newhire)
    url = f"/api/v1/threads/{room.pk}/messages"
    first = api.post(url, {"body": "Who has a **MAP** template?", "client_id": "int-42"})
    assert first.status_code == 201
    body = first.json()
    assert body["seq"] == 1 and body["updated_seq"] == 1 and "<strong>MAP</strong>" in body["body_html"]
    assert body["author"]["username"] == "newhire" and body["url"].endswith("#m-1")
    again = api.post(url, {"body": "Who has a **MAP** template?", "client_id": "int-42"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Message.objects.count() == 1
    assert api.post(url, {"body": "No client id is fine too"}).status_code == 201


def test_get_messages_after_a_sequence_number(api_for, room, newhire, rainmaker):
    msgs = [services.message_post(thread=room, author=rainmaker, body=f"Update {i}")[0] for i in range(1, 6)]
    services.message_edit(message=msgs[0], user=rainmaker, body="Update 1, corrected")  # seq 6
    api = api_for(newhire)
    data = api.get(f"/api/v1/threads/{room.pk}/messages?after=3").json()
    assert data["count"] == 3 and data["last_seq"] == 6 and data["next_after"] == 6
    assert [(m["seq"], m["updated_seq"]) for m in data["items"]] == [(4, 4), (5, 5), (1, 6)]
    assert data["items"][2]["edited_at"] is not None
    page = api.get(f"/api/v1/threads/{room.pk}/messages?after=0&page_size=2").json()
    assert page["count"] == 5 and [m["seq"] for m in page["items"]] == [2, 3] and page["next_after"] == 3
    assert api.get(f"/api/v1/threads/{room.pk}/messages?after=6").json() == {
        "count": 0,
        "items": [],
        "last_seq": 6,
        "next_after": 6,
    }
    recent = api.get(f"/api/v1/threads/{room.pk}/messages?recent=2").json()
    assert [m["seq"] for m in recent["items"]] == [4, 5]
    assert api.get(f"/api/v1/threads/{room.pk}/messages?after=-1").status_code == 422


def test_edit_and_delete_endpoints(api_for, room, newhire, rainmaker):
    m, _ = services.message_post(thread=room, author=newhire, body="Typo here")
    url = f"/api/v1/threads/{room.pk}/messages/{m.pk}"
    assert api_for(rainmaker).patch(url, {"body": "not mine"}).status_code == 403
    edited = api_for(newhire).patch(url, {"body": "Fixed"}).json()
    assert edited["body"] == "Fixed" and edited["edited_at"] and edited["updated_seq"] == 2
    assert api_for(rainmaker).delete(url).status_code == 403
    deleted = api_for(newhire).delete(url)
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True and deleted.json()["body"] == ""
    assert api_for(newhire).patch(url, {"body": "back"}).status_code == 422


def test_api_permissions_validation_and_rate_limit(api_for, coach_thread, room, newhire, outsider, settings):
    assert api_for(outsider).get(f"/api/v1/threads/{coach_thread.pk}/messages").status_code == 403
    refused = api_for(outsider).post(f"/api/v1/threads/{coach_thread.pk}/messages", {"body": "hi"})
    assert refused.status_code == 403 and "private" in refused.json()["detail"]
    assert api_for(None).get(f"/api/v1/threads/{room.pk}/messages").status_code == 401
    assert api_for(newhire).get("/api/v1/threads/999999/messages").status_code == 404
    empty = api_for(newhire).post(f"/api/v1/threads/{room.pk}/messages", {"body": "  "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    settings.DISCUSSION_LIMITS = {"messages_per_minute": 2}
    api = api_for(newhire)
    for i in range(2):
        assert api.post(f"/api/v1/threads/{room.pk}/messages", {"body": f"m{i}"}).status_code == 201
    limited = api.post(f"/api/v1/threads/{room.pk}/messages", {"body": "one more"})
    assert limited.status_code == 429 and limited["Retry-After"]


def _coaching(mentor, mentee, *also):
    """A real coaching thread: private, attached to an active mentorship."""
    from django.utils import timezone

    from mentoring.models import Mentorship

    now = timezone.now()
    mentorship = Mentorship.objects.create(
        mentee=mentee,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        requested_by=mentee,
        started_at=now,
        responded_at=now,
    )
    return services.thread_create_private(
        title=f"Coaching: {mentee.name} & {mentor.name}", members=[mentor, mentee, *also], parent=mentorship
    )


def test_members_endpoints_for_managers_on_a_private_room(api_for, manager, newhire, outsider):
    """A private room (not a coaching thread): a manager who is a member decides who is in it."""
    room = services.thread_create_room(title="leadership", is_private=True, members=[newhire], created_by=manager)
    api = api_for(manager)
    assert api.post(f"/api/v1/threads/{room.pk}/members", {"username": "outsider"}).status_code == 201
    assert "outsider" in [m["username"] for m in api.get(f"/api/v1/threads/{room.pk}/members").json()["items"]]
    assert api_for(newhire).delete(f"/api/v1/threads/{room.pk}/members/outsider").status_code == 403
    assert api.delete(f"/api/v1/threads/{room.pk}/members/outsider").status_code == 204
    assert api_for(outsider).get(f"/api/v1/threads/{room.pk}").status_code == 403


def test_a_coaching_threads_members_follow_its_mentorship_not_the_api(api_for, mentor, newhire, manager, outsider):
    """Even a manager who is a member (the mentee agreed) cannot add anyone or remove the pair."""
    thread = _coaching(mentor, newhire, manager)
    url = f"/api/v1/threads/{thread.pk}/members"
    for user in (manager, mentor):
        added = api_for(user).post(url, {"username": "outsider"})
        assert added.status_code == 409 and "membership follows the mentorship" in added.json()["detail"]
        removed = api_for(user).delete(f"{url}/newhire")
        assert removed.status_code == 409 and "membership follows the mentorship" in removed.json()["detail"]
    assert api_for(outsider).post(url, {"username": "outsider"}).status_code == 403  # not even told why
    assert sorted(m["username"] for m in api_for(mentor).get(url).json()["items"]) == ["manager", "mentor", "newhire"]
    assert api_for(outsider).get(f"/api/v1/threads/{thread.pk}").status_code == 403


def test_in_a_coaching_thread_only_the_author_deletes_a_message(api_for, client_for, mentor, newhire, manager):
    thread = _coaching(mentor, newhire, manager)
    m, _ = services.message_post(thread=thread, author=mentor, body="Notes from our call")
    assert api_for(manager).delete(f"/api/v1/threads/{thread.pk}/messages/{m.pk}").status_code == 403
    assert api_for(manager).patch(f"/api/v1/threads/{thread.pk}/messages/{m.pk}", {"body": "x"}).status_code == 403
    page = client_for(manager).get(f"/discussions/{thread.pk}/")
    assert page.status_code == 200 and f"/messages/{m.pk}/delete/" not in page.content.decode()
    assert client_for(manager).get(f"/discussions/{thread.pk}/messages/{m.pk}/delete/").status_code == 403
    assert api_for(mentor).delete(f"/api/v1/threads/{thread.pk}/messages/{m.pk}").status_code == 200


def test_thread_list_and_read_endpoint(api_for, room, coach_thread, newhire, mentor):
    services.message_post(thread=coach_thread, author=mentor, body="Check-in?")
    api = api_for(newhire)
    threads = {t["title"]: t for t in api.get("/api/v1/threads").json()["items"]}
    assert threads["Coaching: Nina and Sofia"]["unread"] == 1 and "#deal-desk" in threads
    assert threads["#deal-desk"]["websocket"] == f"/ws/threads/{room.pk}/"
    marked = api.post(f"/api/v1/threads/{coach_thread.pk}/read", {}).json()
    assert marked == {"last_read_seq": 1, "unread_total": 0}


def test_messages_api_query_count_is_constant(api_for, room, newhire, rainmaker, django_assert_max_num_queries):
    api = api_for(newhire)
    services.message_post(thread=room, author=rainmaker, body="one")
    with django_assert_max_num_queries(12) as small:
        api.get(f"/api/v1/threads/{room.pk}/messages?after=0")
    others = [make_user(f"rep{i}") for i in range(6)]
    first = Message.objects.first()
    for i in range(40):
        services.message_post(thread=room, author=others[i % 6], body=f"@newhire msg {i}", reply_to_id=first.pk)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = api.get(f"/api/v1/threads/{room.pk}/messages?after=0").json()
    assert data["count"] == 41


# --- Pages and the HTTP fallback ----------------------------------------------------------


def test_form_post_without_javascript_then_reload(client_for, room, newhire, rainmaker):
    c = client_for(newhire)
    page = c.get(f"/discussions/{room.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-thread="{room.pk}"' in html and 'name="client_id"' in html and "#deal-desk" in html
    client_id = page.context["form"].initial["client_id"]
    form = {"body": "Pricing call went well, **next step agreed**.", "client_id": client_id, "csrfmiddlewaretoken": ""}
    c.get(f"/discussions/{room.pk}/")  # sets the CSRF cookie
    form["csrfmiddlewaretoken"] = c.cookies["csrftoken"].value
    posted = c.post(f"/discussions/{room.pk}/post/", form)
    assert posted.status_code == 302 and posted["Location"] == f"/discussions/{room.pk}/#m-1"
    again = c.post(f"/discussions/{room.pk}/post/", form)  # double submit: still one message
    assert again.status_code == 302 and Message.objects.count() == 1
    # Someone else reads it by reloading.
    other = client_for(rainmaker).get(f"/discussions/{room.pk}/").content.decode()
    assert "<strong>next step agreed</strong>" in other and 'id="m-1"' in other


def test_form_errors_keep_what_was_typed(client_for, room, newhire, settings):
    settings.DISCUSSION_LIMITS = {"message_chars": 20}
    c = client_for(newhire)
    c.get(f"/discussions/{room.pk}/")
    token = c.cookies["csrftoken"].value
    response = c.post(f"/discussions/{room.pk}/post/", {"body": "x" * 25 + " kept", "csrfmiddlewaretoken": token})
    assert response.status_code == 422
    assert "x" * 25 + " kept" in response.content.decode() and "at most 20 characters" in response.content.decode()


def test_edit_and_delete_pages(client_for, room, newhire, rainmaker):
    m, _ = services.message_post(thread=room, author=newhire, body="Old text")
    c = client_for(newhire)
    assert c.get(f"/discussions/{room.pk}/messages/{m.pk}/edit/").status_code == 200
    token = c.cookies["csrftoken"].value
    r = c.post(f"/discussions/{room.pk}/messages/{m.pk}/edit/", {"body": "New text", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert "(edited)" in c.get(f"/discussions/{room.pk}/").content.decode()
    assert client_for(rainmaker).get(f"/discussions/{room.pk}/messages/{m.pk}/edit/").status_code == 403
    r = c.post(f"/discussions/{room.pk}/messages/{m.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert "This message was deleted." in c.get(f"/discussions/{room.pk}/").content.decode()


def test_private_thread_page_is_for_members_only(client_for, coach_thread, newhire, outsider):
    assert client_for(outsider).get(f"/discussions/{coach_thread.pk}/").status_code == 403
    page = client_for(newhire).get(f"/discussions/{coach_thread.pk}/")
    assert page.status_code == 200 and "Only members can see this thread." in page.content.decode()


def test_rooms_index_and_room_creation(client_for, room, coach_thread, newhire, manager, outsider):
    html = client_for(newhire).get("/discussions/").content.decode()
    assert "#deal-desk" in html and "Coaching: Nina and Sofia" in html and "Open a team room" not in html
    assert "Coaching: Nina and Sofia" not in client_for(outsider).get("/discussions/").content.decode()
    c = client_for(manager)
    c.get("/discussions/")
    token = c.cookies["csrftoken"].value
    r = c.post("/discussions/new/", {"title": "emea-pipeline", "topic": "EMEA forecast", "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and Thread.objects.filter(title="#emea-pipeline").exists()
    dup = c.post("/discussions/new/", {"title": "#emea-pipeline", "csrfmiddlewaretoken": token})
    assert dup.status_code == 422 and "already exists" in dup.content.decode()
    c2 = client_for(newhire)
    c2.get("/discussions/")
    refused = c2.post("/discussions/new/", {"title": "x", "csrfmiddlewaretoken": c2.cookies["csrftoken"].value})
    assert refused.status_code == 403


def test_navigation_shows_unread_count(client_for, coach_thread, newhire, mentor):
    services.message_post(thread=coach_thread, author=mentor, body="One")
    services.message_post(thread=coach_thread, author=mentor, body="Two")
    html = client_for(newhire).get("/discussions/").content.decode()
    assert 'data-nav-unread>2<span class="visually-hidden"> unread messages' in html
    client_for(newhire).get(f"/discussions/{coach_thread.pk}/")  # opening reads it
    assert "data-nav-unread" not in client_for(newhire).get("/discussions/").content.decode()


def test_thread_page_query_count_is_constant(client_for, room, newhire, django_assert_max_num_queries):
    c = client_for(newhire)
    services.message_post(thread=room, author=newhire, body="first")
    c.get(f"/discussions/{room.pk}/")
    with django_assert_max_num_queries(40) as small:
        c.get(f"/discussions/{room.pk}/")
    people = [make_user(f"seller{i}") for i in range(8)]
    first = Message.objects.first()
    for i in range(60):
        services.message_post(thread=room, author=people[i % 8], body=f"@seller1 note {i}", reply_to_id=first.pk)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = c.get(f"/discussions/{room.pk}/")
    assert page.content.decode().count('class="msg') >= 50


# --- Sections: the panel under a technique, a question and a mentorship --------------------


def _render_slot(slot: str, user, subject):
    request = RequestFactory().get("/techniques/x/")
    request.user = user
    return sections.render(slot, request, subject)


def test_technique_section_renders_the_live_panel(make_technique, rainmaker, newhire, client_for):
    from django.template.loader import render_to_string

    technique = make_technique(author=rainmaker)
    services.message_post(thread=services.thread_for_object(technique), author=rainmaker, body="Ask me anything")
    rendered = _render_slot("technique", newhire, technique)
    assert [s["key"] for s in rendered] == ["discussion"]
    request = RequestFactory().get(technique.url)
    request.user = newhire
    html = render_to_string(rendered[0]["template"], {"section": rendered[0]["context"], "user": newhire}, request)
    assert "Ask me anything" in html and f"/discussions/{rendered[0]['context']['thread'].pk}/post/" in html
    assert 'name="next" value="/techniques/x/"' in html


def test_technique_section_on_a_minimal_page_render(make_technique, rainmaker, newhire):
    """The section list rendered the way page templates loop over it."""
    from django.template import Context, Template

    technique = make_technique(author=rainmaker)
    request = RequestFactory().get("/techniques/mutual-action-plan/")
    request.user = newhire
    template = Template(
        "{% for s in sections %}{% include s.template with section=s.context %}{% endfor %}",
    )
    html = template.render(
        Context({"sections": sections.render("technique", request, technique), "user": newhire, "request": request})
    )
    assert 'class="card discussion-panel"' in html and "No messages yet" in html
    assert not Thread.objects.exists()  # viewing creates nothing


def test_draft_technique_panel_hidden_from_others_and_question_slot_is_generic(make_technique, rainmaker, newhire):
    draft = make_technique(author=rainmaker, live=False, title="Unpublished idea")
    assert _render_slot("technique", newhire, draft) == []
    assert not Thread.objects.exists()  # nothing created for someone who cannot see the page
    assert [s["key"] for s in _render_slot("technique", rainmaker, draft)] == ["discussion"]
    # The "question" slot works for any parent registered as a public kind.
    assert sections.render("question", RequestFactory().get("/"), None) == []


def test_a_techniques_discussion_follows_the_techniques_policy_rules(make_technique, rainmaker, newhire, manager):
    """technique_visible asks techniques.view (published) and techniques.view_draft (drafts)."""
    from django.contrib.auth.models import AnonymousUser

    from community.discussion import technique_visible

    live = make_technique(author=rainmaker)
    draft = make_technique(author=rainmaker, live=False, title="Unpublished idea")
    root = make_user("root", is_superuser=True)
    assert all(technique_visible(u, live) for u in (newhire, rainmaker, manager, root))
    assert not technique_visible(AnonymousUser(), live)
    assert [technique_visible(u, draft) for u in (rainmaker, manager, root, newhire)] == [True, True, True, False]
    rainmaker.is_active = False
    assert not technique_visible(rainmaker, draft) and not technique_visible(rainmaker, live)


def test_mentorship_slot_shows_the_coaching_thread_to_its_members_only(mentor, newhire, outsider):
    """The "mentorship" slot is generic: any model stands in for the mentorship here."""
    parent = make_user("mentorship.stand.in")
    services.thread_create_private(title="Coaching: Nina and Sofia", members=[mentor, newhire], parent=parent)
    assert [s["key"] for s in _render_slot("mentorship", newhire, parent)] == ["discussion"]
    assert _render_slot("mentorship", outsider, parent) == []
    stranger = make_user("no.thread.yet")
    assert _render_slot("mentorship", newhire, stranger) == []  # never created on view


def test_the_question_page_shows_its_live_discussion_panel(client_for, newhire, rainmaker):
    """/questions/<id>/ renders the "question" section: the live panel, its no-JS form and history."""
    from community.qa import services as qa

    question = qa.question_create(
        author=newhire,
        title="How do I answer procurement's 20% discount ask?",
        body="Procurement wants 20% off before signing; the champion says budget is there.",
        route=False,
    )
    page = client_for(rainmaker).get(question.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    # Viewing opens nothing: the panel offers to start the discussion.
    assert not Thread.objects.filter(kind="question", object_id=question.pk).exists()
    assert 'class="card discussion-panel" id="discussion"' in html and "No messages yet" in html
    assert f'action="/discussions/about/question/{question.pk}/start/"' in html
    assert f'name="next" value="{question.get_absolute_url()}"' in html
    started = browser(client_for, rainmaker).post(
        f"/discussions/about/question/{question.pk}/start/",
        {"body": "Trade it for a **longer term**.", "next": question.get_absolute_url()},
    )
    assert started.status_code == 302 and started["Location"] == f"{question.get_absolute_url()}#m-1"
    thread = Thread.objects.get(kind="question", object_id=question.pk)
    assert thread.created_by == rainmaker and thread.message_count == 1
    html = client_for(newhire).get(question.get_absolute_url()).content.decode()
    assert f'data-thread="{thread.pk}"' in html and f'action="/discussions/{thread.pk}/post/"' in html
    assert "<strong>longer term</strong>" in html


def test_starting_a_discussion_with_bad_input_creates_nothing_and_shows_the_errors(
    client_for, make_technique, rainmaker, newhire
):
    technique = make_technique(author=rainmaker)
    url = f"/discussions/about/technique/{technique.pk}/start/"
    empty = browser(client_for, newhire).post(url, {"body": "   ", "next": technique.url})
    assert empty.status_code == 422
    html = empty.content.decode()
    assert "This field is required." in html and f'action="{url}"' in html
    assert f'value="{technique.url}"' in html and "Back to" in html
    assert not Thread.objects.exists() and not Message.objects.exists()
    # The same form, submitted twice (a double click), is one message in one thread.
    form = {"body": "Has anyone tried this with procurement?", "client_id": "form-abc", "next": technique.url}
    first, second = browser(client_for, newhire).post(url, form), browser(client_for, newhire).post(url, form)
    assert first.status_code == second.status_code == 302
    assert Thread.objects.count() == 1 and Message.objects.count() == 1
    # A thread that exists by now takes the message.
    browser(client_for, rainmaker).post(url, {"body": "Yes: it works.", "next": technique.url})
    assert Thread.objects.count() == 1 and Message.objects.count() == 2


def test_a_discussion_can_only_be_started_where_the_page_is_visible(client_for, make_technique, rainmaker, newhire):
    draft = make_technique(author=rainmaker, live=False, title="Unpublished idea")
    body = {"body": "What is this?"}
    nina = browser(client_for, newhire)
    assert nina.post(f"/discussions/about/technique/{draft.pk}/start/", body).status_code == 404
    assert nina.post("/discussions/about/technique/999999/start/", body).status_code == 404
    assert nina.post(f"/discussions/about/mentorship/{draft.pk}/start/", body).status_code == 404
    assert client_for(newhire).get(f"/discussions/about/technique/{draft.pk}/start/").status_code == 405
    signed_out = Client().post(f"/discussions/about/technique/{draft.pk}/start/", body)
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out["Location"]
    assert not Thread.objects.exists()
    # Its author (who may see the draft) may start it.
    author = browser(client_for, rainmaker)
    assert author.post(f"/discussions/about/technique/{draft.pk}/start/", body).status_code == 302
    assert Thread.objects.get().object_id == draft.pk


def test_starting_a_discussion_escapes_what_it_is_given(client_for, make_technique, rainmaker, newhire):
    technique = make_technique(author=rainmaker)
    url = f"/discussions/about/technique/{technique.pk}/start/"
    browser(client_for, newhire).post(url, {"body": "<script>alert(1)</script> <img src=x onerror=alert(2)> **ok**"})
    html = client_for(rainmaker).get(technique.url).content.decode()
    assert "<script>alert(1)</script>" not in html and "onerror" not in html and "<strong>ok</strong>" in html
    # An off-site `next` is ignored (no open redirect).
    away = browser(client_for, newhire).post(url, {"body": "again", "next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"].startswith(Thread.objects.get().get_absolute_url())


def test_a_hidden_questions_discussion_is_closed_to_others_over_http(client_for, api_for, newhire, rainmaker, manager):
    from community.qa import services as qa

    question = qa.question_create(
        author=newhire,
        title="How do I answer procurement's 20% discount ask?",
        body="Procurement wants 20% off before signing; the champion says budget is there.",
        route=False,
    )
    thread = services.thread_for_object(question)
    qa.post_moderate(post=question, moderator=manager, action="hide")
    api = api_for(rainmaker)
    assert api.get(f"/api/v1/threads/{thread.pk}/messages").status_code in (403, 404)
    r = api.post(f"/api/v1/threads/{thread.pk}/messages", {"body": "Still open?", "client_id": "h-1"})
    assert r.status_code in (403, 404)
    assert api.get(f"/api/v1/threads/about/question/{question.pk}").status_code == 404
    assert client_for(rainmaker).get(f"/discussions/{thread.pk}/").status_code in (403, 404)
    assert api_for(newhire).get(f"/api/v1/threads/{thread.pk}/messages").status_code == 200


def test_thread_page_names_its_parent_without_repeating_the_title(client_for, make_technique, mentor, newhire):
    from django.utils import timezone

    from mentoring.models import Mentorship

    page = make_technique(author=mentor, title="Mutual action plan in the first call")
    thread = services.thread_for_object(page)
    html = client_for(newhire).get(f"/discussions/{thread.pk}/").content.decode()
    assert "Technique discussion: <a" in html and "open the technique</a>" in html  # its title is the h1
    mentorship = Mentorship.objects.create(
        mentee=newhire,
        mentor=mentor,
        status=Mentorship.Status.ACTIVE,
        requested_by=newhire,
        started_at=timezone.now(),
        responded_at=timezone.now(),
    )
    coaching = services.thread_create_private(
        title=f"Coaching: {newhire.name} & {mentor.name}", members=[mentor, newhire], parent=mentorship
    )
    html = client_for(newhire).get(f"/discussions/{coaching.pk}/").content.decode()
    assert "open the mentorship</a>" in html
    assert f'Coaching thread of <a href="{mentorship.get_absolute_url()}">' not in html
