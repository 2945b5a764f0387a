"""Every state change of questions and answers (keyword-only, typed, atomic; side effects on commit)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import policy
from community.models import (
    Answer,
    AnswerCitation,
    Comment,
    Flag,
    FlagReason,
    FlagResolution,
    Follow,
    FollowTarget,
    HiddenReason,
    Label,
    Post,
    PostKind,
    PostRevision,
    Question,
    QuestionRouting,
    Reputation,
    Vote,
)
from core.markdown import find_mentions, plain_text, render_markdown
from notifications.services import notify
from taxonomy.models import SkillTag

from . import reputation, routing, selectors

logger = logging.getLogger(__name__)


def _reindex(*, question_ids: Iterable[int] = (), answer_ids: Iterable[int] = ()) -> None:
    """Search documents follow (outbox rows in this transaction; indexed after commit)."""
    from community.search_sources import schedule_posts

    schedule_posts(question_ids=question_ids, answer_ids=answer_ids)


MAX_TAGS = 5
MAX_LABELS = 5
MAX_CITATIONS = 5
MAX_MENTIONS = 10
LABEL_RE = re.compile(r"^[a-z0-9][a-z0-9 +&./-]{0,28}[a-z0-9+]$|^[a-z0-9]$")


class RateLimited(Exception):
    """A new account posted too often; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


# --- Helpers -------------------------------------------------------------------------------


def _render(body: str) -> tuple[str, list]:
    """Cleaned HTML with @mentions linked, and the mentioned people (max MAX_MENTIONS)."""
    names = sorted(find_mentions(body))[:MAX_MENTIONS]
    people = []
    if names:
        q = Q()
        for name in names:
            q |= Q(username__iexact=name)
        people = list(get_user_model().objects.filter(q, is_active=True))
    return render_markdown(body, known_usernames=[p.username for p in people]), people


def is_trusted(user) -> bool:
    """Roles given by a manager, or earned reputation, make a person's flags count."""
    if policy.allowed(user, "qa.trusted_role"):
        return True
    points = Reputation.objects.filter(user=user).values_list("points", flat=True).first() or 0
    return points >= settings.QA_TRUSTED_REPUTATION


