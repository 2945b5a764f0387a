"""Flags, the managers' queue (hide, close as duplicate, dismiss), auto-hide by trusted flags, revisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from community.models import Flag, FlagResolution, HiddenReason, Post, PostRevision, Question
from community.qa import services
from notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_flag_and_moderate_through_the_pages(pages, ask, rainmaker, mentor, manager, newhire):
    q = ask()
    a = services.answer_create(question=q, author=rainmaker, body="Buy cheap followers to look credible.")
    r = pages(mentor).post(f"/questions/posts/{a.pk}/flag/", {"reason": "wrong", "note": "This is bad advice."})
    assert r.status_code == 302
    assert Flag.objects.get().trusted is True
    queue = pages(manager).get("/questions/moderation/").content.decode()
    assert "This is bad advice." in queue and "Wrong or misleading" in queue
    r = pages(manager).post(
        f"/questions/posts/{a.pk}/moderate/", {"action": "hide", "note": "Please see the guidelines."}
    )
    assert r.status_code == 302
    assert Post.objects.get(pk=a.pk).hidden_reason == HiddenReason.MODERATOR
    assert Flag.objects.get().resolution == FlagResolution.HIDDEN
    assert Question.objects.get(pk=q.pk).answer_count == 0
    n = Notification.objects.get(recipient=rainmaker, kind="qa.moderation")
    assert "Hidden by a manager" in n.title and n.body == "Please see the guidelines."
    assert "Nothing flagged" in pages(manager).get("/questions/moderation/").content.decode()
    # Authors cannot flag their own question.
    r = pages(newhire).post(f"/questions/posts/{q.pk}/flag/", {"reason": "spam", "note": "Looks like spam to me."})
    assert r.status_code == 403


def test_flag_twice_is_a_clear_error(ask, mentor):
    q = ask()
    services.flag_create(post=q, user=mentor, reason="spam", note="Selling something.")
    with pytest.raises(ValidationError, match="already flagged"):
        services.flag_create(post=q, user=mentor, reason="spam", note="Selling something.")


def test_close_as_duplicate_links_the_original(pages, ask, manager, mentor, rainmaker):
    original = ask(title="How do I handle procurement's first discount ask?")
    dup = ask(title="Procurement asked for 20% off, what now?")
    services.flag_create(post=dup, user=mentor, reason="wrong", note="Duplicate of the other one.")
    r = pages(manager).post(
        f"/questions/posts/{dup.pk}/moderate/", {"action": "duplicate", "duplicate_of": original.pk}
    )
    assert r.status_code == 302
    dup.refresh_from_db()
    assert dup.duplicate_of_id == original.pk
    html = pages(mentor).get(f"/questions/{dup.pk}/").content.decode()
    assert "Closed as a duplicate of" in html and f'href="/questions/{original.pk}/"' in html
    with pytest.raises(ValidationError):
        services.answer_create(question=dup, author=rainmaker, body="Answering a closed question.")
    # Bad duplicate targets are explained.
    r = pages(manager).post(
        f"/questions/posts/{original.pk}/moderate/", {"action": "duplicate", "duplicate_of": 999999}, follow=True
    )
    assert "There is no question number 999999" in r.content.decode()
    r = pages(manager).post(
        f"/questions/posts/{original.pk}/moderate/", {"action": "duplicate", "duplicate_of": original.pk}, follow=True
    )
    assert "cannot duplicate itself" in r.content.decode()
    r = pages(manager).post(f"/questions/posts/{original.pk}/moderate/", {"action": "explode"}, follow=True)
    assert "Choose what to do" in r.content.decode()


def test_dismiss_keeps_the_post_visible(ask, mentor, manager):
    q = ask()
    services.flag_create(post=q, user=mentor, reason="offensive", note="Not sure, check please.")
    services.post_moderate(post=q, moderator=manager, action="dismiss")
    assert Flag.objects.get().resolution == FlagResolution.DISMISSED
    assert not Post.objects.get(pk=q.pk).is_hidden


@override_settings(QA_AUTO_HIDE_FLAGS=3)
def test_enough_trusted_flags_hide_a_post_until_a_manager_reviews_it(ask, manager):
    q = ask()
    untrusted = [make_user(f"fresh{i}") for i in range(3)]
    for u in untrusted:
        services.flag_create(post=q, user=u, reason="spam", note="Looks like spam.")
    assert not Post.objects.get(pk=q.pk).is_hidden  # new accounts' flags alone do not hide
    trusted = [make_user(f"senior{i}", roles=("rainmaker",)) for i in range(3)]
    for u in trusted[:2]:
        services.flag_create(post=q, user=u, reason="spam", note="Spam, selling a course.")
    assert not Post.objects.get(pk=q.pk).is_hidden
    services.flag_create(post=q, user=trusted[2], reason="spam", note="Spam, selling a course.")
    assert Post.objects.get(pk=q.pk).hidden_reason == HiddenReason.FLAGS
    services.post_moderate(post=q, moderator=manager, action="dismiss")
    assert not Post.objects.get(pk=q.pk).is_hidden
    assert not Flag.objects.filter(resolution="").exists()


def test_edits_keep_a_revision_history_with_diffs(pages, ask, newhire, manager):
    q = ask(body="Procurement wants 20% off.\nThe champion says budget is there.")
    c = pages(newhire)
    r = c.post(
        f"/questions/posts/{q.pk}/edit/",
        {
            "title": "How do I answer procurement's 25% discount ask?",
            "body": "Procurement wants 25% off.\nThe champion says budget is there.",
            "other_tags": "renewal",
            "summary": "Corrected the number",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    services.question_edit(
        question=Question.objects.get(pk=q.pk),
        editor=manager,
        title="How do I answer procurement's 25% discount ask?",
        body="Procurement wants 25% off.\nThe champion says budget is there.\n\n(Edited for clarity.)",
    )
    revs = list(PostRevision.objects.filter(post=q).order_by("number"))
    assert [r.number for r in revs] == [1, 2, 3]
    assert [r.editor.username for r in revs] == ["newhire", "newhire", "manager"]
    html = c.get(f"/questions/posts/{q.pk}/history/").content.decode()
    assert "Corrected the number" in html
    assert '<del><span aria-hidden="true">\u2212 </span>Procurement wants 20% off.</del>' in html
    assert '<ins><span aria-hidden="true">+ </span>Procurement wants 25% off.</ins>' in html
    assert "Dana Okafor" in html


def test_revisions_keep_the_stage_persona_and_deal_context(ask, newhire, pages, api_for, stage, persona, skill):
    from taxonomy.models import SalesStage

    q = ask(persona=persona, deal_size="100k-500k")
    discovery = SalesStage.objects.get(slug="discovery")
    services.question_edit(
        question=q,
        editor=newhire,
        title=q.title,
        body=q.body,
        stage=discovery,
        persona=persona,
        tags=[skill],
        deal_size="gt1m",
        summary="It is a bigger deal",
    )
    first, second = PostRevision.objects.filter(post=q).order_by("number")
    assert first.context == f"Sales stage: {stage.name}\nPersona: {persona.name}\nDeal size: 100k \u2013 500k"
    assert second.context == f"Sales stage: {discovery.name}\nPersona: {persona.name}\nDeal size: Over 1M"
    html = pages(newhire).get(f"/questions/posts/{q.pk}/history/").content.decode()
    assert "Stage, persona and deal" in html
    assert f'<del><span aria-hidden="true">\u2212 </span>Sales stage: {stage.name}</del>' in html
    assert f'<ins><span aria-hidden="true">+ </span>Sales stage: {discovery.name}</ins>' in html
    assert '<ins><span aria-hidden="true">+ </span>Deal size: Over 1M</ins>' in html
    items = api_for(newhire).get(f"/api/v1/posts/{q.pk}/revisions").json()["items"]
    assert items[0]["context"] == second.context
    changes = items[0]["changes"]["context"]
    assert {"op": "delete", "text": f"Sales stage: {stage.name}"} in changes
    assert {"op": "insert", "text": "Deal size: Over 1M"} in changes
    assert {"op": "equal", "text": f"Persona: {persona.name}"} in changes


def test_revision_diffs_escape_markup(ask, newhire, pages):
    q = ask()
    services.question_edit(
        question=q, editor=newhire, title=q.title, body=q.body + "\n<script>alert(1)</script>", tags=list(q.tags.all())
    )
    html = pages(newhire).get(f"/questions/posts/{q.pk}/history/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_answers_to_a_question_closed_as_duplicate_cannot_be_accepted(api_for, pages, ask, newhire, manager, rainmaker):
    """Closing moves the conversation to the original: the service refuses with a sentence, the
    API answers 409 and the page shows the sentence; nothing is accepted."""
    original = ask(title="How do I handle procurement's first discount ask?")
    dup = ask(title="Procurement asked for 20% off, what now?")
    a = services.answer_create(question=dup, author=rainmaker, body="Trade it for a longer term, always.")
    services.post_moderate(post=dup, moderator=manager, action="duplicate", duplicate_of=original)
    a.refresh_from_db()
    with pytest.raises(ValidationError, match="closed as a duplicate"):
        services.answer_accept(answer=a, user=newhire)
    for user in (newhire, manager):
        r = api_for(user).post(f"/api/v1/answers/{a.pk}/accept")
        assert r.status_code == 409, r.content
        assert "closed as a duplicate" in r.json()["detail"] and "original" in r.json()["detail"]
    r = pages(newhire).post(f"/questions/answers/{a.pk}/accept/", follow=True)
    assert r.status_code == 200 and "closed as a duplicate" in r.content.decode()
    dup.refresh_from_db()
    a.refresh_from_db()
    assert dup.accepted_answer_id is None and not a.is_accepted


def test_state_conflicts_answer_409_with_a_sentence(api_for, ask, newhire, manager, rainmaker, mentor):
    """The request is well-formed but the post's state refuses it: 409 {"detail"}, as comments and
    flags already do (422 stays for invalid input)."""
    original = ask(title="How do I handle procurement's first discount ask?")
    dup = ask(title="Procurement asked for 20% off, what now?")
    services.post_moderate(post=dup, moderator=manager, action="duplicate", duplicate_of=original)
    r = api_for(rainmaker).post(f"/api/v1/questions/{dup.pk}/answers", {"body": "Trade it for a longer term."})
    assert r.status_code == 409 and "answer the original" in r.json()["detail"] and "errors" not in r.json()

    hidden = ask(title="A question a manager hid for review")
    services.post_moderate(post=hidden, moderator=manager, action="hide")
    for user in (newhire, manager):  # the asker and managers still see it, but it takes no answers
        r = api_for(user).post(f"/api/v1/questions/{hidden.pk}/answers", {"body": "Trade it for a longer term."})
        assert r.status_code == 409 and "hidden" in r.json()["detail"], r.content
    r = api_for(manager).post(f"/api/v1/posts/{hidden.pk}/vote", {"value": 1})
    assert r.status_code == 409 and "Hidden posts cannot be voted on" in r.json()["detail"]

    a = services.answer_create(question=original, author=rainmaker, body="Trade it for a three-year term.")
    services.post_moderate(post=a, moderator=manager, action="hide")
    r = api_for(manager).post(f"/api/v1/answers/{a.pk}/accept")
    assert r.status_code == 409 and r.json()["detail"] == "A hidden answer cannot be accepted."
    assert api_for(newhire).post(f"/api/v1/answers/{a.pk}/accept").status_code == 404  # hidden from the asker
    assert Post.objects.get(pk=hidden.pk).score == 0 and Question.objects.get(pk=original.pk).accepted_answer_id is None
    # Invalid input is still 422 with field errors.
    r = api_for(mentor).post(f"/api/v1/posts/{original.pk}/vote", {"value": 7})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "value"
