"""Comments are moderated: their author edits or deletes them, a manager hides them (and shows them
again); everyone else is refused (403, or 404 for what they may not see). Pages and API alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from community.models import Comment, HiddenReason, Post
from community.qa import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def commented(ask, rainmaker, mentor):
    """A question by the new hire, answered by the rainmaker; the mentor comments on the answer."""
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade it for a longer term, always.")
    c = services.comment_create(post=a, author=mentor, body="Which term did they take?")
    return q, a, c


# --- The services and the policy ------------------------------------------------------------------


def test_the_author_edits_their_comment_and_new_mentions_are_told(commented, mentor, newhire):
    _q, _a, c = commented
    services.comment_edit(comment=c, editor=mentor, body="Which term did they take, @newhire?")
    c.refresh_from_db()
    assert c.body == "Which term did they take, @newhire?" and c.edited_at is not None
    assert 'href="/people/newhire/"' in c.body_html
    assert Notification.objects.filter(recipient=newhire, kind="mention").count() == 1
    services.comment_edit(comment=c, editor=mentor, body="Which term did they take, @newhire? Three years?")
    assert Notification.objects.filter(recipient=newhire, kind="mention").count() == 1  # told once
    with pytest.raises(ValidationError) as caught:
        services.comment_edit(comment=c, editor=mentor, body="x")
    assert "body" in caught.value.message_dict


@pytest.mark.parametrize("who", ["rainmaker", "newhire", "manager"])
def test_only_the_author_edits_or_deletes_a_comment(commented, request, who):
    _q, _a, c = commented
    other = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=c, editor=other, body="Rewritten by someone else.")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=c, user=other)
    assert Comment.objects.get(pk=c.pk).body == "Which term did they take?"


def test_the_author_deletes_their_comment_and_the_count_follows(commented, mentor):
    _q, a, c = commented
    assert Post.objects.get(pk=a.pk).comment_count == 1
    services.comment_delete(comment=c, user=mentor)
    services.comment_delete(comment=c, user=mentor)  # twice: already gone, nothing moves
    assert not Comment.objects.filter(pk=c.pk).exists()
    assert Post.objects.get(pk=a.pk).comment_count == 0


def test_a_manager_hides_and_shows_a_comment(commented, manager, mentor, rainmaker):
    _q, a, c = commented
    for who in (mentor, rainmaker):
        with pytest.raises(PermissionDenied):
            services.comment_moderate(comment=c, moderator=who, action="hide")
    services.comment_moderate(comment=c, moderator=manager, action="hide", note="Keep it about the deal.")
    services.comment_moderate(comment=c, moderator=manager, action="hide")  # again: nothing moves
    assert Comment.objects.get(pk=c.pk).is_hidden and Post.objects.get(pk=a.pk).comment_count == 0
    told = Notification.objects.get(recipient=mentor, kind="qa.moderation")
    assert "Your comment was hidden by a manager" in told.title and told.body == "Keep it about the deal."
    # Hidden: no editing (a manager decided), but its author may still delete it.
    with pytest.raises(ValidationError, match="hid this comment"):
        services.comment_edit(comment=Comment.objects.get(pk=c.pk), editor=mentor, body="A better comment now.")
    services.comment_moderate(comment=c, moderator=manager, action="unhide")
    assert not Comment.objects.get(pk=c.pk).is_hidden and Post.objects.get(pk=a.pk).comment_count == 1
    with pytest.raises(ValidationError):
        services.comment_moderate(comment=c, moderator=manager, action="burn")


# --- The API --------------------------------------------------------------------------------------


def test_api_edit_and_delete_your_comment(api_for, commented, mentor, rainmaker, manager):
    q, a, c = commented
    r = api_for(mentor).patch(f"/api/v1/comments/{c.pk}", {"body": "Which term did they *take*?"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == c.pk and body["post_id"] == a.pk and body["url"] == f"/questions/{q.pk}/#comment-{c.pk}"
    assert body["edited_at"] and body["is_hidden"] is False and "<em>take</em>" in body["body_html"]
    for who in (rainmaker, manager):
        r = api_for(who).patch(f"/api/v1/comments/{c.pk}", {"body": "Not my comment to edit."})
        assert r.status_code == 403 and r.json()["detail"] == "You can edit only your own comments."
        assert api_for(who).delete(f"/api/v1/comments/{c.pk}").status_code == 403
    r = api_for(mentor).patch(f"/api/v1/comments/{c.pk}", {"body": "x"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
    assert api_for(mentor).patch(f"/api/v1/comments/{c.pk}", {"body": "y" * 1001}).status_code == 422
    assert api_for(mentor).patch("/api/v1/comments/999999", {"body": "Nothing here."}).status_code == 404
    assert api_for(mentor).delete(f"/api/v1/comments/{c.pk}").status_code == 204
    assert api_for(mentor).delete(f"/api/v1/comments/{c.pk}").status_code == 404
    assert not Comment.objects.filter(pk=c.pk).exists()


def test_api_managers_hide_and_show_comments(api_for, commented, mentor, rainmaker, newhire, manager):
    _q, a, c = commented
    for who in (mentor, rainmaker, newhire):
        r = api_for(who).post(f"/api/v1/comments/{c.pk}/moderate", {"action": "hide"})
        assert r.status_code == 403 and r.json()["detail"] == "Only managers can hide comments or show them again."
    boss = api_for(manager)
    assert boss.post(f"/api/v1/comments/{c.pk}/moderate", {"action": "burn"}).status_code == 422
    r = boss.post(f"/api/v1/comments/{c.pk}/moderate", {"action": "hide", "note": "Off topic."})
    assert r.status_code == 200 and r.json()["is_hidden"] is True
    # Hidden: gone for the others (404 by id), still there for its author and managers.
    assert api_for(rainmaker).get(f"/api/v1/posts/{a.pk}/comments").json()["count"] == 0
    assert api_for(rainmaker).post(f"/api/v1/comments/{c.pk}/moderate", {"action": "unhide"}).status_code == 404
    assert api_for(rainmaker).delete(f"/api/v1/comments/{c.pk}").status_code == 404
    mine = api_for(mentor).get(f"/api/v1/posts/{a.pk}/comments").json()["items"]
    assert [(i["id"], i["is_hidden"]) for i in mine] == [(c.pk, True)]
    r = api_for(mentor).patch(f"/api/v1/comments/{c.pk}", {"body": "Let me rephrase that."})
    assert r.status_code == 409 and "hid this comment" in r.json()["detail"]
    detail = api_for(manager).get(f"/api/v1/questions/{a.question_id}").json()
    assert detail["answers"][0]["comments"][0]["is_hidden"] is True
    r = boss.post(f"/api/v1/comments/{c.pk}/moderate", {"action": "unhide"})
    assert r.status_code == 200 and r.json()["is_hidden"] is False
    assert api_for(rainmaker).get(f"/api/v1/posts/{a.pk}/comments").json()["count"] == 1


def test_api_comments_on_a_hidden_post_are_as_hidden_as_the_post(api_for, commented, mentor, manager, newhire):
    q, _a, c = commented
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    # The mentor wrote the comment, but cannot see the question any more: 404, not 403.
    assert api_for(mentor).patch(f"/api/v1/comments/{c.pk}", {"body": "Still there?"}).status_code == 404
    assert api_for(mentor).delete(f"/api/v1/comments/{c.pk}").status_code == 404
    Post.objects.filter(pk=q.pk).update(hidden_reason="")
    mine = services.comment_create(post=q, author=newhire, body="Adding the deal size: 200k.")
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    # The asker still sees their hidden question: the comment stays until a manager decides (409).
    r = api_for(newhire).patch(f"/api/v1/comments/{mine.pk}", {"body": "Adding the deal size: 250k."})
    assert r.status_code == 409 and "hidden" in r.json()["detail"]
    assert api_for(manager).post(f"/api/v1/comments/{mine.pk}/moderate", {"action": "hide"}).status_code == 200
    assert api_for(newhire).delete(f"/api/v1/comments/{mine.pk}").status_code == 204


def test_comment_endpoints_need_credentials(commented):
    _q, _a, c = commented
    anon = Client()
    assert anon.patch(f"/api/v1/comments/{c.pk}", {"body": "x"}, content_type="application/json").status_code == 401
    assert anon.delete(f"/api/v1/comments/{c.pk}").status_code == 401
    r = anon.post(f"/api/v1/comments/{c.pk}/moderate", {"action": "hide"}, content_type="application/json")
    assert r.status_code == 401


# --- The question page ----------------------------------------------------------------------------


def _tools(html: str, comment_id: int) -> set[str]:
    found = set()
    for name, action in (
        ("edit", f'action="/questions/comments/{comment_id}/edit/"'),
        ("delete", f'action="/questions/comments/{comment_id}/delete/"'),
        ("moderate", f'action="/questions/comments/{comment_id}/moderate/"'),
    ):
        if action in html:
            found.add(name)
    return found


def test_the_page_shows_each_reader_only_the_controls_they_may_use(pages, commented, mentor, rainmaker, manager):
    q, _a, c = commented
    html = pages(mentor).get(f"/questions/{q.pk}/").content.decode()
    assert _tools(html, c.pk) == {"edit", "delete"}
    assert _tools(pages(rainmaker).get(f"/questions/{q.pk}/").content.decode(), c.pk) == set()
    html = pages(manager).get(f"/questions/{q.pk}/").content.decode()
    assert _tools(html, c.pk) == {"moderate"} and 'name="action" value="hide"' in html


def test_page_forms_edit_delete_hide_and_show(pages, commented, mentor, manager, rainmaker):
    q, a, c = commented
    author = pages(mentor)
    assert author.get(f"/questions/comments/{c.pk}/edit/").status_code == 200
    r = author.post(f"/questions/comments/{c.pk}/edit/", {"body": "Which term, three years?"})
    assert r.status_code == 302 and r["Location"] == f"/questions/{q.pk}/#comment-{c.pk}"
    html = author.get(f"/questions/{q.pk}/").content.decode()
    assert "Which term, three years?" in html and "(edited)" in html
    r = author.post(f"/questions/comments/{c.pk}/edit/", {"body": "x"})
    assert r.status_code == 422 and "at least 2 characters" in r.content.decode()

    boss = pages(manager)
    r = boss.post(f"/questions/comments/{c.pk}/moderate/", {"action": "hide"}, follow=True)
    assert r.status_code == 200 and "The comment is hidden." in r.content.decode()
    assert 'name="action" value="unhide"' in r.content.decode()
    assert "Which term, three years?" not in pages(rainmaker).get(f"/questions/{q.pk}/").content.decode()
    html = author.get(f"/questions/{q.pk}/").content.decode()
    assert "Which term, three years?" in html and "Hidden by a manager" in html
    assert _tools(html, c.pk) == {"delete"}  # hidden: no editing, deleting is still theirs
    r = boss.post(f"/questions/comments/{c.pk}/moderate/", {"action": "explode"}, follow=True)
    assert "Choose hide or unhide." in r.content.decode()
    boss.post(f"/questions/comments/{c.pk}/moderate/", {"action": "unhide"})
    assert "Which term, three years?" in pages(rainmaker).get(f"/questions/{q.pk}/").content.decode()

    r = author.post(f"/questions/comments/{c.pk}/delete/", follow=True)
    assert r.status_code == 200 and "Your comment is deleted." in r.content.decode()
    assert "Which term, three years?" not in r.content.decode()
    assert not Comment.objects.filter(pk=c.pk).exists() and Post.objects.get(pk=a.pk).comment_count == 0


def test_page_forms_refuse_everyone_else(pages, commented, rainmaker, newhire, manager):
    _q, _a, c = commented
    for who in (rainmaker, newhire):
        client = pages(who)
        assert client.get(f"/questions/comments/{c.pk}/edit/").status_code == 403
        assert client.post(f"/questions/comments/{c.pk}/edit/", {"body": "Hijacked comment."}).status_code == 403
        assert client.post(f"/questions/comments/{c.pk}/delete/").status_code == 403
        assert client.post(f"/questions/comments/{c.pk}/moderate/", {"action": "hide"}).status_code == 403
    assert pages(manager).post(f"/questions/comments/{c.pk}/delete/").status_code == 403
    assert pages(manager).get(f"/questions/comments/{c.pk}/edit/").status_code == 403
    services.comment_moderate(comment=c, moderator=manager, action="hide")
    # Hidden from them now: 404, as if it did not exist.
    assert pages(rainmaker).post(f"/questions/comments/{c.pk}/delete/").status_code == 404
    assert pages(rainmaker).post(f"/questions/comments/{c.pk}/moderate/", {"action": "unhide"}).status_code == 404
    assert pages(rainmaker).post("/questions/comments/999999/delete/").status_code == 404
    comment = Comment.objects.get(pk=c.pk)
    assert comment.body == "Which term did they take?" and comment.is_hidden
    # Signed out: sent to sign in.
    r = Client().post(f"/questions/comments/{c.pk}/delete/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