def check_rate_limit(*, user, what: str = "post") -> None:
    """New accounts post at most N questions/answers (or M comments) an hour."""
    if policy.allowed(user, "qa.trusted_role"):
        return
    now = timezone.now()
    if user.date_joined and user.date_joined < now - timedelta(days=settings.QA_NEW_ACCOUNT_DAYS):
        return
    if is_trusted(user):
        return
    since = now - timedelta(hours=1)
    if what == "comment":
        limit = settings.QA_NEW_ACCOUNT_COMMENTS_PER_HOUR
        times = list(
            Comment.objects.filter(author=user, created_at__gte=since)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        noun = ngettext("comment", "comments", limit)
    else:
        limit = settings.QA_NEW_ACCOUNT_POSTS_PER_HOUR
        times = list(
            Post.objects.filter(author=user, created_at__gte=since)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        noun = ngettext("question or answer", "questions and answers", limit)
    if len(times) >= limit:
        retry = int((times[len(times) - limit] + timedelta(hours=1) - now).total_seconds()) + 1
        minutes = max(1, (retry + 59) // 60)
        raise RateLimited(
            f"New accounts can post {limit} {noun} an hour; you can post again in {minutes} "
            f"{ngettext('minute', 'minutes', minutes)}.",
            max(1, retry),
        )


def split_tags(values: Iterable[str]) -> tuple[list[SkillTag], list[str]]:
    """Known skill tags (by slug or name, any case) and the rest as free-form labels."""
    raw = []
    for value in values:
        for part in str(value).split(","):
            part = " ".join(part.split())
            if part and part.lower() not in [r.lower() for r in raw]:
                raw.append(part)
    known = {t.slug: t for t in SkillTag.objects.active()}
    by_name = {t.name.lower(): t for t in known.values()}
    tags, labels = [], []
    for item in raw:
        tag = known.get(item.lower()) or by_name.get(item.lower())
        if tag:
            if tag not in tags:
                tags.append(tag)
        else:
            labels.append(item.lower())
    return tags, labels


def _validate_labels(labels: Sequence[str]) -> list[str]:
    errors = []
    clean = []
    for label in labels:
        label = " ".join(str(label).lower().split())
        if not LABEL_RE.match(label):
            errors.append(
                f"“{label[:40]}” is not a valid tag: use up to 30 letters, digits, spaces or - + & . / "
                "(starting with a letter or digit)."
            )
        elif label not in clean:
            clean.append(label)
    if len(clean) > MAX_LABELS:
        errors.append(f"Use at most {MAX_LABELS} free-form tags.")
    if errors:
        raise ValidationError({"tags": errors})
    return clean


def _tags_text(tags: Iterable[SkillTag], labels: Iterable[str]) -> str:
    return ", ".join([t.name for t in tags] + list(labels))


def _context_text(question: Question) -> str:
    """The question's classification and deal context, one "Name: value" line each (set ones only)."""
    rows = [
        ("Sales stage", question.stage),
        ("Persona", question.persona),
        ("Deal industry", question.deal_industry),
        ("Deal size", question.get_deal_size_display() if question.deal_size else ""),
        ("Deal stage", question.deal_stage),
    ]
    return "\n".join(f"{name}: {value}" for name, value in rows if value)


def _revise(
    *, post: Post, editor, title: str = "", tags: str = "", context: str = "", summary: str = ""
) -> PostRevision:
    last = PostRevision.objects.filter(post=post).order_by("-number").values_list("number", flat=True).first() or 0
    return PostRevision.objects.create(
        post=post,
        number=last + 1,
        editor=editor,
        title=title,
        body=post.body,
        tags=tags,
        context=context,
        summary=summary[:200],
        created_at=timezone.now(),
    )


def _notify_mentions(*, people: Sequence, actor, key: str, title: str, url: str, skip: set[int]) -> None:
    for person in people:
        if person.pk in skip:
            continue
        notify(
            recipient=person,
            kind="mention",
            title=f"{actor.name} mentioned you: {title}",
            url=url,
            actor=actor,
            dedupe_key=f"qa-mention:{key}",
        )


def _followers(*, question: Question) -> list:
    """People following the question's tags or stage (not the question itself)."""
    tag_ids = list(question.tags.values_list("pk", flat=True))
    q = Q(target=FollowTarget.TAG, tag_id__in=tag_ids)
    if question.stage_id:
        q |= Q(target=FollowTarget.STAGE, stage_id=question.stage_id)
    user_ids = set(Follow.objects.filter(q).values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def _question_fields(
    *,
    title: str,
    body: str,
    stage,
    persona,
    deal_industry,
    deal_size: str,
    deal_stage,
) -> dict:
    return {
        "title": " ".join((title or "").split()),
        "body": (body or "").strip(),
        "stage": stage,
        "persona": persona,
        "deal_industry": deal_industry,
        "deal_size": deal_size or "",
        "deal_stage": deal_stage,
    }


def validate_question_text(title: str, body: str, *, partial: bool = False) -> None:
    """Title and body long enough to answer; `partial` skips empty ones (the form says "required")."""
    errors: dict[str, list[str]] = {}
    if len(title) < 10 and not (partial and not title):
        errors.setdefault("title", []).append(
            "Say what you need in at least 10 characters, e.g. “How do I get past procurement's 20% discount ask?”"
        )
    if len(body) < 20 and not (partial and not body):
        errors.setdefault("body", []).append(
            "Give the context in at least 20 characters: the deal, what you tried, what the buyer said."
        )
    if errors:
        raise ValidationError(errors)


# --- Questions -----------------------------------------------------------------------------


def question_create(
    *,
    author,
    title: str,
    body: str,
    stage=None,
    persona=None,
    tags: Sequence[SkillTag] = (),
    labels: Sequence[str] = (),
    deal_industry=None,
    deal_size: str = "",
    deal_stage=None,
    route: bool = True,
    created_at=None,
) -> Question:
    """Ask: save, keep revision 1, route to the best answerers and tell followers."""
    policy.require(author, "qa.ask")
    check_rate_limit(user=author)
    fields = _question_fields(
        title=title,
        body=body,
        stage=stage,
        persona=persona,
        deal_industry=deal_industry,
        deal_size=deal_size,
        deal_stage=deal_stage,
    )
    validate_question_text(fields["title"], fields["body"])
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"Choose at most {MAX_TAGS} skill tags."]})
    labels = _validate_labels(labels)
    html, mentioned = _render(fields["body"])
    now = created_at or timezone.now()
    with transaction.atomic():
        question = Question(author=author, body_html=html, created_at=now, last_activity_at=now, **fields)
        question.full_clean()
        question.save()
        question.tags.set(tags)
        question.labels.set([Label.objects.get_or_create(name=name)[0] for name in labels])
        _revise(
            post=question,
            editor=author,
            title=question.title,
            tags=_tags_text(tags, labels),
            context=_context_text(question),
            summary="Asked",
        )
        Follow.objects.get_or_create(user=author, target=FollowTarget.QUESTION, question=question)
        _reindex(question_ids=[question.pk])  # tags and labels were set after the save
        url = question.get_absolute_url()
        routed_ids: set[int] = set()
        if route:
            routed_ids = {r.user_id for r in question_route(question=question)}
        _notify_mentions(
            people=mentioned,
            actor=author,
            key=f"post:{question.pk}",
            title=question.title,
            url=url,
            skip=routed_ids,
        )
        for follower in _followers(question=question):
            if follower.pk in routed_ids:
                continue
            notify(
                recipient=follower,
                kind="qa.followed",
                title=f"New question: {question.title}",
                url=url,
                actor=author,
                body=plain_text(question.body, 280),
                dedupe_key=f"qa-new:{question.pk}",
            )
    return question


def question_route(*, question: Question, limit: int | None = None) -> list[QuestionRouting]:
    """Ask the best-matching rainmakers and mentors; returns the routings created."""
    created = []
    matches = routing.rank_answerers(question, limit=limit)
    users = get_user_model().objects.in_bulk([m.user_id for m in matches])
    for match in matches:
        user = users.get(match.user_id)
        if user is None:
            continue
        routing_row, was_created = QuestionRouting.objects.get_or_create(
            question=question,
            user=user,
            defaults={"score": match.score, "reason": "; ".join(match.reasons)[:200]},
        )
        if not was_created:
            continue
        created.append(routing_row)
        notify(
            recipient=user,
            kind="qa.routed",
            title=f"{question.author.name if question.author else 'Someone'} asks you: {question.title}",
            url=question.get_absolute_url(),
            actor=question.author,
            body=f"Routed to you for your {routing_row.reason}.",
            dedupe_key=f"qa-routed:{question.pk}",
        )
    return created


def question_edit(
    *,
    question: Question,
    editor,
    title: str,
    body: str,
    stage=None,
    persona=None,
    tags: Sequence[SkillTag] = (),
    labels: Sequence[str] = (),
    deal_industry=None,
    deal_size: str = "",
    deal_stage=None,
    summary: str = "",
) -> Question:
    """Authors edit their own questions, managers any; every save is a revision."""
    policy.require(editor, "qa.edit", question)
    fields = _question_fields(
        title=title,
        body=body,
        stage=stage,
        persona=persona,
        deal_industry=deal_industry,
        deal_size=deal_size,
        deal_stage=deal_stage,
    )
    validate_question_text(fields["title"], fields["body"])
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": [f"Choose at most {MAX_TAGS} skill tags."]})
    labels = _validate_labels(labels)
    html, mentioned = _render(fields["body"])
    with transaction.atomic():
        for name, value in fields.items():
            setattr(question, name, value)
        question.body_html = html
        question.edited_at = timezone.now()
        question.edited_by = editor
        question.full_clean()
        question.save()
        question.tags.set(tags)
        question.labels.set([Label.objects.get_or_create(name=name)[0] for name in labels])
        _revise(
            post=question,
            editor=editor,
            title=question.title,
            tags=_tags_text(tags, labels),
            context=_context_text(question),
            summary=summary or "Edited",
        )
        _reindex(question_ids=[question.pk])  # its answers carry its title, tags and stage
        _notify_mentions(
            people=mentioned,
            actor=editor,
            key=f"post:{question.pk}",
            title=question.title,
            url=question.get_absolute_url(),
            skip=set(),
        )
    return question


# --- Answers -------------------------------------------------------------------------------


def _validate_answer(body: str, techniques: Sequence) -> list:
    errors: dict[str, list[str]] = {}
    if len(body) < 15:
        errors["body"] = ["Write at least 15 characters: what to do, and why it works."]
    techniques = list(dict.fromkeys(techniques))
    if len(techniques) > MAX_CITATIONS:
        errors["techniques"] = [f"Cite at most {MAX_CITATIONS} techniques."]
    if errors:
        raise ValidationError(errors)
    return techniques


def resolve_techniques(ids: Iterable[int]):
    """Live techniques by id, in the order given; unknown ids are a validation error."""
    from community.models import TechniquePage

    ids = list(dict.fromkeys(int(i) for i in ids))
    found = TechniquePage.objects.live().in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"technique_ids": [f"No published technique with id {', '.join(map(str, missing))}."]})
    return [found[i] for i in ids]


