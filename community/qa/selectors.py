"""Read paths for questions and answers; querysets carry their joins (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts import policy
from community.models import (
    Answer,
    AnswerCitation,
    Comment,
    Flag,
    Follow,
    FollowTarget,
    Post,
    PostKind,
    PostRevision,
    Question,
    QuestionRouting,
    Vote,
)

TABS = {
    "newest": "Newest",
    "active": "Active",
    "unanswered": "Unanswered",
    "votes": "Top voted",
    "mine": "My questions",
    "asked": "Asked to me",
    "following": "Following",
}


def questions_base() -> QuerySet[Question]:
    """Questions with what a list row shows: asker (and reputation), stage, persona, tags."""
    return Question.objects.select_related("author__reputation", "stage", "persona").prefetch_related(
        "tags",
        "labels",
    )


def questions_list(
    *, user, tab: str = "newest", tag: str = "", stage: str = "", persona: str = ""
) -> QuerySet[Question]:
    """One of the list tabs, filtered by skill tag (slug) or free-form tag, stage and persona.

    Hidden questions appear only in their author's "My questions" (and for managers).
    """
    qs = questions_base()
    # Hidden questions: in their author's "My questions", and for managers everywhere.
    if tab == "mine":
        qs = qs.filter(author=user)
    else:
        qs = qs.visible_to(user) if policy.allowed(user, "qa.moderate") else qs.visible()
    if tab == "unanswered":
        qs = qs.unanswered()
    elif tab == "asked":
        qs = qs.filter(routings__user=user)
    elif tab == "following":
        follows = Follow.objects.filter(user=user)
        qs = qs.filter(
            Q(pk__in=follows.filter(target=FollowTarget.QUESTION).values("question_id"))
            | Q(tags__in=follows.filter(target=FollowTarget.TAG).values("tag_id"))
            | Q(stage_id__in=follows.filter(target=FollowTarget.STAGE).values("stage_id"))
        ).distinct()
    if tag:
        qs = qs.filter(Q(tags__slug=tag) | Q(labels__name=tag)).distinct()
    if stage:
        qs = qs.filter(stage__slug=stage)
    if persona:
        qs = qs.filter(persona__slug=persona)
    order = {
        "active": ("-last_activity_at", "-post_ptr_id"),
        "votes": ("-score", "-created_at"),
    }.get(tab, ("-created_at", "-post_ptr_id"))
    return qs.order_by(*order)


def routed_names(questions) -> dict[int, list]:
    """{question id: [people asked]} for a page of questions (one query)."""
    out: dict[int, list] = defaultdict(list)
    ids = [q.pk for q in questions]
    for r in QuestionRouting.objects.filter(question_id__in=ids).select_related("user"):
        out[r.question_id].append(r.user)
    return out


@dataclass
class QuestionPage:
    question: Question
    answers: list[Answer]
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    my_votes: dict[int, int] = field(default_factory=dict)
    my_flags: set[int] = field(default_factory=set)
    routings: list[QuestionRouting] = field(default_factory=list)
    following: bool = False
    hidden_answers: int = 0


def question_get(*, pk: int, user) -> Question:
    """The question with its joins; raises Question.DoesNotExist when it is hidden from `user`."""
    return (
        questions_base()
        .select_related("deal_industry", "deal_stage", "duplicate_of", "edited_by")
        .visible_to(user)
        .get(pk=pk)
    )


def question_page(*, pk: int, user, after: int | None = None) -> QuestionPage:
    """Everything the question page (and the API's detail) shows, in a fixed number of queries.

    Answers come accepted first, then by score, then oldest first. With `after`, only the
    answers with a greater id (the ones an open page has not shown yet), oldest first.
    """
    question = question_get(pk=pk, user=user)
    answers_qs = (
        Answer.objects.filter(question=question)
        .visible_to(user)
        .select_related("author__reputation", "edited_by")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=AnswerCitation.objects.select_related("technique").order_by("position", "id"),
            )
        )
        .order_by("-is_accepted", "-score", "created_at", "post_ptr_id")
    )
    if after is not None:
        answers_qs = answers_qs.filter(pk__gt=after).order_by("post_ptr_id")
    answers = list(answers_qs)
    post_ids = [question.pk] + [a.pk for a in answers]
    comments: dict[int, list[Comment]] = defaultdict(list)
    for c in comments_for(post_ids=post_ids, user=user):
        comments[c.post_id].append(c)
    my_votes = dict(Vote.objects.filter(user=user, post_id__in=post_ids).values_list("post_id", "value"))
    my_flags = set(
        Flag.objects.filter(user=user, post_id__in=post_ids, resolution="").values_list("post_id", flat=True)
    )
    routings = list(QuestionRouting.objects.filter(question=question).select_related("user__reputation"))
    following = Follow.objects.filter(user=user, target=FollowTarget.QUESTION, question=question).exists()
    return QuestionPage(
        question=question,
        answers=answers,
        comments=dict(comments),
        my_votes=my_votes,
        my_flags=my_flags,
        routings=routings,
        following=following,
    )


def comments_for(*, post_ids: list[int], user) -> QuerySet[Comment]:
    """Comments on these posts, oldest first; a comment hidden by a manager shows only to
    managers and to its author (as a hidden post does)."""
    qs = Comment.objects.filter(post_id__in=post_ids).select_related("author__reputation").order_by("created_at", "pk")
    if not policy.allowed(user, "qa.moderate_comment"):
        shown = Q(is_hidden=False)
        if user is not None and user.is_authenticated:
            shown |= Q(author_id=user.pk)
        qs = qs.filter(shown)
    return qs


def comment_visible(*, pk: int, user) -> Comment:
    """The comment with its post, or Comment.DoesNotExist when it does not exist or is hidden
    from `user`: a comment is only as visible as its post, and a hidden one shows only to its
    author and managers."""
    comment = Comment.objects.select_related("author__reputation").filter(pk=pk).first()
    if comment is None:
        raise Comment.DoesNotExist("No such comment.")
    own = user is not None and user.is_authenticated and comment.author_id == user.pk
    if comment.is_hidden and not (own or policy.allowed(user, "qa.moderate_comment")):
        raise Comment.DoesNotExist("No such comment.")
    try:
        comment.post = post_visible(pk=comment.post_id, user=user)
    except Post.DoesNotExist as exc:
        raise Comment.DoesNotExist("No such comment.") from exc
    return comment


def post_get(*, pk: int) -> Post:
    return Post.objects.select_related("author").get(pk=pk)


def post_visible(*, pk: int, user) -> Post:
    """The post (question or answer), or Post.DoesNotExist when it does not exist or is hidden
    from `user` (hidden posts: their author and managers only)."""
    post = post_get(pk=pk)
    if post.is_hidden and not policy.allowed(user, "qa.view_hidden", post):
        raise Post.DoesNotExist("No such question or answer.")
    if question_hidden_from(post=post, user=user):
        raise Post.DoesNotExist("No such question or answer.")
    return post


def question_hidden_from(*, post: Post, user) -> bool:
    """True when `post` is an answer whose question is hidden from `user`: an answer is only
    as visible as its question (one query for answers, none for questions)."""
    if post.kind != PostKind.ANSWER:
        return False
    question = Question.objects.filter(answers__pk=post.pk).only("hidden_reason", "author", "kind").first()
    return question is not None and question.is_hidden and not policy.allowed(user, "qa.view_hidden", question)


def question_id_of(post: Post) -> int:
    """The question a post belongs to (itself for a question)."""
    if post.kind == PostKind.QUESTION:
        return post.pk
    return Answer.objects.values_list("question_id", flat=True).get(pk=post.pk)


def revisions_for(*, post: Post) -> list[PostRevision]:
    return list(PostRevision.objects.filter(post=post).select_related("editor__reputation").order_by("number"))


def follows_list(*, user, target: str = "") -> QuerySet[Follow]:
    """What `user` follows, newest first; questions since hidden from them are left out."""
    qs = Follow.objects.filter(user=user).select_related("tag", "stage", "question")
    if target:
        qs = qs.filter(target=target)
    if not policy.allowed(user, "qa.moderate"):
        qs = qs.filter(Q(question__isnull=True) | Q(question__hidden_reason="") | Q(question__author=user))
    return qs.order_by("-created_at", "-pk")


def moderation_queue() -> list[dict]:
    """Posts with open flags (or hidden by flags), most flagged first, with their flags."""
    flags = list(
        Flag.objects.filter(resolution="").select_related("user", "post__author").order_by("post_id", "created_at")
    )
    by_post: dict[int, dict] = {}
    for f in flags:
        entry = by_post.setdefault(f.post_id, {"post": f.post, "flags": [], "trusted": 0})
        entry["flags"].append(f)
        entry["trusted"] += int(f.trusted)
    # The question each post belongs to (titles for answers), in one query each.
    post_ids = list(by_post)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=post_ids)}
    answer_q = dict(Answer.objects.filter(pk__in=post_ids).values_list("pk", "question_id"))
    parents = {q.pk: q for q in Question.objects.filter(pk__in=set(answer_q.values()))}
    for pid, entry in by_post.items():
        entry["question"] = questions.get(pid) or parents.get(answer_q.get(pid))
        entry["is_question"] = pid in questions
    return sorted(by_post.values(), key=lambda e: (-e["post"].is_hidden, -len(e["flags"]), e["post"].pk))


def follows_for(*, user) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {"tag": set(), "stage": set(), "question": set()}
    for target, tag_id, stage_id, question_id in Follow.objects.filter(user=user).values_list(
        "target", "tag_id", "stage_id", "question_id"
    ):
        out[target].add({"tag": tag_id, "stage": stage_id, "question": question_id}[target])
    return out


def unanswered_for(*, user, limit: int = 5) -> list[Question]:
    """Open, unanswered questions routed to `user`, else matching their expertise."""
    routed = Exists(QuestionRouting.objects.filter(question=OuterRef("pk"), user=user))
    qs = (
        questions_base()
        .visible()
        .unanswered()
        .exclude(author=user)
        .annotate(routed_to_me=routed)
        .filter(Q(routed_to_me=True) | Q(tags__in=user.expertise.all()))
        .distinct()
        .order_by("-routed_to_me", "-created_at")
    )
    return list(qs[:limit])


def reputation_summary(*, person) -> dict:
    """A person's reputation total, its breakdown by reason, and their Q&A counts (5 queries)."""
    from django.db.models import Count, Sum

    from community.models import Reputation, ReputationEvent

    points = Reputation.objects.filter(user=person).values_list("points", flat=True).first() or 0
    labels = dict(ReputationEvent.Kind.choices)
    breakdown = [
        {**row, "label": labels.get(row["kind"], row["kind"])}
        for row in ReputationEvent.objects.filter(user=person)
        .values("kind")
        .annotate(points=Sum("points"), n=Count("id"))
        .order_by("-points", "kind")
    ]
    counts = (
        Answer.objects.visible()
        .filter(author=person)
        .aggregate(total=Count("pk"), accepted=Count("pk", filter=Q(is_accepted=True)))
    )
    return {
        "points": points,
        "breakdown": breakdown,
        "answer_total": counts["total"],
        "accepted_total": counts["accepted"],
        "question_total": Question.objects.visible().filter(author=person).count(),
    }
