"""XSS is neutralised everywhere users type; bad input gets a clear error; new accounts are rate-limited."""

from __future__ import annotations

import pytest
from django.test import override_settings

from community.models import Comment, Label, Question
from community.qa import services

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_title_body_comments_and_tags_is_neutralised(api_for, pages, newhire, rainmaker):
    r = api_for(newhire).post(
        "/api/v1/questions",
        {"title": f"Pricing {XSS} objection", "body": f"Body **bold** {XSS} [x](javascript:alert(1))", "tags": []},
    )
    assert r.status_code == 201
    q = r.json()
    assert "<script" not in q["body_html"] and "onerror" not in q["body_html"] and "javascript:" not in q["body_html"]
    a = api_for(rainmaker).post(f"/api/v1/questions/{q['id']}/answers", {"body": f"Answer {XSS} text"}).json()
    assert "<script" not in a["body_html"] and "<img" not in a["body_html"]
    services.comment_create(post=Question.objects.get(pk=q["id"]), author=rainmaker, body=f"Comment {XSS}")
    assert "<script" not in Comment.objects.get().body_html

    html = pages(newhire).get(f"/questions/{q['id']}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html  # the title is escaped, not executed
    listing = pages(newhire).get("/questions/").content.decode()
    assert "<script>alert" not in listing


def _no_live_markup(html: str) -> None:
    assert "<script" not in html and "<img" not in html and "onerror" not in html and "javascript:" not in html


def test_xss_in_comments_through_the_api_is_neutralised(api_for, pages, ask, newhire, rainmaker):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade the discount for a longer term.")
    api = api_for(newhire)
    for post_id in (q.pk, a.pk):
        r = api.post(f"/api/v1/posts/{post_id}/comments", {"body": f"Comment {XSS} [x](javascript:alert(1))"})
        assert r.status_code == 201, r.content
        _no_live_markup(r.json()["body_html"])
        assert XSS in r.json()["body"]  # the source comes back as typed; only the HTML is cleaned
    comment_id = r.json()["id"]
    r = api.patch(f"/api/v1/comments/{comment_id}", {"body": f"Edited {XSS}"})
    assert r.status_code == 200
    _no_live_markup(r.json()["body_html"])
    for item in api.get(f"/api/v1/posts/{q.pk}/comments").json()["items"]:
        _no_live_markup(item["body_html"])
    detail = api.get(f"/api/v1/questions/{q.pk}").json()
    for c in detail["comments"] + detail["answers"][0]["comments"]:
        _no_live_markup(c["body_html"])
    html = pages(rainmaker).get(f"/questions/{q.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html


def test_xss_in_comments_through_the_page_form_is_neutralised(pages, ask, newhire, rainmaker):
    q = ask()
    c = pages(rainmaker)
    r = c.post(f"/questions/posts/{q.pk}/comment/", {"body": f"Comment {XSS} [x](javascript:alert(1))"})
    assert r.status_code == 302
    comment = Comment.objects.get()
    _no_live_markup(comment.body_html)
    r = c.post(f"/questions/comments/{comment.pk}/edit/", {"body": f"Edited {XSS}"})
    assert r.status_code == 302
    _no_live_markup(Comment.objects.get().body_html)
    for reader in (newhire, rainmaker):  # the author's page also holds the source in the edit form
        html = pages(reader).get(f"/questions/{q.pk}/").content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert" in pages(rainmaker).get(f"/questions/{q.pk}/").content.decode()
    # A form that fails validation shows what was typed, escaped.
    r = c.post(f"/questions/posts/{q.pk}/comment/", {"body": XSS + "x" * 1000})
    assert r.status_code == 422
    assert "<script>alert" not in r.content.decode() and "&lt;script&gt;" in r.content.decode()


def test_tags_with_markup_are_refused(api_for, pages, newhire):
    r = api_for(newhire).post(
        "/api/v1/questions",
        {"title": "A question with a bad tag", "body": "Long enough body for the question.", "tags": [XSS]},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "tags" and "not a valid tag" in r.json()["errors"][0]["message"]
    r = pages(newhire).post(
        "/questions/ask/",
        {"title": "A question with a bad tag", "body": "Long enough body for the question.", "other_tags": "<b>x</b>"},
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "not a valid tag" in html and "<b>x</b>" not in html
    assert Label.objects.count() == 0 and Question.objects.count() == 0


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "Short", "body": "Long enough body for the question."}, "title"),
        ({"title": "A perfectly fine title", "body": "tiny"}, "body"),
        ({"title": "A perfectly fine title", "body": "Long enough body here.", "stage": "nope"}, "stage"),
        ({"title": "A perfectly fine title", "body": "Long enough body here.", "persona": 99999}, "persona"),
        ({"title": "A perfectly fine title", "body": "Long enough body here.", "deal_size": "huge"}, "deal_size"),
        (
            {"title": "A perfectly fine title", "body": "Long enough body here.", "deal_industry": "mars"},
            "deal_industry",
        ),
        ({"title": "x" * 201, "body": "Long enough body here."}, "title"),
        ({"body": "Long enough body here."}, "title"),
        ({"title": "A perfectly fine title", "body": "Long enough body here.", "tags": "not-a-list"}, "tags"),
        (
            {"title": "A perfectly fine title", "body": "Long enough body here.", "tags": [f"t{i}" for i in range(6)]},
            "tags",
        ),
    ],
)
def test_bad_questions_get_field_errors(api_for, newhire, payload, field):
    r = api_for(newhire).post("/api/v1/questions", payload)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"]
    assert field in [e["field"] for e in body["errors"]], body
    assert Question.objects.count() == 0


