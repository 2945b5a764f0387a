"""The questions-and-answers API: questions and answers (ask, answer, edit, revisions), votes,
acceptance, comments, flags and the moderation queue, follows, and reputation.

/questions, /questions/{id}, /questions/{id}/answers, /posts/{id}/vote and /answers/{id}/accept
are a public contract (issue 4).

A *post* is a question or an answer; both share one id space (the `Post` table), so
`/posts/{id}/vote` needs no type. Errors follow core.api: 404 for what does not exist or is
hidden from the caller, 403 with a sentence when the policy refuses, 422 with field errors,
409 when the input is fine but the object's state refuses it (a question closed or hidden, a
hidden post, a flag still open), 429 (with Retry-After) when a new account posts too fast.
"""

# No `from __future__ import annotations` here: django-ninja evaluates a paginated view's parameter
# types in the pagination wrapper's module, where names such as the Literal aliases below are unknown.

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts import policy
from community.models import Answer, Comment, DealSize, Follow, Label, Post, Question
from core.api import COMMON_ERRORS, ErrorOut, PersonRefOut, TermOut, created_or_existing, lookup, state_conflict
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from . import diffs, selectors, services
from . import reputation as reputation_module

router = Router(tags=["questions"])

ERRORS = COMMON_ERRORS
RATE_LIMITED = {**COMMON_ERRORS, 429: ErrorOut}


# --- Schemas ------------------------------------------------------------------------------------


class PersonReputationOut(Schema):
    id: int
    username: str
    display_name: str
    reputation: int
    url: str


class TagOut(Schema):
    slug: str
    name: str
    kind: str = Field(description="`skill` (a managed skill tag) or `free` (typed by the asker)")


class CitationOut(Schema):
    id: int
    title: str
    url: str
    evidence: str
    evidence_label: str
    uses_count: int
    success_rate: float | None


class CommentOut(Schema):
    id: int
    author: PersonReputationOut | None
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    is_hidden: bool = Field(description="Hidden by a manager (only its author and managers see it)")


class AnswerOut(Schema):
    id: int = Field(description="The post id (votes use it)")
    url: str
    question_id: int
    author: PersonReputationOut | None
    body: str
    body_html: str
    score: int
    upvotes: int
    downvotes: int
    my_vote: int
    is_accepted: bool
    is_hidden: bool
    citations: list[CitationOut]
    comments: list[CommentOut]
    created_at: datetime
    edited_at: datetime | None


class DealContextOut(Schema):
    industry: TermOut | None
    size: str
    size_label: str
    stage: TermOut | None


class QuestionSummaryOut(Schema):
    id: int = Field(description="The post id (votes use it)")
    url: str
    title: str
    author: PersonReputationOut | None
    stage: TermOut | None
    persona: TermOut | None
    tags: list[TagOut]
    score: int
    upvotes: int
    downvotes: int
    answer_count: int
    is_answered: bool
    accepted_answer_id: int | None
    is_closed: bool
    duplicate_of_id: int | None
    asked_to: list[PersonReputationOut]
    created_at: datetime
    last_activity_at: datetime


class QuestionOut(QuestionSummaryOut):
    body: str
    body_html: str
    deal_context: DealContextOut
    my_vote: int
    is_hidden: bool
    comments: list[CommentOut]
    answers: list[AnswerOut]


class QuestionIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=20_000)
    stage: int | str | None = Field(None, description="Sales stage id or slug")
    persona: int | str | None = Field(None, description="Buyer persona id or slug")
    tags: list[str] = Field(
        [], description="Skill tag slugs or names; anything else becomes a free-form tag", max_length=10
    )
    deal_industry: int | str | None = Field(None, description="Industry id or slug (deal context)")
    deal_size: str = Field("", description="Deal size band: " + ", ".join(DealSize.values))
    deal_stage: int | str | None = Field(None, description="Where the deal is now (stage id or slug)")


class AnswerIn(Schema):
    body: str = Field(max_length=20_000)
    technique_ids: list[int] = Field([], description="Published techniques to cite (up to 5)", max_length=20)


class VoteIn(Schema):
    value: Literal[1, -1, 0] = Field(description="1 (up), -1 (down) or 0 (withdraw)")


class VoteOut(Schema):
    post_id: int
    score: int
    upvotes: int
    downvotes: int
    my_vote: int


class AcceptOut(Schema):
    question_id: int
    accepted_answer_id: int


