"""Every page and endpoint checks who may use it."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Answer, Flag, Post, Question
from community.qa import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(ask, rainmaker):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade it for a longer term, always.")
    return q, a


def test_signed_out_visitors_are_sent_to_sign_in(thread):
    q, a = thread
    c = Client()
    for path in [
        "/questions/",
        "/questions/ask/",
        f"/questions/{q.pk}/",
        f"/questions/posts/{q.pk}/edit/",
        f"/questions/posts/{q.pk}/history/",
        f"/questions/posts/{a.pk}/flag/",
        "/questions/moderation/",
    ]:
        r = c.get(path)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], path
    for path in [
        f"/questions/{q.pk}/answer/",
        f"/questions/posts/{q.pk}/comment/",
        f"/questions/posts/{a.pk}/vote/",
        f"/questions/answers/{a.pk}/accept/",
        f"/questions/posts/{a.pk}/moderate/",
        "/questions/follow/",
    ]:
        r = c.post(path, {})
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], path


def test_api_needs_credentials(thread):
    q, a = thread
    c = Client()
    for method, path in [
        ("get", "/api/v1/questions"),
        ("post", "/api/v1/questions"),
        ("get", f"/api/v1/questions/{q.pk}"),
        ("post", f"/api/v1/questions/{q.pk}/answers"),
        ("post", f"/api/v1/posts/{a.pk}/vote"),
        ("post", f"/api/v1/answers/{a.pk}/accept"),
    ]:
        r = getattr(c, method)(path, content_type="application/json") if method == "post" else c.get(path)
        assert r.status_code == 401, path
        assert "detail" in r.json()


def test_inactive_members_are_refused(api_for, thread):
    _ = thread
    gone = make_user("gone")
    client = api_for(gone)
    gone.is_active = False
    gone.save()
    assert client.get("/api/v1/questions").status_code == 401


def test_only_the_asker_or_a_manager_accepts(api_for, pages, thread, mentor, manager, rainmaker):
    q, a = thread
    r = api_for(mentor).post(f"/api/v1/answers/{a.pk}/accept")
    assert r.status_code == 403
    assert r.json()["detail"] == "Only the person who asked (or a manager) can accept an answer."
    # The answerer cannot accept their own answer on someone else's question either.
    assert api_for(rainmaker).post(f"/api/v1/answers/{a.pk}/accept").status_code == 403
    assert pages(mentor).post(f"/questions/answers/{a.pk}/accept/").status_code == 403
    assert not Answer.objects.get(pk=a.pk).is_accepted
    assert api_for(manager).post(f"/api/v1/answers/{a.pk}/accept").status_code == 200
    assert Question.objects.get(pk=q.pk).accepted_answer_id == a.pk


def test_accepting_a_question_id_or_missing_answer_is_404(api_for, thread, newhire):
    q, _ = thread
    assert api_for(newhire).post(f"/api/v1/answers/{q.pk}/accept").status_code == 404
    assert api_for(newhire).post("/api/v1/answers/999999/accept").status_code == 404


def test_authors_edit_their_own_posts_and_managers_any(pages, thread, newhire, mentor, manager, rainmaker):
    q, a = thread
    assert pages(mentor).get(f"/questions/posts/{q.pk}/edit/").status_code == 403
    assert pages(newhire).get(f"/questions/posts/{a.pk}/edit/").status_code == 403
    assert pages(newhire).get(f"/questions/posts/{q.pk}/edit/").status_code == 200
    assert pages(rainmaker).get(f"/questions/posts/{a.pk}/edit/").status_code == 200
    assert pages(manager).get(f"/questions/posts/{a.pk}/edit/").status_code == 200
    r = pages(mentor).post(f"/questions/posts/{a.pk}/edit/", {"body": "Hijacked answer text here."})
    assert r.status_code == 403 and "Hijacked" not in Answer.objects.get(pk=a.pk).body


def test_moderation_is_for_managers(pages, thread, rainmaker, mentor, manager):
    _q, a = thread
    assert pages(rainmaker).get("/questions/moderation/").status_code == 403
    assert pages(rainmaker).post(f"/questions/posts/{a.pk}/moderate/", {"action": "hide"}).status_code == 403
    assert not Answer.objects.get(pk=a.pk).is_hidden
    assert pages(manager).get("/questions/moderation/").status_code == 200


def test_you_cannot_flag_your_own_post(pages, thread, rainmaker, mentor):
    _q, a = thread
    assert pages(rainmaker).get(f"/questions/posts/{a.pk}/flag/").status_code == 403
    assert pages(mentor).get(f"/questions/posts/{a.pk}/flag/").status_code == 200
    assert Flag.objects.count() == 0


def test_hidden_posts_are_invisible_to_others(api_for, pages, thread, manager, mentor, newhire):
    q, _a = thread
    services.post_moderate(post=q, moderator=manager, action="hide")
    assert api_for(mentor).get(f"/api/v1/questions/{q.pk}").status_code == 404
    assert pages(mentor).get(f"/questions/{q.pk}/").status_code == 404
    assert api_for(mentor).post(f"/api/v1/posts/{q.pk}/vote", {"value": 1}).status_code == 404
    assert (
        api_for(mentor).post(f"/api/v1/questions/{q.pk}/answers", {"body": "An answer to a hidden one"}).status_code
        == 404
    )
    # The author and managers still see it, with the reason.
    assert api_for(newhire).get(f"/api/v1/questions/{q.pk}").json()["is_hidden"] is True
    assert "Hidden by a manager" in pages(manager).get(f"/questions/{q.pk}/").content.decode()
    assert q.pk not in [row["id"] for row in api_for(mentor).get("/api/v1/questions").json()["items"]]


def test_history_of_a_hidden_post_is_hidden_too(pages, thread, manager, mentor):
    _q, a = thread
    services.post_moderate(post=a, moderator=manager, action="hide")
    assert pages(mentor).get(f"/questions/posts/{a.pk}/history/").status_code == 404
    assert pages(manager).get(f"/questions/posts/{a.pk}/history/").status_code == 200


def test_answers_to_a_hidden_question_are_hidden_too(api_for, pages, thread, manager, mentor, newhire):
    """An answer is only as visible as its question: no voting, commenting, flagging or reading
    its comments and history by id once a manager hid the question."""
    q, a = thread
    services.post_moderate(post=q, moderator=manager, action="hide")
    api = api_for(mentor)
    assert api.post(f"/api/v1/posts/{a.pk}/vote", {"value": 1}).status_code == 404
    assert api.get(f"/api/v1/posts/{a.pk}/comments").status_code == 404
    assert api.post(f"/api/v1/posts/{a.pk}/comments", {"body": "Still here?"}).status_code == 404
    assert api.get(f"/api/v1/posts/{a.pk}/revisions").status_code == 404
    assert api.post(f"/api/v1/posts/{a.pk}/flags", {"reason": "spam", "note": "Looks like spam"}).status_code == 404
    assert pages(mentor).get(f"/questions/posts/{a.pk}/history/").status_code == 404
    assert pages(mentor).post(f"/questions/posts/{a.pk}/vote/", {"value": "1"}).status_code == 404
    assert pages(mentor).post(f"/questions/posts/{a.pk}/comment/", {"body": "Still here?"}).status_code == 404
    with pytest.raises(Post.DoesNotExist):
        services.vote_cast(post_id=a.pk, user=mentor, value=1)
    a.refresh_from_db()
    assert (a.score, a.comment_count) == (0, 0)
    # The asker and managers still see the question, and its answers with it.
    assert api_for(newhire).get(f"/api/v1/posts/{a.pk}/comments").status_code == 200
    assert api_for(newhire).post(f"/api/v1/posts/{a.pk}/vote", {"value": 1}).status_code == 200
    assert api_for(manager).get(f"/api/v1/posts/{a.pk}/revisions").status_code == 200


def test_api_without_credentials_is_401_even_when_csrf_is_enforced(thread, client_for, newhire):
    """A script with neither a session nor a token is told to authenticate (401), not that a
    CSRF check failed (403); a signed-in browser without the CSRF token still gets 403."""
    q, a = thread
    anon = Client(enforce_csrf_checks=True)
    for path, body in [
        ("/api/v1/questions", {}),
        (f"/api/v1/questions/{q.pk}/answers", {"body": "x"}),
        (f"/api/v1/posts/{a.pk}/vote", {"value": 1}),
        (f"/api/v1/answers/{a.pk}/accept", {}),
    ]:
        r = anon.post(path, body, content_type="application/json")
        assert r.status_code == 401, path
        assert "Authentication required" in r.json()["detail"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(newhire)
    assert browser.post(f"/api/v1/posts/{a.pk}/vote", {"value": 1}, content_type="application/json").status_code == 403


def test_following_a_hidden_question_from_the_page_is_404_and_leaks_nothing(pages, thread, manager, mentor, newhire):
    """The follow form looks the question up as the API does: a question hidden from the
    person does not exist for them, so neither its title nor a follow comes out of it."""
    from community.models import Follow

    q, _a = thread
    services.post_moderate(post=q, moderator=manager, action="hide")
    r = pages(mentor).post("/questions/follow/", {"target": "question", "id": q.pk, "on": "1"}, follow=True)
    assert r.status_code == 404
    assert q.title not in r.content.decode()
    assert not Follow.objects.filter(user=mentor, question=q).exists()
    assert pages(mentor).post("/questions/follow/", {"target": "question", "id": 999999}).status_code == 404
    # The asker and managers still see it, so they may follow it.
    r = pages(manager).post("/questions/follow/", {"target": "question", "id": q.pk, "on": "1"}, follow=True)
    assert r.status_code == 200 and Follow.objects.filter(user=manager, question=q).exists()
    r = pages(newhire).post("/questions/follow/", {"target": "question", "id": q.pk, "on": "0"})
    assert r.status_code == 302 and not Follow.objects.filter(user=newhire, question=q).exists()
