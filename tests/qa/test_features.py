"""Routing, following, mentions, reputation and its recompute, top contributors, sections, demo data."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from community.models import (
    Answer,
    AnswerCitation,
    Comment,
    Post,
    Question,
    QuestionRouting,
    Reputation,
    ReputationEvent,
    Vote,
)
from community.qa import reputation, routing, services
from notifications.models import Notification
from notifications.services import preferences_set
from notifications.tasks import send_digests
from taxonomy.models import SalesStage, SkillTag
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@override_settings(QA_ROUTING_LIMIT=2)
def test_routing_asks_the_best_matches_up_to_the_configured_number(ask, api_for, skill, stage):
    experts = [make_user(f"expert{i}", roles=("rainmaker",)) for i in range(4)]
    experts[0].expertise.add(skill, SkillTag.objects.get(name="Procurement navigation"))
    experts[1].expertise.add(skill)
    experts[2].expertise.add(SkillTag.objects.get(name="Prospecting"))
    make_user("plainrep")  # no role: never routed
    q = ask(tags=[skill, SkillTag.objects.get(name="Procurement navigation")])
    routed = list(
        QuestionRouting.objects.filter(question=q).order_by("-score").values_list("user__username", flat=True)
    )
    assert routed == ["expert0", "expert1"]
    assert "expertise in Negotiation, Procurement navigation" in QuestionRouting.objects.get(user=experts[0]).reason
    # Accepted answers on similar questions count too.
    q2 = ask(title="Another negotiation question here", tags=[])
    a = services.answer_create(question=q2, author=experts[3], body="Trade, never give.")
    services.answer_accept(answer=a, user=q2.author)
    q3 = Question.objects.create(author=q.author, title="Third question", body="Body", stage=stage)
    ranked = routing.rank_answerers(q3, limit=5)
    assert experts[3].pk in [m.user_id for m in ranked]
    # "Asked to me" lists it for the expert.
    items = api_for(experts[0]).get("/api/v1/questions?tab=asked").json()["items"]
    assert q.pk in [i["id"] for i in items]
    assert all(
        i["id"] in set(QuestionRouting.objects.filter(user=experts[0]).values_list("question_id", flat=True))
        for i in items
    )


def test_followed_topics_and_followed_questions_have_their_own_delivery_settings(ask, pages, rainmaker, skill):
    """A busy tag can wait for the weekly digest while answers to a followed question come at once."""
    fan = make_user("fan")
    c = pages(fan)
    c.post("/questions/follow/", {"target": "tag", "id": skill.pk})
    preferences_set(user=fan, deliveries={"qa.followed": "weekly", "qa.followed_question": "immediate"})
    q = ask()
    topic = Notification.objects.get(recipient=fan, kind="qa.followed")
    assert topic.title.startswith("New question:") and topic.email_status == "digest"
    c.post("/questions/follow/", {"target": "question", "id": q.pk})
    services.answer_create(question=q, author=rainmaker, body="Trade the discount for a longer term.")
    answer = Notification.objects.get(recipient=fan, kind="qa.followed_question")
    assert answer.title.startswith("New answer to:") and answer.email_status == "pending"
    # Both kinds are listed on the settings page, each with its own choice.
    html = c.get("/notifications/settings/").content.decode()
    assert "New questions in the tags and stages you follow" in html and "New answers to questions you follow" in html


def test_the_migration_keeps_each_persons_follow_setting_for_both_kinds(db):
    import importlib

    from django.apps import apps

    from notifications.models import NotificationPreference

    person = make_user("quiet")
    NotificationPreference.objects.create(user=person, kind="qa.followed", delivery="off")
    old = Notification.objects.create(recipient=person, kind="qa.followed", title="New answer to: budget?")
    new_question = Notification.objects.create(recipient=person, kind="qa.followed", title="New question: budget?")
    migration = importlib.import_module("notifications.migrations.0002_follow_kinds")
    migration.split_follow_kind(apps, None)
    assert NotificationPreference.objects.get(user=person, kind="qa.followed_question").delivery == "off"
    old.refresh_from_db()
    new_question.refresh_from_db()
    assert (old.kind, new_question.kind) == ("qa.followed_question", "qa.followed")


def test_routing_falls_back_to_reputed_answerers(newhire):
    make_user("r1", roles=("rainmaker",))
    top = make_user("r2", roles=("mentor",))
    Reputation.objects.create(user=top, points=300)
    q = services.question_create(author=newhire, title="Something nobody tagged", body="No tags, no stage at all.")
    assert q.routings.order_by("-score", "id").first().user.username == "r2"


def test_following_tags_stages_and_questions_notifies_per_preference(
    ask, pages, newhire, rainmaker, mentor, skill, stage
):
    follower = make_user("follower")
    stage_fan = make_user("stagefan")
    c = pages(follower)
    assert c.post("/questions/follow/", {"target": "tag", "id": skill.pk}).status_code == 302
    pages(stage_fan).post("/questions/follow/", {"target": "stage", "id": stage.pk})
    preferences_set(user=stage_fan, deliveries={"qa.followed": "immediate"})
    q = ask()
    n = Notification.objects.get(recipient=follower, kind="qa.followed")
    assert n.title.startswith("New question:") and n.email_status == "digest"
    assert Notification.objects.get(recipient=stage_fan, kind="qa.followed").email_status == "pending"
    # Following the question brings new answers.
    c.post("/questions/follow/", {"target": "question", "id": q.pk})
    services.answer_create(question=q, author=rainmaker, body="Ask what they need to report internally.")
    assert (
        Notification.objects.filter(
            recipient=follower, kind="qa.followed_question", title__startswith="New answer"
        ).count()
        == 1
    )
    # The daily digest gathers what waits.
    mail.outbox.clear()
    assert send_digests("daily") >= 1
    assert any("follower" in m.to[0] for m in mail.outbox)
    # Unfollow.
    c.post("/questions/follow/", {"target": "tag", "id": skill.pk, "on": "0"})
    ask(title="A second negotiation question")
    assert Notification.objects.filter(recipient=follower, title__startswith="New question").count() == 1


def test_mentions_notify_once(ask, rainmaker, mentor, newhire):
    make_user("olivia.grant")
    q = ask(body="@olivia.grant @nobody have you seen this before? Asking for a friend.")
    assert Notification.objects.filter(recipient__username="olivia.grant", kind="mention").count() == 1
    assert 'href="/people/olivia.grant/"' in q.body_html
    a = services.answer_create(
        question=q, author=rainmaker, body="Yes — @olivia.grant had this in Q3. @newhire see her notes."
    )
    assert Notification.objects.filter(recipient=newhire, kind="mention").count() == 0  # got qa.answer already
    services.comment_create(post=a, author=mentor, body="@rainmaker can you share the email?")
    assert Notification.objects.filter(recipient=rainmaker, kind="qa.comment").count() == 1
    assert Notification.objects.filter(recipient=rainmaker, kind="mention").count() == 0


def test_notifications_endpoint_still_lists_qa_kinds(ask, api_for, rainmaker, newhire):
    q = ask()
    services.answer_create(question=q, author=rainmaker, body="Trade it for a longer commitment.")
    items = api_for(newhire).get("/api/v1/notifications").json()["items"]
    assert items[0]["kind"] == "qa.answer" and items[0]["url"].startswith(f"/questions/{q.pk}/")


def test_recompute_reputation_rebuilds_from_events(ask, newhire, rainmaker, mentor):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Trade it for a longer commitment.")
    services.vote_cast(post_id=a.pk, user=mentor, value=1)
    services.vote_cast(post_id=q.pk, user=mentor, value=-1)
    services.answer_accept(answer=a, user=newhire)
    before = dict(Reputation.objects.values_list("user__username", "points"))
    ReputationEvent.objects.all().delete()
    Reputation.objects.update(points=12345)
    out = StringIO()
    call_command("recompute_reputation", stdout=out)
    assert "Reputation recomputed" in out.getvalue()
    after = dict(Reputation.objects.filter(points__gt=-1000).values_list("user__username", "points"))
    assert after["rainmaker"] == before["rainmaker"] == 25
    assert after["newhire"] == before["newhire"] == 0  # -2 for the downvote, +2 for accepting
    assert after["mentor"] == 0


def test_reputation_sources_can_be_added(newhire):
    def reviews():
        yield reputation.EventSpec(newhire.pk, ReputationEvent.Kind.REVIEW, 5, "review:1", timezone.now())

    old = reputation.SOURCES["reviews"]
    reputation.register_source("reviews", reviews)
    try:
        counts = reputation.recompute_all()
    finally:
        reputation.register_source("reviews", old)
    assert counts["reviews"] == 1 and Reputation.objects.get(user=newhire).points == 5


@override_settings(QA_TOP_PRIOR_POSTS=5)
def test_top_contributors_shrink_small_samples_towards_the_mean(newhire):
    lucky = make_user("lucky", roles=("rainmaker",))
    steady = make_user("steady", roles=("rainmaker",))
    q = Question.objects.create(author=newhire, title="Seed question", body="Body of the seed question")
    now = timezone.now()
    one = Answer.objects.create(question=q, author=lucky, body="One lucky answer")
    voters = [make_user(f"v{i}") for i in range(12)]
    for v in voters:
        Vote.objects.create(post=one, user=v, value=1)
    for i in range(10):
        a = Answer.objects.create(question=q, author=steady, body=f"Steady answer {i}")
        for v in voters[:8]:
            Vote.objects.create(post=a, user=v, value=1)
    reputation.recompute_all()
    top, meta = reputation.top_contributors(since=now - timedelta(hours=1))
    # lucky: 120 points on 1 post; steady: 800 points on 10 posts; C = 920 / 12 posts.
    assert [c.user.username for c in top[:2]] == ["steady", "lucky"]
    mean = 920 / 12
    assert top[1].score == round((120 + 5 * mean) / 6, 1)
    # One lucky post beats three modest ones on raw points (120 vs 60), not once shrunk.
    extra = list(Answer.objects.filter(author=steady).order_by("pk").values_list("pk", flat=True)[3:])
    Answer.objects.filter(pk__in=extra).delete()
    Vote.objects.filter(post__as_answer__author=steady).exclude(user__in=voters[:2]).delete()
    reputation.recompute_all()
    top, _ = reputation.top_contributors(since=now - timedelta(hours=1))
    assert [c.user.username for c in top[:2]] == ["steady", "lucky"]
    assert top[0].points < top[1].points
    assert meta["prior_posts"] == 5 and meta["mean"] > 0


def test_profile_and_home_sections(pages, ask, rainmaker, newhire, skill):
    rainmaker.expertise.add(skill)
    q = ask()
    home = pages(rainmaker).get("/").content.decode()
    assert "Unanswered questions for you" in home and q.title.replace("'", "&#x27;") in home
    assert "New questions" in home
    a = services.answer_create(question=q, author=rainmaker, body="Trade, never give a discount.")
    services.vote_cast(post_id=a.pk, user=newhire, value=1)
    profile = pages(newhire).get("/people/rainmaker/").content.decode()
    assert "Questions and answers" in profile and "reputation" in profile and ">10<" in profile.replace(" ", "")


def test_question_page_renders_the_question_slot(pages, ask, newhire, monkeypatch):
    from core import sections

    q = ask()
    seen = []
    sections.register(
        "question",
        "test.panel",
        template="community/qa/sections/home_new.html",
        context=lambda r, s: seen.append(s) or {"questions": []},
    )
    try:
        assert pages(newhire).get(f"/questions/{q.pk}/").status_code == 200
    finally:
        sections._REGISTRY["question"].pop("test.panel")
    assert seen and seen[0].pk == q.pk


def test_demo_seeder_builds_a_believable_qa(db):
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert Question.objects.count() >= 150
    assert Answer.objects.count() >= 200
    assert Answer.objects.filter(is_accepted=True).count() >= 50
    assert Vote.objects.count() > 500
    unanswered = Question.objects.filter(answer_count=0)
    assert unanswered.filter(routings__user__username="rainmaker").exists()
    assert unanswered.filter(routings__user__username="mentor").exists()
    assert Reputation.objects.filter(points__gt=0).count() >= 10
    assert Question.objects.exclude(stage=None).count() == Question.objects.count()
    assert SalesStage.objects.exists()
    # Comments (on questions and on answers, counted on their posts) and technique citations.
    comments = Comment.objects.all()
    assert comments.count() >= 50
    assert comments.filter(post__kind="question").exists() and comments.filter(post__kind="answer").exists()
    assert sum(Post.objects.values_list("comment_count", flat=True)) == comments.filter(is_hidden=False).count()
    citations = AnswerCitation.objects.select_related("technique")
    assert citations.count() >= 30
    assert citations.values("technique").distinct().count() >= 5
    assert all(c.technique.live for c in citations)