def question_group(question_id: int) -> str:
    """The channel-layer group of the pages open on one question (community.qa.consumers)."""
    return f"qa-question-{question_id}"


def _announce_answer(question_id: int, answer_id: int) -> None:
    """Tell the open pages of a question that an answer arrived. Best effort: the answer is in
    the database, and a page that missed this asks for what it lacks when it reconnects."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        event = {"type": "question.answer", "answer_id": answer_id}
        async_to_sync(layer.group_send)(question_group(question_id), event)
    except Exception:
        logger.warning("could not announce answer %s", answer_id, exc_info=True)


def answer_create(*, question: Question, author, body: str, techniques: Sequence = (), created_at=None) -> Answer:
    policy.require(author, "qa.answer", question)
    if question.is_closed:
        raise ValidationError("This question was closed as a duplicate; answer the original instead.")
    if question.is_hidden:
        raise ValidationError("This question is hidden while a manager reviews it.")
    check_rate_limit(user=author)
    body = (body or "").strip()
    techniques = _validate_answer(body, techniques)
    html, mentioned = _render(body)
    now = created_at or timezone.now()
    with transaction.atomic():
        answer = Answer(question=question, author=author, body=body, body_html=html, created_at=now)
        answer.full_clean()
        answer.save()
        AnswerCitation.objects.bulk_create(
            [AnswerCitation(answer=answer, technique=t, position=i) for i, t in enumerate(techniques)]
        )
        _revise(post=answer, editor=author, summary="Answered")
        Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1, last_activity_at=now)
        _reindex(answer_ids=[answer.pk])  # and its question's answer count
        transaction.on_commit(lambda: _announce_answer(question.pk, answer.pk))
        url = answer.get_absolute_url()
        notified: set[int] = {author.pk}
        if question.author and question.author.is_active:
            notify(
                recipient=question.author,
                kind="qa.answer",
                title=f"{author.name} answered: {question.title}",
                url=url,
                actor=author,
                body=plain_text(body, 280),
                dedupe_key=f"qa-answer:{answer.pk}",
            )
            notified.add(question.author_id)
        _notify_mentions(
            people=mentioned, actor=author, key=f"post:{answer.pk}", title=question.title, url=url, skip=notified
        )
        notified |= {p.pk for p in mentioned}
        followers = Follow.objects.filter(target=FollowTarget.QUESTION, question=question).exclude(user_id__in=notified)
        for follow in followers.select_related("user"):
            if follow.user.is_active:
                notify(
                    recipient=follow.user,
                    kind="qa.followed_question",
                    title=f"New answer to: {question.title}",
                    url=url,
                    actor=author,
                    dedupe_key=f"qa-answer:{answer.pk}",
                )
    return answer


def answer_edit(*, answer: Answer, editor, body: str, techniques: Sequence = (), summary: str = "") -> Answer:
    policy.require(editor, "qa.edit", answer)
    body = (body or "").strip()
    techniques = _validate_answer(body, techniques)
    html, mentioned = _render(body)
    with transaction.atomic():
        answer.body = body
        answer.body_html = html
        answer.edited_at = timezone.now()
        answer.edited_by = editor
        answer.full_clean()
        answer.save()
        AnswerCitation.objects.filter(answer=answer).delete()
        AnswerCitation.objects.bulk_create(
            [AnswerCitation(answer=answer, technique=t, position=i) for i, t in enumerate(techniques)]
        )
        _revise(post=answer, editor=editor, summary=summary or "Edited")
        _reindex(answer_ids=[answer.pk])
        _notify_mentions(
            people=mentioned,
            actor=editor,
            key=f"post:{answer.pk}",
            title=answer.question.title,
            url=answer.get_absolute_url(),
            skip=set(),
        )
    return answer


def answer_accept(*, answer: Answer, user) -> Answer:
    """The asker (or a manager) accepts one answer; accepting another moves the mark."""
    question = answer.question
    policy.require(user, "qa.accept", question)
    if answer.is_hidden:
        raise ValidationError("A hidden answer cannot be accepted.")
    now = timezone.now()
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_closed:  # read under the lock: a manager may have just closed it
            raise ValidationError(
                "This question was closed as a duplicate, so its answers cannot be accepted; "
                "accept an answer on the original question instead."
            )
        if question.accepted_answer_id == answer.pk:
            answer.is_accepted = True
            return answer
        changed_users: set[int] = set()
        previous_id = question.accepted_answer_id
        if previous_id:
            Answer.objects.filter(pk=previous_id).update(is_accepted=False)
            changed_users |= set(reputation.remove_events(f"accepted:{previous_id}", f"acceptor:{previous_id}"))
        Answer.objects.filter(question=question).exclude(pk=answer.pk).update(is_accepted=False)
        Answer.objects.filter(pk=answer.pk).update(is_accepted=True)
        Question.objects.filter(pk=question.pk).update(accepted_answer=answer, last_activity_at=now, closed_at=now)
        question.accepted_answer = answer
        question.closed_at = now
        for spec in reputation.accepted_events(answer, question, now):
            reputation.apply_event(spec)
            changed_users.add(spec.user_id)
        reputation.refresh_totals(changed_users)
        _reindex(question_ids=[question.pk])  # the question, the new and the old accepted answer
        answer.is_accepted = True
        if answer.author and answer.author.is_active:
            notify(
                recipient=answer.author,
                kind="qa.accepted",
                title=f"Your answer was accepted: {question.title}",
                url=answer.get_absolute_url(),
                actor=user,
                dedupe_key=f"qa-accepted:{answer.pk}",
            )
    return answer


# --- Comments ------------------------------------------------------------------------------


def _comment_body(body: str) -> str:
    body = (body or "").strip()
    if len(body) < 2:
        raise ValidationError({"body": ["Write a comment (at least 2 characters)."]})
    if len(body) > 1000:
        raise ValidationError({"body": ["Keep comments under 1,000 characters; post an answer for more."]})
    return body


def _comment_place(post: Post) -> tuple[int, str]:
    """The question a comment's post belongs to, and its title (for notifications)."""
    question_id = post.pk if post.kind == PostKind.QUESTION else Answer.objects.get(pk=post.pk).question_id
    title = Question.objects.filter(pk=question_id).values_list("title", flat=True).first() or ""
    return question_id, title


