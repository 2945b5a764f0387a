"""The whole journey: ask → route → answer → vote → accept, through the API and the pages."""

from __future__ import annotations

import pytest

from community.models import Answer, Question, QuestionRouting, Reputation, Vote
from notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_ask_route_answer_vote_accept_through_the_api(api_for, newhire, rainmaker, mentor, skill, stage):
    """A new hire asks; the matching rainmaker is asked and notified, answers, is voted up and accepted."""
    rainmaker.expertise.add(skill)
    mentor.expertise.add(skill)
    unrelated = make_user("rep", roles=("rainmaker",))
    newhire_api, rainmaker_api, mentor_api = api_for(newhire), api_for(rainmaker), api_for(mentor)

    r = newhire_api.post(
        "/api/v1/questions",
        {
            "title": "How do I answer procurement's 20% discount ask?",
            "body": "Procurement wants **20%** off before signing. @mentor have you seen this?",
            "stage": stage.slug,
            "tags": ["negotiation", "Procurement 2025"],
            "deal_size": "100k-500k",
        },
    )
    assert r.status_code == 201, r.content
    q = r.json()
    assert q["url"] == f"/questions/{q['id']}/"
    assert {t["kind"] for t in q["tags"]} == {"skill", "free"}
    asked = {p["username"] for p in q["asked_to"]}
    assert {"rainmaker", "mentor"} <= asked and "rep" not in asked
    assert QuestionRouting.objects.filter(question_id=q["id"]).count() <= 3
    assert Notification.objects.filter(recipient=rainmaker, kind="qa.routed").exists()
    assert Notification.objects.filter(recipient=mentor, kind="qa.routed").exists()
    # The mentor was routed already; the mention does not notify twice.
    assert not Notification.objects.filter(recipient=mentor, kind="mention").exists()
    assert unrelated.notifications.count() == 0

    r = rainmaker_api.post(f"/api/v1/questions/{q['id']}/answers", {"body": "Trade it: 5% for a 3-year term."})
    assert r.status_code == 201, r.content
    answer = r.json()
    assert Notification.objects.filter(recipient=newhire, kind="qa.answer").count() == 1

    r = mentor_api.post(f"/api/v1/posts/{answer['id']}/vote", {"value": 1})
    assert r.status_code == 200 and r.json() == {
        "post_id": answer["id"],
        "score": 1,
        "upvotes": 1,
        "downvotes": 0,
        "my_vote": 1,
    }
    r = newhire_api.post(f"/api/v1/posts/{answer['id']}/vote", {"value": 1})
    assert r.json()["score"] == 2
    # Changeable: down, then withdrawn.
    assert newhire_api.post(f"/api/v1/posts/{answer['id']}/vote", {"value": -1}).json()["score"] == 0
    assert newhire_api.post(f"/api/v1/posts/{answer['id']}/vote", {"value": 0}).json()["score"] == 1
    assert Vote.objects.filter(post_id=answer["id"]).count() == 1
    # Votes on the question too (posts covers both).
    assert rainmaker_api.post(f"/api/v1/posts/{q['id']}/vote", {"value": 1}).json()["score"] == 1

    r = newhire_api.post(f"/api/v1/answers/{answer['id']}/accept")
    assert r.status_code == 200 and r.json() == {"question_id": q["id"], "accepted_answer_id": answer["id"]}
    assert Notification.objects.filter(recipient=rainmaker, kind="qa.accepted").count() == 1

    detail = newhire_api.get(f"/api/v1/questions/{q['id']}").json()
    assert detail["accepted_answer_id"] == answer["id"]
    assert detail["answers"][0]["is_accepted"] is True
    assert detail["answers"][0]["score"] == 1 and detail["score"] == 1
    assert detail["deal_context"]["size"] == "100k-500k"
    assert "<strong>20%</strong>" in detail["body_html"]
    # Reputation: +10 for the upvote, +15 accepted (rainmaker); +5 question upvote, +2 for accepting (new hire).
    assert Reputation.objects.get(user=rainmaker).points == 25
    assert Reputation.objects.get(user=newhire).points == 7
    assert detail["answers"][0]["author"]["reputation"] == 25


def test_accepted_answer_sorts_first_and_the_mark_moves(ask, newhire, rainmaker, mentor):
    from community.qa import services

    q = ask()
    first = services.answer_create(question=q, author=rainmaker, body="First answer, well voted.")
    second = services.answer_create(question=q, author=mentor, body="Second answer, accepted later.")
    services.vote_cast(post_id=first.pk, user=newhire, value=1)
    services.answer_accept(answer=second, user=newhire)
    from community.qa.selectors import question_page

    page = question_page(pk=q.pk, user=newhire)
    assert [a.pk for a in page.answers] == [second.pk, first.pk]
    services.answer_accept(answer=first, user=newhire)
    assert list(Answer.objects.filter(is_accepted=True).values_list("pk", flat=True)) == [first.pk]
    assert Question.objects.get(pk=q.pk).accepted_answer_id == first.pk
    assert Reputation.objects.get(user=mentor).points == 0
    assert Reputation.objects.get(user=rainmaker).points == 25


def test_the_flow_through_the_pages(pages, newhire, rainmaker, skill, stage):
    rainmaker.expertise.add(skill)
    asker = pages(newhire)
    r = asker.post(
        "/questions/ask/",
        {
            "title": "Champion went quiet after the pricing call",
            "body": "Two weeks of silence since we sent the proposal. What do I send?",
            "stage": stage.pk,
            "tags": [skill.pk],
            "other_tags": "renewal, emea",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    q = Question.objects.get()
    assert r["Location"] == f"/questions/{q.pk}/"
    page = asker.get(r["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Asked to:" in html and "Marcus Reyes" in html and "renewal" in html

    answerer = pages(rainmaker)
    r = answerer.post(f"/questions/{q.pk}/answer/", {"body": "Send a one-line email that offers an exit."})
    assert r.status_code == 302
    a = Answer.objects.get()
    r = asker.post(f"/questions/posts/{a.pk}/vote/", {"value": "1"})
    assert r.status_code == 302 and Answer.objects.get().score == 1
    r = answerer.post(f"/questions/posts/{q.pk}/comment/", {"body": "Which stage was it at, exactly?"})
    assert r.status_code == 302
    assert Notification.objects.filter(recipient=newhire, kind="qa.comment").exists()
    r = asker.post(f"/questions/answers/{a.pk}/accept/")
    assert r.status_code == 302 and Answer.objects.get().is_accepted
    html = asker.get(f"/questions/{q.pk}/").content.decode()
    assert "Accepted answer" in html and "Which stage was it at" in html