def test_every_unknown_term_is_reported_at_once(api_for, newhire):
    payload = {
        "title": "How do I answer procurement's 20% discount ask?",
        "body": "Procurement wants 20% off before signing. The champion says budget is there.",
        "stage": "nope",
        "persona": 999999,
        "deal_industry": "nowhere",
        "deal_size": "huge",
    }
    r = api_for(newhire).post("/api/v1/questions", payload)
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"stage", "persona", "deal_industry", "deal_size"}
    assert Question.objects.count() == 0


def test_malformed_json_is_400(api_for, newhire):
    r = api_for(newhire).post("/api/v1/questions", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"]


def test_bad_list_filters_are_explained(api_for, newhire):
    r = api_for(newhire).get("/api/v1/questions?tab=everything")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tab"
    assert api_for(newhire).get("/api/v1/questions?page=0").status_code == 422


@pytest.mark.parametrize("field", ["stage", "persona", "tag"])
def test_list_filters_that_name_nothing_are_422_not_an_empty_list(api_for, newhire, field):
    r = api_for(newhire).get(f"/api/v1/questions?{field}=nope")
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"] and [e["field"] for e in body["errors"]] == [field]
    assert "“nope”" in body["errors"][0]["message"] and "such as" in body["errors"][0]["message"]


def test_every_bad_list_filter_is_reported_at_once_and_known_ones_still_filter(api_for, ask, newhire):
    from taxonomy.models import SalesStage

    r = api_for(newhire).get("/api/v1/questions?tab=everything&stage=nope&persona=nope&tag=nope")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"tab", "stage", "persona", "tag"}
    q = ask(labels=["renewal"])
    api = api_for(newhire)
    for query in ("stage=negotiation", "tag=negotiation", "tag=renewal"):
        r = api.get(f"/api/v1/questions?{query}")
        assert r.status_code == 200 and [i["id"] for i in r.json()["items"]] == [q.pk], query
    r = api.get("/api/v1/questions?stage=closing")  # a real stage without questions: an empty page
    assert r.status_code == 200 and r.json()["count"] == 0
    SalesStage.objects.filter(slug="negotiation").update(is_active=False)  # retired terms still filter
    assert api.get("/api/v1/questions?stage=negotiation").json()["count"] == 1