def comment_create(*, post: Post, author, body: str, created_at=None) -> Comment:
    policy.require(author, "qa.comment", post)
    if post.is_hidden:
        raise ValidationError("This post is hidden while a manager reviews it.")
    body = _comment_body(body)
    check_rate_limit(user=author, what="comment")
    html, mentioned = _render(body)
    with transaction.atomic():
        comment = Comment(post=post, author=author, body=body, body_html=html, created_at=created_at or timezone.now())
        comment.full_clean()
        comment.save()
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        question_id, title = _comment_place(post)
        url = f"/questions/{question_id}/#comment-{comment.pk}"
        skip = {author.pk}
        if post.author_id and post.author_id != author.pk and post.author.is_active:
            notify(
                recipient=post.author,
                kind="qa.comment",
                title=f"{author.name} commented on your {post.get_kind_display().lower()}: {title}",
                url=url,
                actor=author,
                body=plain_text(body, 280),
                dedupe_key=f"qa-comment:{comment.pk}",
            )
            skip.add(post.author_id)
        _notify_mentions(people=mentioned, actor=author, key=f"comment:{comment.pk}", title=title, url=url, skip=skip)
    return comment


def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """The author rewrites their comment (shown as edited); people it newly mentions are told.

    A comment a manager hid, or one on a hidden post, stays as it is until a manager decides."""
    policy.require(editor, "qa.edit_comment", comment)
    if comment.is_hidden:
        raise ValidationError("A manager hid this comment, so it cannot be edited; you can delete it.")
    post = comment.post
    if post.is_hidden:
        raise ValidationError("This post is hidden while a manager reviews it.")
    body = _comment_body(body)
    if body == comment.body:
        return comment
    html, mentioned = _render(body)
    with transaction.atomic():
        comment.body = body
        comment.body_html = html
        comment.edited_at = timezone.now()
        comment.full_clean()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        question_id, title = _comment_place(post)
        # The same key as on creating it: only people mentioned for the first time hear of it.
        _notify_mentions(
            people=mentioned,
            actor=editor,
            key=f"comment:{comment.pk}",
            title=title,
            url=f"/questions/{question_id}/#comment-{comment.pk}",
            skip={editor.pk},
        )
    return comment


