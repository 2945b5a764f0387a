"""Every new list (and numbers) endpoint runs the same number of SQL queries with little or much data."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.services import api_token_create, invitation_create
from community import discussion_services
from community.models import Follow, TechniqueReview
from community.qa import services as qa
from community.techniques import services as techniques
from community.techniques import stats
from taxonomy.models import SalesStage, SkillTag
from tests.community.techniques_helpers import deal, draft, practices, published
from tests.factories import make_user

from .conftest import queries

pytestmark = pytest.mark.django_db


def measure(calls) -> list[int]:
    for fn in calls:
        fn()  # warm caches (content types, settings, token last-used)
    return [queries(fn) for fn in calls]


def test_people_invitations_tokens_preferences(api_for, manager):
    api = api_for(manager)
    calls = [
        lambda: api.get("/api/v1/people?page_size=100"),
        lambda: api.get("/api/v1/invitations?page_size=100"),
        lambda: api.get("/api/v1/me/tokens?page_size=100"),
        lambda: api.get("/api/v1/notifications/preferences"),
        lambda: api.get("/api/v1/taxonomy"),
    ]
    invitation_create(created_by=manager, email="a@example.com", role="new_hire", send=False)
    small = measure(calls)
    skills = list(SkillTag.objects.all()[:3])
    for i in range(12):
        person = make_user(f"p{i}", roles=("rainmaker",), manager=manager)
        person.expertise.set(skills)
        invitation_create(created_by=manager, email=f"x{i}@example.com", role="mentor", send=False)
        api_token_create(user=manager, name=f"t{i}")
    api.put("/api/v1/notifications/preferences", {"preferences": {"mention": "off", "qa.answer": "weekly"}})
    assert measure(calls) == small


def test_techniques_lists_and_numbers(api_for, rainmaker, newhire, manager):
    rm, me, boss = api_for(rainmaker), api_for(newhire), api_for(manager)
    first = published(rainmaker)
    techniques.technique_submit(author=rainmaker, draft=draft())
    # Enough decided practices at one stage for a "weakest stage" (and its suggestions) from the start.
    practices(newhire, first, successes=2, failures=4, deal=deal(newhire))
    practices(rainmaker, first, successes=4, failures=1)
    stats.recompute(None)
    calls = [
        lambda: rm.get("/api/v1/techniques/submissions?page_size=100"),
        lambda: boss.get("/api/v1/techniques/moderation?page_size=100"),
        lambda: me.get(f"/api/v1/techniques/{first.pk}/reviews?page_size=100"),
        lambda: me.get("/api/v1/practices?page_size=100"),
        lambda: me.get("/api/v1/practices/summary"),
        lambda: me.get("/api/v1/deals?page_size=100"),
        lambda: boss.get("/api/v1/deals?owner=all&page_size=100"),
        lambda: boss.get("/api/v1/outcomes/dashboard"),
        lambda: me.get("/api/v1/outcomes/settings"),
        lambda: rm.get(f"/api/v1/techniques/{first.pk}/draft"),
    ]
    small = measure(calls)
    for i in range(6):
        t = published(rainmaker, stage_slug=["discovery", "proposal", "negotiation"][i % 3])
        practices(newhire, t, successes=3, failures=2, deal=deal(newhire))
        reviewer = make_user(f"peer{i}", roles=("rainmaker",))
        TechniqueReview.objects.create(technique=first, reviewer=reviewer, verdict="endorse", comment="Good")
        techniques.technique_submit(author=rainmaker, draft=draft())
    stats.recompute(None)
    cache.clear()
    assert measure(calls) == small


def test_qa_lists(api_for, rainmaker, newhire, manager, mentor):
    me, boss = api_for(newhire), api_for(manager)
    stage = SalesStage.objects.get(slug="negotiation")

    def question(author, n: int):
        return qa.question_create(
            author=author,
            title=f"How do I hold price in round {n}?",
            body="Procurement keeps pushing for more.",
            stage=stage,
            route=False,
        )

    q = question(rainmaker, 0)
    a = qa.answer_create(question=q, author=mentor, body="Trade, never give: ask for a longer term.")
    qa.flag_create(post=a, user=newhire, reason="wrong", note="Does not answer the question.")
    Follow.objects.create(user=newhire, target="question", question=q)
    qa.vote_cast(post_id=a.pk, user=rainmaker, value=1)  # someone has points this month
    thread = discussion_services.thread_for_object(q)
    discussion_services.message_post(thread=thread, author=rainmaker, body="Any update?", client_id="")
    calls = [
        lambda: boss.get("/api/v1/questions/moderation?page_size=100"),
        lambda: me.get(f"/api/v1/posts/{a.pk}/revisions?page_size=100"),
        lambda: me.get("/api/v1/follows?page_size=100"),
        lambda: me.get("/api/v1/reputation/top?limit=50"),
        lambda: me.get("/api/v1/people/mentor/reputation"),
        lambda: me.get("/api/v1/threads/recent?limit=50"),
    ]
    small = measure(calls)
    for i in range(1, 8):
        other = question(make_user(f"asker{i}", roles=("mentor",)), i)
        answer = qa.answer_create(question=other, author=mentor, body=f"Answer number {i}, with a reason.")
        qa.vote_cast(post_id=answer.pk, user=rainmaker, value=1)
        qa.flag_create(
            post=answer, user=make_user(f"flagger{i}", roles=("rainmaker",)), reason="spam", note="Looks off."
        )
        qa.answer_edit(answer=a, editor=mentor, body=f"Trade, never give: revision {i}.")
        Follow.objects.create(user=newhire, target="question", question=other)
        thread = discussion_services.thread_for_object(other)
        discussion_services.message_post(thread=thread, author=rainmaker, body="Any update?", client_id="")
    assert measure(calls) == small