# --- Shaping ------------------------------------------------------------------------------------


def _person(user) -> dict | None:
    if user is None:
        return None
    rep = getattr(user, "reputation", None) if _has_rep(user) else None
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.name,
        "reputation": rep.points if rep else 0,
        "url": user.get_absolute_url(),
    }


def _has_rep(user) -> bool:
    try:
        user.reputation  # noqa: B018 - cached by select_related
    except Exception:  # RelatedObjectDoesNotExist: no reputation yet
        return False
    return True


def _term(obj) -> dict | None:
    return {"id": obj.pk, "slug": obj.slug, "name": obj.name} if obj else None


def _tags(q: Question) -> list[dict]:
    return [{"slug": t.slug, "name": t.name, "kind": "skill"} for t in q.tags.all()] + [
        {"slug": label.name, "name": label.name, "kind": "free"} for label in q.labels.all()
    ]


def _summary(q: Question, asked_to: list | None = None) -> dict:
    if asked_to is None:
        asked_to = [r.user for r in q.routings.all()]
    return {
        "id": q.pk,
        "url": q.get_absolute_url(),
        "title": q.title,
        "author": _person(q.author),
        "stage": _term(q.stage),
        "persona": _term(q.persona),
        "tags": _tags(q),
        "score": q.score,
        "upvotes": q.upvotes,
        "downvotes": q.downvotes,
        "answer_count": q.answer_count,
        "is_answered": q.answer_count > 0,
        "accepted_answer_id": q.accepted_answer_id,
        "is_closed": q.is_closed,
        "duplicate_of_id": q.duplicate_of_id,
        "asked_to": [_person(u) for u in asked_to],
        "created_at": q.created_at,
        "last_activity_at": q.last_activity_at,
    }


def _comments(items) -> list[dict]:
    return [
        {
            "id": c.pk,
            "author": _person(c.author),
            "body": c.body,
            "body_html": c.body_html,
            "created_at": c.created_at,
            "edited_at": c.edited_at,
            "is_hidden": c.is_hidden,
        }
        for c in items
    ]


def _question_detail(pk: int, user) -> dict:
    data = selectors.question_page(pk=pk, user=user)
    q = data.question
    out = _summary(q, [r.user for r in data.routings])
    out.update(
        body=q.body,
        body_html=q.body_html,
        deal_context={
            "industry": _term(q.deal_industry),
            "size": q.deal_size,
            "size_label": q.get_deal_size_display() if q.deal_size else "",
            "stage": _term(q.deal_stage),
        },
        my_vote=data.my_votes.get(q.pk, 0),
        is_hidden=q.is_hidden,
        comments=_comments(data.comments.get(q.pk, [])),
        answers=[
            {
                "id": a.pk,
                "url": a.get_absolute_url(),
                "question_id": q.pk,
                "author": _person(a.author),
                "body": a.body,
                "body_html": a.body_html,
                "score": a.score,
                "upvotes": a.upvotes,
                "downvotes": a.downvotes,
                "my_vote": data.my_votes.get(a.pk, 0),
                "is_accepted": a.is_accepted,
                "is_hidden": a.is_hidden,
                "citations": [
                    {
                        "id": c.technique.pk,
                        "title": c.technique.title,
                        "url": c.technique.url or "",
                        "evidence": c.technique.evidence,
                        "evidence_label": c.technique.get_evidence_display(),
                        "uses_count": c.technique.uses_count,
                        "success_rate": c.technique.success_rate,
                    }
                    for c in a.citations.all()
                ],
                "comments": _comments(data.comments.get(a.pk, [])),
                "created_at": a.created_at,
                "edited_at": a.edited_at,
            }
            for a in data.answers
        ],
    )
    return out


