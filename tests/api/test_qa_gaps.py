"""Questions and answers over the API beyond issue 4's paths: edits and revisions, comments,
flags and moderation, follows, reputation, and the list tabs."""

from __future__ import annotations

import pytest

from community.models import Comment, Flag, Follow, HiddenReason, Post, PostRevision, Question, QuestionRouting
from community.qa import reputation, services
from taxonomy.models import SalesStage, SkillTag
from tests.factories import make_user

from .conftest import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(newhire):
    def make(author=None, **kwargs) -> Question:
        data = {
            "title": "How do I answer procurement's 20% discount ask?",
            "body": "Procurement wants 20% off before signing. The champion says the budget is there.",
            "stage": SalesStage.objects.get(slug="negotiation"),
            "tags": [SkillTag.objects.get(slug="negotiation")],
            "labels": ["procurement"],
        }
        data.update(kwargs)
        return services.question_create(author=author or newhire, **data)

    return make


@pytest.fixture
def answered(ask, rainmaker):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade it: discount for a multi-year term.")
    return q, a


# --- Editing and revisions ---------------------------------------------------------------------------


def test_the_asker_edits_only_what_they_send(api_for, ask, newhire):
    q = ask()
    r = api_for(newhire).patch(
        f"/api/v1/questions/{q.pk}", {"title": "Procurement wants 20% off: trade or hold?", "summary": "Sharper"}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "Procurement wants 20% off: trade or hold?"
    assert body["stage"]["slug"] == "negotiation" and {t["slug"] for t in body["tags"]} == {
        "negotiation",
        "procurement",
    }
    assert body["body"] == q.body
    assert PostRevision.objects.filter(post=q).count() == 2


def test_edit_tags_stage_and_deal_context(api_for, ask, newhire):
    q = ask()
    body = (
        api_for(newhire)
        .patch(
            f"/api/v1/questions/{q.pk}", {"tags": ["pricing-and-value", "renewal"], "stage": None, "deal_size": "gt1m"}
        )
        .json()
    )
    assert {(t["slug"], t["kind"]) for t in body["tags"]} == {("pricing-and-value", "skill"), ("renewal", "free")}
    assert body["stage"] is None and body["deal_context"]["size"] == "gt1m"


def test_question_edit_rules(api_for, ask, newhire, manager, rainmaker):
    q = ask()
    assert api_for(rainmaker).patch(f"/api/v1/questions/{q.pk}", {"title": "Hijacked title here"}).status_code == 403
    assert (
        api_for(manager).patch(f"/api/v1/questions/{q.pk}", {"title": "A manager's clearer title"}).status_code == 200
    )
    api = api_for(newhire)
    for payload, field in (
        ({"title": "Short"}, "title"),
        ({"stage": "nowhere"}, "stage"),
        ({"deal_size": "huge"}, "deal_size"),
    ):
        r = api.patch(f"/api/v1/questions/{q.pk}", payload)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.content
    assert api.patch("/api/v1/questions/999999", {"title": "Nothing to see here"}).status_code == 404
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    assert api_for(rainmaker).patch(f"/api/v1/questions/{q.pk}", {"title": "Hidden from me"}).status_code == 404


def test_edit_an_answer_and_read_the_diffs(api_for, answered, rainmaker, newhire):
    _q, a = answered
    api = api_for(rainmaker)
    r = api.patch(
        f"/api/v1/answers/{a.pk}", {"body": "Trade it: discount for a three-year term.", "summary": "Clearer"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["body"] == "Trade it: discount for a three-year term." and r.json()["edited_at"]
    assert api_for(newhire).patch(f"/api/v1/answers/{a.pk}", {"body": "Mine now, mine now."}).status_code == 403
    assert api.patch(f"/api/v1/answers/{a.pk}", {"body": "short"}).status_code == 422
    assert api.patch(f"/api/v1/answers/{a.pk}", {"technique_ids": [999999]}).status_code == 422

    revs = api_for(newhire).get(f"/api/v1/posts/{a.pk}/revisions").json()
    assert revs["count"] == 2
    newest, first = revs["items"]
    assert newest["number"] == 2 and newest["summary"] == "Clearer" and not newest["first"]
    assert {"op": "delete", "text": "Trade it: discount for a multi-year term."} in newest["changes"]["body"]
    assert {"op": "insert", "text": "Trade it: discount for a three-year term."} in newest["changes"]["body"]
    assert first["first"] and first["changes"]["body"] == [{"op": "equal", "text": first["body"]}]
    assert newest["url"] == f"/questions/posts/{a.pk}/history/"


def test_revisions_of_hidden_or_missing_posts_are_404(api_for, ask, rainmaker, newhire):
    q = ask()
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    assert api_for(rainmaker).get(f"/api/v1/posts/{q.pk}/revisions").status_code == 404
    assert api_for(newhire).get(f"/api/v1/posts/{q.pk}/revisions").status_code == 200  # the author
    assert api_for(newhire).get("/api/v1/posts/999999/revisions").status_code == 404


# --- Comments ------------------------------------------------------------------------------------------


def test_comment_and_list_comments(api_for, answered, rainmaker, newhire):
    q, a = answered
    r = api_for(newhire).post(f"/api/v1/posts/{a.pk}/comments", {"body": "Which term did they accept, @rainmaker?"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["post_id"] == a.pk and body["url"] == f"/questions/{q.pk}/#comment-{body['id']}"
    assert 'href="/people/rainmaker/"' in body["body_html"]
    listed = api_for(rainmaker).get(f"/api/v1/posts/{a.pk}/comments").json()
    assert listed["count"] == 1 and listed["items"][0]["author"]["username"] == "newhire"


def test_comment_rules(api_for, ask, newhire, rainmaker, manager):
    q = ask()
    api = api_for(rainmaker)
    assert api.post(f"/api/v1/posts/{q.pk}/comments", {"body": "x"}).status_code == 422
    assert api.post(f"/api/v1/posts/{q.pk}/comments", {"body": "x" * 1001}).status_code == 422
    assert api.post("/api/v1/posts/999999/comments", {"body": "Anyone there?"}).status_code == 404
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    assert api.post(f"/api/v1/posts/{q.pk}/comments", {"body": "Hidden from me"}).status_code == 404
    # The author still sees their hidden post, but it takes no comments while hidden: 409.
    r = api_for(newhire).post(f"/api/v1/posts/{q.pk}/comments", {"body": "Why was it hidden?"})
    assert r.status_code == 409 and "hidden" in r.json()["detail"]
    hidden = Comment.objects.create(post=q, author=rainmaker, body="Hidden note", body_html="<p>x</p>", is_hidden=True)
    assert hidden.pk in [c["id"] for c in api_for(manager).get(f"/api/v1/posts/{q.pk}/comments").json()["items"]]
    assert api_for(newhire).get(f"/api/v1/posts/{q.pk}/comments").json()["count"] == 0


def test_new_accounts_commenting_too_fast_get_429(api_for, ask, rainmaker, settings):
    settings.QA_NEW_ACCOUNT_COMMENTS_PER_HOUR = 1
    q = ask(author=rainmaker)
    fresh = api_for(make_user("fresh"))
    assert fresh.post(f"/api/v1/posts/{q.pk}/comments", {"body": "First comment."}).status_code == 201
    r = fresh.post(f"/api/v1/posts/{q.pk}/comments", {"body": "Second comment."})
    assert r.status_code == 429 and r["Retry-After"] and "New accounts" in r.json()["detail"]


# --- Flags and moderation --------------------------------------------------------------------------------


def test_flag_then_moderate(api_for, answered, mentor, manager, rainmaker):
    q, a = answered
    r = api_for(mentor).post(f"/api/v1/posts/{a.pk}/flags", {"reason": "wrong", "note": "This is bad advice."})
    assert r.status_code == 201, r.content
    assert r.json()["resolution"] == "" and r.json()["post_id"] == a.pk
    again = api_for(mentor).post(f"/api/v1/posts/{a.pk}/flags", {"reason": "wrong", "note": "This is bad advice."})
    assert again.status_code == 409 and "already flagged" in again.json()["detail"]

    boss = api_for(manager)
    queue = boss.get("/api/v1/questions/moderation").json()
    assert queue["count"] == 1
    entry = queue["items"][0]
    assert entry["post_id"] == a.pk and entry["kind"] == "answer" and entry["question"]["id"] == q.pk
    assert entry["url"] == f"/questions/{q.pk}/#post-{a.pk}" and entry["flags"][0]["user"]["username"] == "mentor"
    r = boss.post(f"/api/v1/posts/{a.pk}/moderate", {"action": "hide", "note": "See the guidelines."})
    assert r.status_code == 200 and r.json()["is_hidden"] and r.json()["hidden_reason"] == "moderator"
    assert Flag.objects.get().resolution == "hidden"
    assert boss.get("/api/v1/questions/moderation").json()["count"] == 0
    r = boss.post(f"/api/v1/posts/{a.pk}/moderate", {"action": "unhide"})
    assert r.status_code == 200 and not r.json()["is_hidden"]


def test_close_as_duplicate(api_for, ask, manager):
    original = ask(title="How do I handle procurement's first discount ask?")
    dup = ask(title="Procurement asked for 20% off, what now?")
    boss = api_for(manager)
    missing = boss.post(f"/api/v1/posts/{dup.pk}/moderate", {"action": "duplicate"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "duplicate_of"
    unknown = boss.post(f"/api/v1/posts/{dup.pk}/moderate", {"action": "duplicate", "duplicate_of": 999999})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "duplicate_of"
    r = boss.post(f"/api/v1/posts/{dup.pk}/moderate", {"action": "duplicate", "duplicate_of": original.pk})
    assert r.status_code == 200 and r.json()["duplicate_of_id"] == original.pk
    assert api_for(manager).get(f"/api/v1/questions/{dup.pk}").json()["is_closed"] is True


def test_flag_and_moderation_rules(api_for, answered, rainmaker, newhire, manager):
    q, a = answered
    own = api_for(rainmaker).post(f"/api/v1/posts/{a.pk}/flags", {"reason": "spam", "note": "Flagging my own."})
    assert own.status_code == 403 and own.json()["detail"] == "You cannot flag your own post."
    bad = api_for(newhire).post(f"/api/v1/posts/{a.pk}/flags", {"reason": "boring", "note": "Not my style at all."})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"
    short = api_for(newhire).post(f"/api/v1/posts/{a.pk}/flags", {"reason": "spam", "note": "no"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "note"
    assert api_for(newhire).get("/api/v1/questions/moderation").status_code == 403
    assert api_for(newhire).post(f"/api/v1/posts/{a.pk}/moderate", {"action": "hide"}).status_code == 403
    boss = api_for(manager)
    assert boss.post("/api/v1/posts/999999/moderate", {"action": "hide"}).status_code == 404
    assert boss.post(f"/api/v1/posts/{a.pk}/moderate", {"action": "burn"}).status_code == 422
    answer_dup = boss.post(f"/api/v1/posts/{a.pk}/moderate", {"action": "duplicate", "duplicate_of": q.pk})
    assert answer_dup.status_code == 422


# --- Follows ------------------------------------------------------------------------------------------------


def test_follow_list_and_unfollow(api_for, ask, newhire, rainmaker):
    q = ask(author=rainmaker)
    api = api_for(newhire)
    r = api.post("/api/v1/follows", {"target": "tag", "id": "negotiation"})
    assert r.status_code == 201 and r.json()["tag"]["slug"] == "negotiation"
    assert r.json()["url"] == "/questions/?tag=negotiation"
    assert api.post("/api/v1/follows", {"target": "tag", "id": "Negotiation"}).status_code == 200
    stage = SalesStage.objects.get(slug="closing")
    assert api.post("/api/v1/follows", {"target": "stage", "id": stage.pk}).status_code == 201
    assert api.post("/api/v1/follows", {"target": "question", "id": q.pk}).status_code == 201
    listed = api.get("/api/v1/follows").json()
    assert listed["count"] == 3
    assert api.get("/api/v1/follows?target=question").json()["items"][0]["question"]["id"] == q.pk
    follow_id = listed["items"][-1]["id"]
    assert api.delete(f"/api/v1/follows/{follow_id}").status_code == 204
    assert api.delete(f"/api/v1/follows/{follow_id}").status_code == 404
    assert Follow.objects.filter(user=newhire).count() == 2


def test_follow_rules(api_for, ask, newhire, rainmaker):
    q = ask(author=rainmaker)
    api = api_for(newhire)
    for payload, field in (
        ({"target": "person", "id": "rainmaker"}, "target"),
        ({"target": "tag", "id": "basket-weaving"}, "id"),
        ({"target": "question", "id": 999999}, "id"),
        ({"target": "question", "id": "abc"}, "id"),
    ):
        r = api.post("/api/v1/follows", payload)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, (payload, r.content)
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    assert api.post("/api/v1/follows", {"target": "question", "id": q.pk}).status_code == 422
    theirs = Follow.objects.create(user=rainmaker, target="tag", tag=SkillTag.objects.get(slug="negotiation"))
    assert api.delete(f"/api/v1/follows/{theirs.pk}").status_code == 404
    assert api.get("/api/v1/follows?target=people").status_code == 422


# --- Reputation and top contributors -------------------------------------------------------------------


def test_reputation_breakdown_and_top_contributors(api_for, answered, newhire, rainmaker):
    _q, a = answered
    services.vote_cast(post_id=a.pk, user=newhire, value=1)
    services.answer_accept(answer=a, user=newhire)
    api = api_for(newhire)
    body = api.get("/api/v1/people/rainmaker/reputation").json()
    assert body["points"] == 25 and body["answers"] == 1 and body["accepted_answers"] == 1
    assert {r["kind"]: r["points"] for r in body["breakdown"]} == {"vote_a": 10, "accepted": 15}
    assert api.get("/api/v1/people/nobody/reputation").status_code == 404
    top = api.get("/api/v1/reputation/top?limit=1").json()
    assert top["items"][0]["person"]["username"] == "rainmaker" and top["items"][0]["points"] == 25
    assert top["prior_posts"] == 5 and top["people"] >= 2
    assert api.get("/api/v1/reputation/top?limit=0").status_code == 422
    assert reputation.top_contributors(limit=1)[0][0].user == rainmaker


# --- The list tabs (verified: they match the page) ------------------------------------------------------


def test_list_tabs_match_the_page(api_for, ask, newhire, rainmaker, mentor):
    mine = ask(route=False)
    QuestionRouting.objects.get_or_create(question=mine, user=mentor)
    theirs = ask(
        author=rainmaker, title="When do I bring in the CFO on a renewal?", tags=[], labels=["renewal"], route=False
    )
    services.answer_create(question=theirs, author=mentor, body="Before the renewal notice goes out.")
    api = api_for(newhire)

    def ids(query: str) -> list[int]:
        return [i["id"] for i in api.get(f"/api/v1/questions?{query}").json()["items"]]

    assert ids("tab=newest") == [theirs.pk, mine.pk]
    assert ids("tab=unanswered") == [mine.pk]
    assert ids("tab=mine") == [mine.pk]
    assert ids("tag=renewal") == [theirs.pk] and ids("tag=negotiation") == [mine.pk]
    assert ids("stage=negotiation") == [theirs.pk, mine.pk] and ids("stage=closing") == []
    asked = api_for(mentor).get("/api/v1/questions?tab=asked").json()["items"]
    assert [i["id"] for i in asked] == [mine.pk]
    assert api.get("/api/v1/questions?tab=everything").status_code == 422


def test_comment_list_queries_do_not_grow(api_for, answered, newhire, rainmaker):
    _q, a = answered
    api = api_for(newhire)
    services.comment_create(post=a, author=rainmaker, body="First comment here.")
    api.get(f"/api/v1/posts/{a.pk}/comments")
    small = queries(lambda: api.get(f"/api/v1/posts/{a.pk}/comments?page_size=100"))
    for i in range(8):
        services.comment_create(post=a, author=make_user(f"c{i}", roles=("mentor",)), body=f"Comment number {i}.")
    large = queries(lambda: api.get(f"/api/v1/posts/{a.pk}/comments?page_size=100"))
    assert large == small, (small, large)