def comment_delete(*, comment: Comment, user) -> None:
    """The author removes their comment for good (a manager hides one instead)."""
    policy.require(user, "qa.delete_comment", comment)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if locked is None:  # deleted twice at once: already gone
            return
        locked.delete()
        if not locked.is_hidden:  # a hidden comment was no longer counted
            Post.objects.filter(pk=locked.post_id).update(comment_count=F("comment_count") - 1)


COMMENT_MODERATION_ACTIONS = ("hide", "unhide")


def comment_moderate(*, comment: Comment, moderator, action: str, note: str = "") -> Comment:
    """A manager hides a comment (its author is told, with the note) or shows it again."""
    policy.require(moderator, "qa.moderate_comment", comment)
    if action not in COMMENT_MODERATION_ACTIONS:
        raise ValidationError({"action": ["Choose hide or unhide."]})
    hide = action == "hide"
    with transaction.atomic():
        locked = Comment.objects.select_for_update(of=("self",)).select_related("author", "post").get(pk=comment.pk)
        if locked.is_hidden != hide:
            Comment.objects.filter(pk=locked.pk).update(is_hidden=hide)
            Post.objects.filter(pk=locked.post_id).update(comment_count=F("comment_count") + (-1 if hide else 1))
            if hide and locked.author and locked.author.is_active:
                question_id, title = _comment_place(locked.post)
                notify(
                    recipient=locked.author,
                    kind="qa.moderation",
                    title=f"Your comment was hidden by a manager: {title}",
                    url=f"/questions/{question_id}/#comment-{locked.pk}",
                    actor=moderator,
                    body=" ".join((note or "").split())[:500],
                )
        comment.is_hidden = hide
    return comment


