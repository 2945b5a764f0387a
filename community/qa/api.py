"""The questions-and-answers API: /questions, /questions/{id}, /questions/{id}/answers,
/posts/{id}/vote and /answers/{id}/accept.

A *post* is a question or an answer; both share one id space (the `Post` table), so
`/posts/{id}/vote` needs no type. Errors follow core.api: 404 for what does not exist or is
hidden from the caller, 403 with a sentence when the policy refuses, 422 with field errors,
429 (with Retry-After) when a new account posts too fast.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts import policy
from community.models import Answer, DealSize, Question
from core.api import COMMON_ERRORS, ErrorOut
from taxonomy.models import BuyerPersona, Industry, SalesStage

from . import selectors, services

router = Router(tags=["questions"])

ERRORS = {**COMMON_ERRORS, 429: ErrorOut}


# --- Schemas ------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    reputation: int
    url: str


class TermOut(Schema):
    id: int
    slug: str
    name: str


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
    author: PersonOut | None
    body: str
    body_html: str
    created_at: datetime


class AnswerOut(Schema):
    id: int = Field(description="The post id (votes use it)")
    url: str
    question_id: int
    author: PersonOut | None
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
    author: PersonOut | None
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
    asked_to: list[PersonOut]
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
    value: int = Field(description="1 (up), -1 (down) or 0 (withdraw)")


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
        {"id": c.pk, "author": _person(c.author), "body": c.body, "body_html": c.body_html, "created_at": c.created_at}
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


@router.get("/questions", response=list[QuestionSummaryOut], summary="Questions, newest first (or a tab)")
@paginate
def list_questions(request: HttpRequest, tab: str = "newest", tag: str = "", stage: str = "", persona: str = ""):
    """Tabs: `newest`, `active`, `unanswered`, `votes`, `mine`, `asked` (asked to me), `following`.
    Filter by `tag` (skill tag slug or free-form tag), `stage` and `persona` (slugs)."""
    policy.require(request.auth, "qa.view")
    if tab not in selectors.TABS:
        raise ValidationError({"tab": [f"Unknown tab “{tab}”; use one of: {', '.join(selectors.TABS)}."]})
    qs = selectors.questions_list(user=request.auth, tab=tab, tag=tag, stage=stage, persona=persona)
    return _Shaped(qs.prefetch_related("routings__user__reputation"))


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


@router.post("/questions", response={201: QuestionOut, **ERRORS}, summary="Ask a question (routes it)")
def create_question(request: HttpRequest, payload: QuestionIn):
    user = request.auth
    policy.require(user, "qa.ask")
    tags, labels = services.split_tags(payload.tags)
    if payload.deal_size and payload.deal_size not in DealSize.values:
        raise ValidationError({"deal_size": [f"Use one of: {', '.join(DealSize.values)}."]})
    try:
        question = services.question_create(
            author=user,
            title=payload.title,
            body=payload.body,
            stage=_resolve(SalesStage, payload.stage, "stage", "sales stage"),
            persona=_resolve(BuyerPersona, payload.persona, "persona", "buyer persona"),
            tags=tags,
            labels=labels,
            deal_industry=_resolve(Industry, payload.deal_industry, "deal_industry", "industry"),
            deal_size=payload.deal_size,
            deal_stage=_resolve(SalesStage, payload.deal_stage, "deal_stage", "sales stage"),
        )
    except services.RateLimited as exc:
        return _rate_limited(exc)
    return Status(201, _question_detail(question.pk, user))


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, summary="A question with its answers")
def get_question(request: HttpRequest, question_id: int):
    """With its answers (accepted first, then by score), votes, comments and the caller's own votes."""
    policy.require(request.auth, "qa.view")
    return _question_detail(question_id, request.auth)


@router.post("/questions/{question_id}/answers", response={201: AnswerOut, **ERRORS}, summary="Answer a question")
def create_answer(request: HttpRequest, question_id: int, payload: AnswerIn):
    user = request.auth
    question = selectors.question_get(pk=question_id, user=user)
    policy.require(user, "qa.answer", question)
    techniques = services.resolve_techniques(payload.technique_ids)
    try:
        answer = services.answer_create(question=question, author=user, body=payload.body, techniques=techniques)
    except services.RateLimited as exc:
        return _rate_limited(exc)
    detail = _question_detail(question.pk, user)
    return Status(201, next(a for a in detail["answers"] if a["id"] == answer.pk))


@router.post("/posts/{post_id}/vote", response={200: VoteOut, **ERRORS}, summary="Vote on a question or answer")
def vote(request: HttpRequest, post_id: int, payload: VoteIn):
    """`value` 1 votes up, -1 down, 0 withdraws the caller's vote. One vote per person per post,
    changeable; never on your own post (403)."""
    post, mine = services.vote_cast(post_id=post_id, user=request.auth, value=payload.value)
    return {
        "post_id": post.pk,
        "score": post.score,
        "upvotes": post.upvotes,
        "downvotes": post.downvotes,
        "my_vote": mine,
    }


@router.post("/answers/{answer_id}/accept", response={200: AcceptOut, **ERRORS}, summary="Accept an answer")
def accept(request: HttpRequest, answer_id: int):
    """Only the asker (or a manager) may accept; accepting another answer moves the mark."""
    user = request.auth
    answer = Answer.objects.visible_to(user).select_related("question", "author").get(pk=answer_id)
    if answer.question.is_hidden and not policy.allowed(user, "qa.view_hidden", answer.question):
        raise Answer.DoesNotExist
    services.answer_accept(answer=answer, user=user)
    return {"question_id": answer.question_id, "accepted_answer_id": answer.pk}