def _rate_limited(exc: services.RateLimited) -> JsonResponse:
    response = JsonResponse({"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@contextmanager
def _state_conflicts() -> Iterator[None]:
    """A service's refusal without a field ("this question is closed") is about the object's
    state, not the input: 409 with its sentence. Field errors stay 422."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise state_conflict(exc) from exc


def _resolve(model, value, field: str, label: str):
    if value in (None, ""):
        return None
    qs = model.objects.active()
    obj = qs.filter(pk=value).first() if isinstance(value, int) or str(value).isdigit() else None
    obj = obj or qs.filter(slug=str(value)).first()
    if obj is None:
        choices = ", ".join(qs.values_list("slug", flat=True)[:20])
        raise ValidationError({field: [f"No {label} “{value}”; use an id or one of: {choices}."]})
    return obj


# --- Endpoints ------------------------------------------------------------------------------------


@router.get(
    "/questions", response={200: list[QuestionSummaryOut], **ERRORS}, summary="Questions, newest first (or a tab)"
)
@paginate
def list_questions(request: HttpRequest, tab: str = "newest", tag: str = "", stage: str = "", persona: str = ""):
    """Tabs: `newest`, `active`, `unanswered`, `votes`, `mine`, `asked` (asked to me), `following`.
    Filter by `tag` (skill tag slug or free-form tag), `stage` and `persona` (slugs)."""
    policy.require(request.auth, "qa.view")
    errors: dict[str, list[str]] = {}
    if tab not in selectors.TABS:
        errors["tab"] = [f"Unknown tab “{tab}”; use one of: {', '.join(selectors.TABS)}."]
    errors.update(_unknown_filters(tag=tag, stage=stage, persona=persona))
    if errors:
        raise ValidationError(errors)
    qs = selectors.questions_list(user=request.auth, tab=tab, tag=tag, stage=stage, persona=persona)
    return _Shaped(qs.prefetch_related("routings__user__reputation"))


def _unknown_filters(*, tag: str, stage: str, persona: str) -> dict[str, list[str]]:
    """A filter that names nothing is a mistake to explain, not an empty list (a query or two per filter sent).

    Retired stages, personas and tags still filter: old questions carry them."""
    errors: dict[str, list[str]] = {}

    def some(qs) -> str:
        return ", ".join(qs.values_list("slug", flat=True)[:12])

    if stage and not SalesStage.objects.filter(slug=stage).exists():
        errors["stage"] = [f"No sales stage “{stage}”; use a slug such as: {some(SalesStage.objects.active())}."]
    if persona and not BuyerPersona.objects.filter(slug=persona).exists():
        errors["persona"] = [
            f"No buyer persona “{persona}”; use a slug such as: {some(BuyerPersona.objects.active())}."
        ]
    if tag and not (SkillTag.objects.filter(slug=tag).exists() or Label.objects.filter(name=tag).exists()):
        errors["tag"] = [
            f"No tag “{tag}”; use a skill tag slug such as {some(SkillTag.objects.active())}, or a free-form tag "
            "that questions carry."
        ]
    return errors


class _Shaped:
    """A lazily shaped queryset: the paginator slices it, then each row becomes a dict."""

    def __init__(self, qs) -> None:
        self.qs = qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        return [_summary(q) for q in self.qs[item]]


@router.post("/questions", response={201: QuestionOut, **RATE_LIMITED}, summary="Ask a question (routes it)")
def create_question(request: HttpRequest, payload: QuestionIn):
    user = request.auth
    policy.require(user, "qa.ask")
    tags, labels = services.split_tags(payload.tags)
    errors: dict[str, list[str]] = {}
    if payload.deal_size and payload.deal_size not in DealSize.values:
        errors["deal_size"] = [f"Use one of: {', '.join(DealSize.values)}."]
    terms = {}
    for field, model, label in [
        ("stage", SalesStage, "sales stage"),
        ("persona", BuyerPersona, "buyer persona"),
        ("deal_industry", Industry, "industry"),
        ("deal_stage", SalesStage, "sales stage"),
    ]:
        try:
            terms[field] = _resolve(model, getattr(payload, field), field, label)
        except ValidationError as exc:  # every unknown term is reported at once
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        question = services.question_create(
            author=user,
            title=payload.title,
            body=payload.body,
            tags=tags,
            labels=labels,
            deal_size=payload.deal_size,
            **terms,
        )
    except services.RateLimited as exc:
        return _rate_limited(exc)
    return Status(201, _question_detail(question.pk, user))


@router.post(
    "/questions/{question_id}/answers",
    response={201: AnswerOut, 409: ErrorOut, **RATE_LIMITED},
    summary="Answer a question",
)
def create_answer(request: HttpRequest, question_id: int, payload: AnswerIn):
    """A question closed as a duplicate, or hidden while a manager reviews it, answers 409."""
    user = request.auth
    question = selectors.question_get(pk=question_id, user=user)
    policy.require(user, "qa.answer", question)
    techniques = services.resolve_techniques(payload.technique_ids)
    try:
        with _state_conflicts():
            answer = services.answer_create(question=question, author=user, body=payload.body, techniques=techniques)
    except services.RateLimited as exc:
        return _rate_limited(exc)
    detail = _question_detail(question.pk, user)
    return Status(201, next(a for a in detail["answers"] if a["id"] == answer.pk))


@router.post(
    "/posts/{post_id}/vote", response={200: VoteOut, 409: ErrorOut, **ERRORS}, summary="Vote on a question or answer"
)
def vote(request: HttpRequest, post_id: int, payload: VoteIn):
    """`value` 1 votes up, -1 down, 0 withdraws the caller's vote. One vote per person per post,
    changeable; never on your own post (403); a hidden post (for those who still see it) 409."""
    with _state_conflicts():
        post, mine = services.vote_cast(post_id=post_id, user=request.auth, value=payload.value)
    return {
        "post_id": post.pk,
        "score": post.score,
        "upvotes": post.upvotes,
        "downvotes": post.downvotes,
        "my_vote": mine,
    }


@router.post(
    "/answers/{answer_id}/accept", response={200: AcceptOut, 409: ErrorOut, **ERRORS}, summary="Accept an answer"
)
def accept(request: HttpRequest, answer_id: int):
    """Only the asker (or a manager) may accept; accepting another answer moves the mark.
    A hidden answer, or one to a question closed as a duplicate, answers 409."""
    user = request.auth
    answer = Answer.objects.visible_to(user).select_related("question", "author").get(pk=answer_id)
    if answer.question.is_hidden and not policy.allowed(user, "qa.view_hidden", answer.question):
        raise Answer.DoesNotExist
    with _state_conflicts():
        services.answer_accept(answer=answer, user=user)
    return {"question_id": answer.question_id, "accepted_answer_id": answer.pk}


# --- Editing and revisions --------------------------------------------------------------------------


class QuestionPatchIn(Schema):
    """Only the fields sent change; `summary` says what changed (shown in the history)."""

    title: str = Field(None, max_length=200)
    body: str = Field(None, max_length=20_000)
    stage: int | str | None = Field(None, description="Sales stage id or slug; null clears it")
    persona: int | str | None = Field(None, description="Buyer persona id or slug; null clears it")
    tags: list[str] = Field(None, max_length=10, description="Replaces the tags (skill tags and free-form ones)")
    deal_industry: int | str | None = None
    deal_size: str = Field(None, description="Deal size band: " + ", ".join(DealSize.values) + ", or empty")
    deal_stage: int | str | None = None
    summary: str = Field("", max_length=200)


class AnswerPatchIn(Schema):
    body: str = Field(None, max_length=20_000)
    technique_ids: list[int] = Field(None, max_length=20, description="Replaces the cited techniques")
    summary: str = Field("", max_length=200)


@router.patch("/answers/{answer_id}", response={200: AnswerOut, **ERRORS}, summary="Edit an answer")
def edit_answer(request: HttpRequest, answer_id: int, payload: AnswerPatchIn):
    """Its author, or a manager. Every edit is kept as a revision (`GET /posts/{id}/revisions`)."""
    user = request.auth
    answer = Answer.objects.visible_to(user).select_related("question").get(pk=answer_id)
    selectors.question_get(pk=answer.question_id, user=user)  # an answer under a hidden question: 404
    policy.require(user, "qa.edit", answer)
    sent = payload.model_dump(exclude_unset=True)
    if "technique_ids" in sent:
        techniques = services.resolve_techniques(sent["technique_ids"] or [])
    else:
        techniques = [c.technique for c in answer.citations.select_related("technique")]
    services.answer_edit(
        answer=answer,
        editor=user,
        body=sent.get("body", answer.body),
        techniques=techniques,
        summary=payload.summary,
    )
    detail = _question_detail(answer.question_id, user)
    return next(a for a in detail["answers"] if a["id"] == answer.pk)


class DiffLineOut(Schema):
    op: str = Field(description="equal, insert, delete or skip (unchanged lines left out)")
    text: str


class ChangesOut(Schema):
    title: list[DiffLineOut]
    tags: list[DiffLineOut]
    context: list[DiffLineOut] = Field(description="A question's stage, persona and deal context")
    body: list[DiffLineOut]


class RevisionOut(Schema):
    number: int
    url: str
    editor: PersonReputationOut | None
    created_at: datetime
    summary: str
    title: str
    tags: str
    context: str = Field(description="A question's stage, persona and deal context, one `Name: value` line each")
    body: str
    first: bool = Field(description="The original version (its `changes` show it whole)")
    changes: ChangesOut = Field(description="What changed since the revision before, line by line")


def _visible_post(request: HttpRequest, post_id: int):
    try:
        return selectors.post_visible(pk=post_id, user=request.auth)
    except Post.DoesNotExist as exc:
        raise Http404("No such question or answer.") from exc


@router.get(
    "/posts/{post_id}/revisions",
    response={200: list[RevisionOut], **ERRORS},
    summary="A question's or answer's revisions, newest first, with diffs",
)
@paginate
def revisions(request: HttpRequest, post_id: int):
    policy.require(request.auth, "qa.view")
    post = _visible_post(request, post_id)
    url = f"/questions/posts/{post.pk}/history/"
    return [
        {
            "number": row["revision"].number,
            "url": url,
            "editor": _person(row["revision"].editor),
            "created_at": row["revision"].created_at,
            "summary": row["revision"].summary,
            "title": row["revision"].title,
            "tags": row["revision"].tags,
            "context": row["revision"].context,
            "body": row["revision"].body,
            "first": row["first"],
            "changes": {
                name: [{"op": line.op, "text": line.text} for line in row[name]]
                for name in ("title", "tags", "context", "body")
            },
        }
        for row in diffs.revision_diffs(selectors.revisions_for(post=post))
    ]


# --- Comments ---------------------------------------------------------------------------------------


class PostCommentOut(CommentOut):
    post_id: int
    url: str


class CommentIn(Schema):
    body: str = Field(max_length=1000, description="Markdown; @username mentions notify that person")


def _comment_out(comment, question_id: int) -> dict:
    return {
        **_comments([comment])[0],
        "post_id": comment.post_id,
        "url": f"/questions/{question_id}/#comment-{comment.pk}",
    }


@router.get("/posts/{post_id}/comments", response={200: list[PostCommentOut], **ERRORS}, summary="Comments on a post")
@paginate
def list_comments(request: HttpRequest, post_id: int):
    """Oldest first."""
    policy.require(request.auth, "qa.view")
    post = _visible_post(request, post_id)
    question_id = selectors.question_id_of(post)
    return [_comment_out(c, question_id) for c in selectors.comments_for(post_ids=[post.pk], user=request.auth)]


@router.post(
    "/posts/{post_id}/comments",
    response={201: PostCommentOut, 409: ErrorOut, **RATE_LIMITED},
    summary="Comment on a question or answer",
)
def create_comment(request: HttpRequest, post_id: int, payload: CommentIn):
    """For clarifications (answers go to `/questions/{id}/answers`). The post's author is notified.
    A hidden post answers 409; new accounts posting too fast, 429."""
    user = request.auth
    post = _visible_post(request, post_id)
    policy.require(user, "qa.comment", post)
    try:
        with _state_conflicts():
            comment = services.comment_create(post=post, author=user, body=payload.body)
    except services.RateLimited as exc:
        return _rate_limited(exc)
    comment = selectors.comments_for(post_ids=[post.pk], user=user).get(pk=comment.pk)
    return Status(201, _comment_out(comment, selectors.question_id_of(post)))


class CommentPatchIn(Schema):
    body: str = Field(max_length=1000, description="Markdown; people newly @mentioned are notified")


class CommentModerateIn(Schema):
    action: Literal["hide", "unhide"] = Field(description="hide the comment, or show it again")
    note: str = Field("", max_length=500, description="Sent to the author with hide")


def _visible_comment(request: HttpRequest, comment_id: int):
    try:
        return selectors.comment_visible(pk=comment_id, user=request.auth)
    except Comment.DoesNotExist as exc:
        raise Http404("No such comment.") from exc


def _comment_reply(comment, user) -> dict:
    fresh = selectors.comments_for(post_ids=[comment.post_id], user=user).get(pk=comment.pk)
    return _comment_out(fresh, selectors.question_id_of(comment.post))


@router.patch(
    "/comments/{comment_id}", response={200: PostCommentOut, 409: ErrorOut, **ERRORS}, summary="Edit your comment"
)
def edit_comment(request: HttpRequest, comment_id: int, payload: CommentPatchIn):
    """Only its author (403 for anyone else). A comment a manager hid, or one on a hidden post, answers 409."""
    comment = _visible_comment(request, comment_id)
    policy.require(request.auth, "qa.edit_comment", comment)
    with _state_conflicts():
        services.comment_edit(comment=comment, editor=request.auth, body=payload.body)
    return _comment_reply(comment, request.auth)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS}, summary="Delete your comment")
def delete_comment(request: HttpRequest, comment_id: int):
    """Only its author, for good (403 for anyone else; managers hide comments instead)."""
    comment = _visible_comment(request, comment_id)
    policy.require(request.auth, "qa.delete_comment", comment)
    services.comment_delete(comment=comment, user=request.auth)
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/moderate",
    response={200: PostCommentOut, **ERRORS},
    summary="Hide a comment or show it again (managers)",
)
def moderate_comment(request: HttpRequest, comment_id: int, payload: CommentModerateIn):
    """A hidden comment shows only to its author (who is told, with the note) and to managers."""
    comment = _visible_comment(request, comment_id)
    policy.require(request.auth, "qa.moderate_comment", comment)
    services.comment_moderate(comment=comment, moderator=request.auth, action=payload.action, note=payload.note)
    return _comment_reply(comment, request.auth)


# --- Flags and moderation -------------------------------------------------------------------------


class FlagIn(Schema):
    reason: Literal["spam", "wrong", "offensive"]
    note: str = Field(max_length=500, description="What a manager should look at")


class FlagOut(Schema):
    id: int
    post_id: int
    reason: str
    note: str
    created_at: datetime
    resolution: str = Field(description="Empty while open; hidden, duplicate or dismissed once a manager decided")


@router.post(
    "/posts/{post_id}/flags",
    response={201: FlagOut, 409: ErrorOut, **ERRORS},
    summary="Flag a post for a manager (spam, wrong, offensive)",
)
def flag(request: HttpRequest, post_id: int, payload: FlagIn):
    """Not your own post (403). Enough flags from trusted members hide the post until a manager
    decides. Flagging the same post again while your flag is open answers 409."""
    post = _visible_post(request, post_id)
    policy.require(request.auth, "qa.flag", post)
    with _state_conflicts():
        created = services.flag_create(post=post, user=request.auth, reason=payload.reason, note=payload.note)
    return Status(201, created)


class QueueFlagOut(Schema):
    id: int
    user: PersonRefOut
    reason: str
    note: str
    trusted: bool = Field(description="The flagger was trusted (their flags count towards hiding)")
    created_at: datetime


class QuestionRefOut(Schema):
    id: int
    title: str
    url: str


class QueueEntryOut(Schema):
    post_id: int
    kind: str = Field(description="question or answer")
    url: str
    question: QuestionRefOut | None
    author: PersonRefOut | None
    body: str
    body_html: str
    is_hidden: bool
    hidden_reason: str
    trusted_flags: int
    flags: list[QueueFlagOut]


@router.get(
    "/questions/moderation",
    response={200: list[QueueEntryOut], **ERRORS},
    summary="Flagged questions and answers (managers)",
)
@paginate
def moderation_queue(request: HttpRequest):
    """Posts with open flags, hidden ones first, then the most flagged. A fixed number of queries."""
    policy.require(request.auth, "qa.moderate")
    out = []
    for entry in selectors.moderation_queue():
        post, question = entry["post"], entry["question"]
        url = question.get_absolute_url() if question else ""
        out.append(
            {
                "post_id": post.pk,
                "kind": post.kind,
                "url": url if entry["is_question"] or not url else f"{url}#post-{post.pk}",
                "question": {"id": question.pk, "title": question.title, "url": url} if question else None,
                "author": post.author,
                "body": post.body,
                "body_html": post.body_html,
                "is_hidden": post.is_hidden,
                "hidden_reason": post.hidden_reason,
                "trusted_flags": entry["trusted"],
                "flags": entry["flags"],
            }
        )
    return out


class PostModerateIn(Schema):
    action: Literal["hide", "duplicate", "dismiss", "unhide"] = Field(
        description="hide it, close it as a duplicate (questions), dismiss the flags, or show it again"
    )
    duplicate_of: int | None = Field(None, description="With `duplicate`: the original question's id")
    note: str = Field("", max_length=500, description="Sent to the author with hide and duplicate")


class ModeratedOut(Schema):
    id: int
    kind: str
    url: str
    is_hidden: bool
    hidden_reason: str
    duplicate_of_id: int | None


@router.post("/posts/{post_id}/moderate", response={200: ModeratedOut, **ERRORS}, summary="Moderate a post (managers)")
def moderate(request: HttpRequest, post_id: int, payload: PostModerateIn):
    """Resolves the post's open flags. The author is told when their post is hidden or closed."""
    policy.require(request.auth, "qa.moderate")
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404("No such question or answer.")
    original = None
    if payload.duplicate_of is not None:
        original = Question.objects.filter(pk=payload.duplicate_of).first()
        if original is None:
            raise ValidationError({"duplicate_of": [f"There is no question number {payload.duplicate_of}."]})
    post = services.post_moderate(
        post=post, moderator=request.auth, action=payload.action, duplicate_of=original, note=payload.note
    )
    question_id = selectors.question_id_of(post)
    duplicate_of_id = (
        Question.objects.filter(pk=post.pk).values_list("duplicate_of_id", flat=True).first()
        if post.kind == "question"
        else None
    )
    return {
        "id": post.pk,
        "kind": post.kind,
        "url": f"/questions/{question_id}/" + ("" if post.pk == question_id else f"#post-{post.pk}"),
        "is_hidden": post.is_hidden,
        "hidden_reason": post.hidden_reason,
        "duplicate_of_id": duplicate_of_id,
    }


# --- Follows ----------------------------------------------------------------------------------------


class FollowIn(Schema):
    target: Literal["tag", "stage", "question"]
    id: int | str = Field(description="A skill tag or stage (id or slug), or a question id")


class FollowOut(Schema):
    id: int
    target: str
    tag: TermOut | None
    stage: TermOut | None
    question: QuestionRefOut | None
    url: str = Field(description="The list of questions it covers, or the question")
    created_at: datetime

    @staticmethod
    def resolve_question(obj) -> dict | None:
        q = obj.question
        return {"id": q.pk, "title": q.title, "url": q.get_absolute_url()} if q else None

    @staticmethod
    def resolve_url(obj) -> str:
        if obj.target == "question" and obj.question_id:
            return f"/questions/{obj.question_id}/"
        if obj.target == "tag" and obj.tag_id:
            return f"/questions/?tag={obj.tag.slug}"
        if obj.target == "stage" and obj.stage_id:
            return f"/questions/?stage={obj.stage.slug}"
        return "/questions/?tab=following"


@router.get("/follows", response={200: list[FollowOut], **ERRORS}, summary="What you follow")
@paginate
def list_follows(request: HttpRequest, target: Literal["tag", "stage", "question"] | None = None):
    """Skill tags, stages and questions; new activity arrives per your notification settings.
    `target` filters: tag, stage or question."""
    policy.require(request.auth, "qa.follow")
    return selectors.follows_list(user=request.auth, target=target or "")


@router.post(
    "/follows",
    response={200: FollowOut, 201: FollowOut, **ERRORS},
    summary="Follow a skill tag, a stage or a question",
)
def create_follow(request: HttpRequest, payload: FollowIn):
    """201 when new; following again answers 200 with the same follow."""
    user = request.auth
    policy.require(user, "qa.follow")
    if payload.target == "question":
        text = str(payload.id)
        obj = None
        if text.isdigit():
            obj = Question.objects.visible_to(user).filter(pk=int(text)).first()
        if obj is None:
            raise ValidationError({"id": [f"No question {text}."]})
    else:
        model = SkillTag if payload.target == "tag" else SalesStage
        obj = lookup(model.objects.active(), payload.id, field="id", label=model._meta.verbose_name)
    lookup_kwargs = {"user": user, "target": payload.target, payload.target: obj}
    existed = Follow.objects.filter(**lookup_kwargs).exists()
    services.follow_set(user=user, target=payload.target, obj=obj, on=True)
    follow = Follow.objects.select_related("tag", "stage", "question").get(**lookup_kwargs)
    return Status(*created_or_existing(follow, not existed))


@router.delete("/follows/{follow_id}", response={204: None, **ERRORS}, summary="Stop following")
def delete_follow(request: HttpRequest, follow_id: int):
    policy.require(request.auth, "qa.follow")
    follow = Follow.objects.filter(pk=follow_id, user=request.auth).select_related("tag", "stage", "question").first()
    if follow is None:
        raise Http404("You do not follow that.")
    obj = getattr(follow, follow.target)
    services.follow_set(user=request.auth, target=follow.target, obj=obj, on=False)
    return Status(204, None)


# --- Reputation ----------------------------------------------------------------------------------


class ReputationReasonOut(Schema):
    kind: str
    label: str
    points: int
    count: int


class ReputationOut(Schema):
    person: PersonRefOut
    points: int
    breakdown: list[ReputationReasonOut] = Field(description="Points per reason, largest first")
    questions: int
    answers: int
    accepted_answers: int


class ContributorOut(Schema):
    person: PersonRefOut
    points: int = Field(description="Reputation earned since `since`")
    posts: int = Field(description="Questions and answers written since `since`")
    score: float = Field(description="The ranking score: points per post shrunk towards the team's mean")


class TopContributorsOut(Schema):
    since: datetime
    team_points_per_post: float = Field(description="The mean that small samples are pulled towards")
    prior_posts: int = Field(description="How many posts' weight that mean carries")
    people: int = Field(description="People who earned points or posted since `since`")
    items: list[ContributorOut]


@router.get(
    "/people/{username}/reputation",
    response={200: ReputationOut, **ERRORS},
    summary="A person's reputation and where it comes from",
)
def reputation(request: HttpRequest, username: str):
    """Points come from votes, accepted answers, proven techniques and peer reviews (see the README)."""
    policy.require(request.auth, "qa.view")
    person = get_user_model().objects.filter(username=username, is_active=True).first()
    if person is None:
        raise Http404("No such person.")
    data = selectors.reputation_summary(person=person)
    return {
        "person": person,
        "points": data["points"],
        "breakdown": [
            {"kind": r["kind"], "label": r["label"], "points": r["points"], "count": r["n"]} for r in data["breakdown"]
        ],
        "questions": data["question_total"],
        "answers": data["answer_total"],
        "accepted_answers": data["accepted_total"],
    }


@router.get(
    "/reputation/top",
    response={200: TopContributorsOut, **ERRORS},
    summary="Top contributors this month",
)
def top_contributors(request: HttpRequest, limit: int = Query(5, ge=1, le=50)):
    """Ranked by reputation earned this month, with small samples shrunk towards the team's mean so
    one lucky post cannot top the board. Three queries."""
    policy.require(request.auth, "qa.view")
    people, meta = reputation_module.top_contributors(limit=limit)
    return {
        "since": meta["since"],
        "team_points_per_post": meta["mean"],
        "prior_posts": meta["prior_posts"],
        "people": meta["people"],
        "items": [{"person": c.user, "points": c.points, "posts": c.posts, "score": c.score} for c in people],
    }


# --- Routes with a path parameter come last: /x/{id} must not shadow /x/summary and friends ---


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, summary="A question with its answers")
def get_question(request: HttpRequest, question_id: int):
    """With its answers (accepted first, then by score), votes, comments and the caller's own votes."""
    policy.require(request.auth, "qa.view")
    return _question_detail(question_id, request.auth)


@router.patch("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, summary="Edit a question")
def edit_question(request: HttpRequest, question_id: int, payload: QuestionPatchIn):
    """Its author, or a manager. Every edit is kept as a revision (`GET /posts/{id}/revisions`)."""
    user = request.auth
    question = selectors.question_get(pk=question_id, user=user)
    policy.require(user, "qa.edit", question)
    sent = payload.model_dump(exclude_unset=True)
    if "tags" in sent:
        tags, labels = services.split_tags(sent["tags"] or [])
    else:
        tags, labels = list(question.tags.all()), [label.name for label in question.labels.all()]
    deal_size = sent.get("deal_size", question.deal_size) or ""
    if deal_size and deal_size not in DealSize.values:
        raise ValidationError({"deal_size": [f"Use one of: {', '.join(DealSize.values)}."]})

    def term(name: str, model, label: str):
        if name not in sent:
            return getattr(question, name)
        return _resolve(model, sent[name], name, label)

    services.question_edit(
        question=question,
        editor=user,
        title=sent.get("title", question.title),
        body=sent.get("body", question.body),
        stage=term("stage", SalesStage, "sales stage"),
        persona=term("persona", BuyerPersona, "buyer persona"),
        tags=tags,
        labels=labels,
        deal_industry=term("deal_industry", Industry, "industry"),
        deal_size=deal_size,
        deal_stage=term("deal_stage", SalesStage, "sales stage"),
        summary=payload.summary,
    )
    return _question_detail(question.pk, user)