# --- Votes ---------------------------------------------------------------------------------


def vote_cast(*, post_id: int, user, value: int) -> tuple[Post, int]:
    """Set the caller's vote on a post to +1, -1 or 0 (withdrawn); returns (post, my vote).

    Correct under concurrency: the post row is locked (SELECT ... FOR UPDATE) for the whole
    change, so two votes on one post run one after the other, and the totals move with
    F() expressions in the same transaction as the vote row. The lock is on one row and the
    transaction is short, so voting stays fast.
    """
    if value not in (1, -1, 0):
        raise ValidationError({"value": ["Vote 1 (up), -1 (down) or 0 (withdraw your vote)."]})
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(pk=post_id).first()
        if post is None or (post.is_hidden and not policy.allowed(user, "qa.view_hidden", post)):
            raise Post.DoesNotExist("No such post.")
        if selectors.question_hidden_from(post=post, user=user):  # an answer to a hidden question
            raise Post.DoesNotExist("No such post.")
        policy.require(user, "qa.vote", post)
        if post.is_hidden:
            raise ValidationError("Hidden posts cannot be voted on until a manager reviews them.")
        existing = Vote.objects.filter(post=post, user=user).first()
        old = existing.value if existing else 0
        if old == value:
            return post, value
        now = timezone.now()
        up = (1 if value == 1 else 0) - (1 if old == 1 else 0)
        down = (1 if value == -1 else 0) - (1 if old == -1 else 0)
        Post.objects.filter(pk=post.pk).update(
            score=F("score") + (value - old), upvotes=F("upvotes") + up, downvotes=F("downvotes") + down
        )
        if value == 0:
            reputation.remove_events(f"vote:{existing.pk}")
            existing.delete()
        elif existing:
            existing.value = value
            existing.updated_at = now
            existing.save(update_fields=["value", "updated_at"])
            spec = reputation.vote_event(existing, post)
            if spec:
                reputation.apply_event(spec)
        else:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(post=post, user=user, value=value, created_at=now, updated_at=now)
            except IntegrityError as exc:  # pragma: no cover - the row lock makes this unreachable
                raise ValidationError("Your vote was already counted.") from exc
            spec = reputation.vote_event(vote, post)
            if spec:
                reputation.apply_event(spec)
        reputation.refresh_totals([post.author_id])
        post.refresh_from_db(fields=["score", "upvotes", "downvotes"])
        _reindex_post(post, votes_only=True)
    return post, value


