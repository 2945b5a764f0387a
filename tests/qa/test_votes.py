"""Votes: one per person per post, changeable, never on your own post, exact under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from community.models import Post, Reputation, Vote
from community.qa import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_cannot_vote_on_your_own_post(api_for, ask, newhire, rainmaker):
    q = ask()
    r = api_for(newhire).post(f"/api/v1/posts/{q.pk}/vote", {"value": 1})
    assert r.status_code == 403
    assert r.json()["detail"] == "You cannot vote on your own post."
    answer = services.answer_create(question=q, author=rainmaker, body="Trade the discount for a longer term.")
    assert api_for(rainmaker).post(f"/api/v1/posts/{answer.pk}/vote", {"value": -1}).status_code == 403
    assert Vote.objects.count() == 0 and Post.objects.get(pk=answer.pk).score == 0


@pytest.mark.parametrize("payload", [{"value": 2}, {"value": -5}, {"value": "up"}, {}, {"value": None}])
def test_bad_vote_values_are_refused_with_a_clear_error(api_for, ask, rainmaker, payload):
    q = ask()
    r = api_for(rainmaker).post(f"/api/v1/posts/{q.pk}/vote", payload)
    assert r.status_code == 422
    body = r.json()
    assert body["detail"] and any(e["field"] == "value" for e in body["errors"])
    assert Vote.objects.count() == 0


def test_the_openapi_document_states_the_three_vote_values(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["VoteIn"]
    value = schema["properties"]["value"]
    assert value["type"] == "integer" and sorted(value["enum"]) == [-1, 0, 1]
    assert schema["required"] == ["value"]


def test_an_out_of_range_vote_names_the_values(api_for, ask, rainmaker):
    q = ask()
    r = api_for(rainmaker).post(f"/api/v1/posts/{q.pk}/vote", {"value": 2})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "value", "message": "Input should be 1, -1 or 0"}]


def test_vote_on_a_missing_post_is_404_and_needs_auth(api_for, rainmaker):
    assert api_for(rainmaker).post("/api/v1/posts/999999/vote", {"value": 1}).status_code == 404
    assert api_for(None).post("/api/v1/posts/1/vote", {"value": 1}).status_code == 401


def test_the_same_vote_twice_counts_once_and_reputation_follows(ask, newhire, rainmaker, mentor):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade it for a three-year term.")
    for _ in range(3):
        post, mine = services.vote_cast(post_id=a.pk, user=mentor, value=1)
    assert (post.score, post.upvotes, mine) == (1, 1, 1)
    assert Reputation.objects.get(user=rainmaker).points == 10
    post, _ = services.vote_cast(post_id=a.pk, user=mentor, value=-1)
    assert (post.score, post.upvotes, post.downvotes) == (-1, 0, 1)
    assert Reputation.objects.get(user=rainmaker).points == -2
    post, mine = services.vote_cast(post_id=a.pk, user=mentor, value=0)
    assert (post.score, mine) == (0, 0) and Vote.objects.count() == 0
    assert Reputation.objects.get(user=rainmaker).points == 0


def test_vote_page_refuses_own_post(pages, ask, newhire):
    q = ask()
    r = pages(newhire).post(f"/questions/posts/{q.pk}/vote/", {"value": "1"})
    assert r.status_code == 403
    assert Vote.objects.count() == 0


def test_vote_page_with_a_bad_value_explains(pages, ask, rainmaker):
    q = ask()
    c = pages(rainmaker)
    r = c.post(f"/questions/posts/{q.pk}/vote/", {"value": "lots"}, follow=True)
    assert r.status_code == 200
    assert "Vote 1 (up), -1 (down) or 0" in r.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_votes_give_the_exact_total():
    """50 people vote at once (and 20 of them change their mind at once): no lost or double counts."""
    from community.models import Question

    author = make_user("asker50")
    voters = [make_user(f"voter{i}") for i in range(50)]
    q = Question.objects.create(author=author, title="Concurrency question", body="Body text long enough.")
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def vote(user, value):
        try:
            barrier.wait(timeout=30)
            services.vote_cast(post_id=q.pk, user=user, value=value)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(u, 1 if i % 5 else -1)) for i, u in enumerate(voters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    post = Post.objects.get(pk=q.pk)
    assert (post.upvotes, post.downvotes, post.score) == (40, 10, 30)
    assert Vote.objects.filter(post=q).count() == 50

    # Now 20 up-voters change to down, concurrently.
    barrier = threading.Barrier(20)
    changers = [u for i, u in enumerate(voters) if i % 5][:20]
    threads = [threading.Thread(target=vote, args=(u, -1)) for u in changers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    post.refresh_from_db()
    assert (post.upvotes, post.downvotes, post.score) == (20, 30, -10)
    assert sum(Vote.objects.filter(post=q).values_list("value", flat=True)) == post.score
    assert Reputation.objects.get(user=author).points == 20 * 5 + 30 * -2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_voting_concurrently_with_themselves_counts_once():
    """A double click, two tabs, a retrying script: the same person's votes on one post race each
    other. There is still exactly one vote row, and the totals and reputation agree with it."""
    from community.models import Question, ReputationEvent

    author = make_user("asker-self")
    voter = make_user("double-clicker")
    q = Question.objects.create(author=author, title="Concurrency question", body="Body text long enough.")
    errors: list[BaseException] = []

    def race(values: list[int]) -> None:
        barrier = threading.Barrier(len(values))

        def vote(value):
            try:
                barrier.wait(timeout=30)
                services.vote_cast(post_id=q.pk, user=voter, value=value)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=vote, args=(v,)) for v in values]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors

    def consistent() -> Post:
        post = Post.objects.get(pk=q.pk)
        votes = list(Vote.objects.filter(post=q).values_list("value", flat=True))
        assert len(votes) <= 1 and post.score == sum(votes)
        assert (post.upvotes, post.downvotes) == (votes.count(1), votes.count(-1))
        events = ReputationEvent.objects.filter(user=author)
        assert Reputation.objects.get(user=author).points == sum(e.points for e in events)
        return post

    race([1] * 10)  # the same up-vote ten times at once
    post = consistent()
    assert (post.score, post.upvotes, post.downvotes) == (1, 1, 0)
    assert Vote.objects.get(post=q, user=voter).value == 1
    assert Reputation.objects.get(user=author).points == 5

    race([1, -1, 0, 1, -1, 0, 1, -1])  # changing their mind in every direction at once
    consistent()