def test_bad_answers_get_field_errors(api_for, ask, rainmaker):
    q = ask()
    api = api_for(rainmaker)
    r = api.post(f"/api/v1/questions/{q.pk}/answers", {"body": "meh"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
    r = api.post(f"/api/v1/questions/{q.pk}/answers", {"body": "A real answer with detail.", "technique_ids": [424242]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "technique_ids"
    assert api.post("/api/v1/questions/999999/answers", {"body": "A real answer with detail."}).status_code == 404
    assert api.post(f"/api/v1/questions/{q.pk}/answers", {}).status_code == 422


def test_bad_forms_rerender_with_errors_and_keep_what_was_typed(pages, ask, newhire, rainmaker):
    c = pages(newhire)
    r = c.post("/questions/ask/", {"title": "Too short", "body": "Kept body text that is long enough."})
    assert r.status_code == 422
    html = r.content.decode()
    assert "at least 10 characters" in html and "Kept body text that is long enough." in html
    q = ask()
    r = pages(rainmaker).post(f"/questions/{q.pk}/answer/", {"body": "short"})
    assert r.status_code == 422 and "at least 15 characters" in r.content.decode()
    assert "short</textarea>" in r.content.decode()
    r = pages(rainmaker).post(f"/questions/posts/{q.pk}/comment/", {"body": ""})
    assert r.status_code == 422 and "This field is required" in r.content.decode()
    r = pages(rainmaker).post(f"/questions/posts/{q.pk}/comment/", {"body": "x" * 1001})
    assert r.status_code == 422
    r = pages(rainmaker).post(f"/questions/posts/{q.pk}/flag/", {"reason": "rude", "note": ""})
    assert r.status_code == 422 and "Select a valid choice" in r.content.decode()
    r = pages(newhire).post(f"/questions/posts/{q.pk}/edit/", {"title": "", "body": ""})
    assert r.status_code == 422


def test_follow_with_bad_input_explains(pages, newhire):
    r = pages(newhire).post("/questions/follow/", {"target": "planet", "id": "1"}, follow=True)
    assert "Choose a tag, a stage or a question to follow." in r.content.decode()
    r = pages(newhire).post("/questions/follow/", {"target": "tag", "id": "abc"}, follow=True)
    assert "Choose a tag, a stage or a question to follow." in r.content.decode()


@override_settings(QA_NEW_ACCOUNT_POSTS_PER_HOUR=2)
def test_new_accounts_are_rate_limited_with_a_clear_429(api_for, pages, newhire, rainmaker):
    api = api_for(newhire)
    payload = {"title": "How do I open a call with a CFO?", "body": "First call with a CFO next week, any advice?"}
    assert api.post("/api/v1/questions", payload).status_code == 201
    assert api.post("/api/v1/questions", payload).status_code == 201
    r = api.post("/api/v1/questions", payload)
    assert r.status_code == 429
    assert "New accounts can post 2 questions and answers an hour" in r.json()["detail"]
    assert int(r["Retry-After"]) > 0
    r = pages(newhire).post("/questions/ask/", payload)
    assert r.status_code == 429
    assert "New accounts can post 2 questions and answers an hour" in r.content.decode()
    assert "First call with a CFO next week" in r.content.decode()
    # Rainmakers (and old accounts) are not limited.
    for _ in range(3):
        assert api_for(rainmaker).post("/api/v1/questions", payload).status_code == 201


@override_settings(QA_NEW_ACCOUNT_COMMENTS_PER_HOUR=1)
def test_new_accounts_are_rate_limited_on_comments(pages, ask, newhire):
    q = ask()
    c = pages(newhire)
    assert c.post(f"/questions/posts/{q.pk}/comment/", {"body": "First comment"}).status_code == 302
    r = c.post(f"/questions/posts/{q.pk}/comment/", {"body": "Second comment"})
    assert r.status_code == 429 and "New accounts can post 1 comment an hour;" in r.content.decode()
    assert "1 comments" not in r.content.decode()


@pytest.mark.parametrize(
    "what,limit,sentence",
    [
        ("comment", 1, "New accounts can post 1 comment an hour; you can post again in "),
        ("comment", 3, "New accounts can post 3 comments an hour; you can post again in "),
        ("post", 1, "New accounts can post 1 question or answer an hour; you can post again in "),
        ("post", 2, "New accounts can post 2 questions and answers an hour; you can post again in "),
    ],
)
def test_the_rate_limit_sentence_is_plural_only_when_it_should_be(ask, rainmaker, settings, what, limit, sentence):
    from datetime import timedelta

    from django.utils import timezone

    from community.models import Post
    from tests.factories import make_user

    settings.QA_NEW_ACCOUNT_COMMENTS_PER_HOUR = limit
    settings.QA_NEW_ACCOUNT_POSTS_PER_HOUR = limit
    fresh = make_user("fresh")
    q = ask(author=rainmaker)
    for _ in range(limit):
        if what == "comment":
            services.comment_create(post=q, author=fresh, body="A clarifying comment.")
        else:
            services.answer_create(question=q, author=fresh, body="An answer long enough to count.")
    # The oldest post of the hour was 59 minutes ago: one minute to wait, said in the singular.
    model = Comment if what == "comment" else Post
    oldest = model.objects.filter(author=fresh).order_by("created_at", "pk").first()
    model.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(minutes=59, seconds=30))
    with pytest.raises(services.RateLimited) as caught:
        services.check_rate_limit(user=fresh, what=what)
    assert caught.value.message == sentence + "1 minute."


def test_the_ask_form_shows_every_error_at_once(pages, newhire):
    """A short title and a missing body are both explained on the first post."""
    r = pages(newhire).post("/questions/ask/", {"title": "short", "body": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "at least 10 characters" in html and "This field is required" in html
    r = pages(newhire).post("/questions/ask/", {"title": "A title long enough", "body": "Too brief"})
    assert r.status_code == 422 and "at least 20 characters" in r.content.decode()