# --- Flags and moderation -------------------------------------------------------------------


def flag_create(*, post: Post, user, reason: str, note: str) -> Flag:
    """Flag a post for a manager; enough trusted flags hide it until a manager reviews it."""
    policy.require(user, "qa.flag", post)
    note = " ".join((note or "").split())
    errors: dict[str, list[str]] = {}
    if reason not in FlagReason.values:
        errors["reason"] = ["Choose spam, wrong or offensive."]
    if len(note) < 5:
        errors["note"] = ["Say in a few words what is wrong, so a manager can check quickly."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if Flag.objects.filter(post=post, user=user, resolution="").exists():
            raise ValidationError("You already flagged this post; a manager will look at it.")
        flag = Flag(post=post, user=user, reason=reason, note=note[:500], trusted=is_trusted(user))
        flag.full_clean()
        flag.save()
        trusted = Flag.objects.filter(post=post, resolution="", trusted=True).count()
        if not post.is_hidden and trusted >= settings.QA_AUTO_HIDE_FLAGS:
            Post.objects.filter(pk=post.pk).update(hidden_reason=HiddenReason.FLAGS, hidden_at=timezone.now())
            _recount_answers(post)
            _reindex_post(post)
    return flag


def _reindex_post(post: Post, *, votes_only: bool = False) -> None:
    if votes_only and post.kind == PostKind.QUESTION:  # a vote on a question changes its document only
        from search.services import schedule

        schedule(post.kind, [post.pk])
    elif post.kind == PostKind.QUESTION:
        _reindex(question_ids=[post.pk])
    else:
        _reindex(answer_ids=[post.pk])


def _recount_answers(post: Post) -> None:
    """Hidden answers do not count as answers."""
    if post.kind != PostKind.ANSWER:
        return
    question_id = Answer.objects.filter(pk=post.pk).values_list("question_id", flat=True).first()
    count = Answer.objects.filter(question_id=question_id, hidden_reason="").count()
    Question.objects.filter(pk=question_id).update(answer_count=count)


MODERATION_ACTIONS = ("hide", "duplicate", "dismiss", "unhide")


def post_moderate(*, post: Post, moderator, action: str, duplicate_of: Question | None = None, note: str = "") -> Post:
    """A manager's decision on a flagged post: hide it, close it as a duplicate, or dismiss the flags."""
    policy.require(moderator, "qa.moderate", post)
    if action not in MODERATION_ACTIONS:
        raise ValidationError({"action": ["Choose hide, duplicate, dismiss or unhide."]})
    now = timezone.now()
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if action == "duplicate":
            if post.kind != PostKind.QUESTION:
                raise ValidationError({"action": ["Only questions can be closed as duplicates."]})
            if duplicate_of is None:
                raise ValidationError({"duplicate_of": ["Give the number of the original question."]})
            if duplicate_of.pk == post.pk:
                raise ValidationError({"duplicate_of": ["A question cannot duplicate itself."]})
            if duplicate_of.duplicate_of_id == post.pk:
                raise ValidationError({"duplicate_of": ["That question is already closed as a duplicate of this one."]})
            Question.objects.filter(pk=post.pk).update(duplicate_of=duplicate_of, closed_at=now)
            resolution = FlagResolution.DUPLICATE
            if post.hidden_reason == HiddenReason.FLAGS:
                Post.objects.filter(pk=post.pk).update(hidden_reason="", hidden_at=None)
            message = f"Closed as a duplicate of “{duplicate_of.title}”."
        elif action == "hide":
            Post.objects.filter(pk=post.pk).update(hidden_reason=HiddenReason.MODERATOR, hidden_at=now)
            resolution = FlagResolution.HIDDEN
            message = "Hidden by a manager."
        else:  # dismiss / unhide
            Post.objects.filter(pk=post.pk).update(hidden_reason="", hidden_at=None)
            resolution = FlagResolution.DISMISSED
            message = "Flags dismissed; the post is visible." if action == "dismiss" else "Visible again."
        Flag.objects.filter(post=post, resolution="").update(
            resolution=resolution, resolved_at=now, resolved_by=moderator
        )
        _recount_answers(post)
        _reindex_post(post)
        post.refresh_from_db()
        if post.author and action in ("hide", "duplicate"):
            question_id = post.pk if post.kind == PostKind.QUESTION else post.as_answer.question_id
            notify(
                recipient=post.author,
                kind="qa.moderation",
                title=f"Your {post.get_kind_display().lower()} was moderated: {message}",
                url=f"/questions/{question_id}/",
                actor=moderator,
                body=note[:500],
            )
    return post


# --- Following -----------------------------------------------------------------------------


def follow_set(*, user, target: str, obj, on: bool = True) -> bool:
    """Follow (or stop following) a skill tag, a stage or a question; returns the new state."""
    policy.require(user, "qa.follow")
    if target not in FollowTarget.values:
        raise ValidationError({"target": ["Follow a tag, a stage or a question."]})
    lookup = {"user": user, "target": target, target: obj}
    if on:
        try:
            with transaction.atomic():
                Follow.objects.get_or_create(**lookup)
        except IntegrityError:
            pass  # followed twice at once: already following
        return True
    Follow.objects.filter(**lookup).delete()
    return False


def ensure_can_view(user, post: Post) -> None:
    """Hidden posts are visible only to their author and managers (404 for everyone else)."""
    if post.is_hidden and not policy.allowed(user, "qa.view_hidden", post):
        raise PermissionDenied("This post is hidden while a manager reviews it.")
