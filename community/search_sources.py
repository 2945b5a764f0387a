"""What community content looks like to search (search knows no app's models; we register).

Registered from CommunityConfig.ready(): techniques, questions, answers and discussion threads.

Saving a registered model re-indexes it after commit (search.registry connects post_save and
post_delete). Many Q&A changes are queryset `.update()`s that send no signal (vote totals,
answer counts, accepting, hiding), and a change to a question changes its answers' documents
(title, facets, visibility): services call `schedule_posts()` / `schedule_techniques()` for
those, inside their transaction, so the outbox row commits with the change.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Case, CharField, Count, Max, Value, When
from django.utils.html import strip_tags
from django.utils.text import slugify

from core.markdown import render_markdown
from search import conf as search_conf
from search import services as search_services
from search.documents import Document, Term, Visibility
from search.registry import DealContext, DocumentSource, register, register_deal_provider

from .models import (
    Answer,
    Deal,
    DealSize,
    Evidence,
    Message,
    Practice,
    Question,
    TechniquePage,
    Thread,
    ThreadMember,
)
from .selectors import success_responses

# TechniquePage.lift is a DIFFERENCE of rates (community.techniques.stats: success rate with
# the technique minus the baseline's success rate at the same stages, both fractions, with
# Newcombe's interval), so +0.10 means ten percentage points better than baseline. Evidence
# strength, in [-1, 1], rewards what is shown to work and penalises what is shown to hurt:
#   proven     0.4 + 0.6 * min(1, lift_ci_low / FULL_STRENGTH_LIFT)   (0.4 .. 1)
#   promising  PROMISING_STRENGTH                                     (ahead, not proven)
#   worse      -(0.4 + 0.6 * min(1, -lift_ci_high / FULL_STRENGTH_LIFT)) (-0.4 .. -1)
#   otherwise  0 (not enough data, no better than baseline)
# The lower bound (not the raw rate or the point estimate) is what counts for proven ones:
# a lucky technique with few uses has a wide interval and a low bound.
FULL_STRENGTH_LIFT = 0.10
PROVEN_FLOOR = 0.4
PROMISING_STRENGTH = 0.15
# A deal context ("industry:healthcare", "size:mid", "stage:negotiation") counts as one the
# technique worked in after this many successful uses there.
MIN_SUCCESSES_IN_CONTEXT = 2
MANAGER_ROLE = "manager"


def plain_text(markdown_or_html: str) -> str:
    """Markdown (or HTML) as plain words, for indexing and snippets."""
    if not markdown_or_html:
        return ""
    text = strip_tags(render_markdown(markdown_or_html))
    return " ".join(html.unescape(text).split())


def html_text(cleaned_html: str) -> str:
    """Stored, cleaned HTML (a message's body_html) as plain words: no second Markdown pass."""
    return " ".join(html.unescape(strip_tags(cleaned_html or "")).split())


def evidence_strength(page: TechniquePage) -> float:
    """In [-1, 1], from the evidence label and the lift's interval (see FULL_STRENGTH_LIFT)."""
    if page.evidence == Evidence.PROVEN:
        low = max(0.0, page.lift_ci_low or 0.0)
        return PROVEN_FLOOR + (1 - PROVEN_FLOOR) * min(1.0, low / FULL_STRENGTH_LIFT)
    if page.evidence == Evidence.PROMISING:
        return PROMISING_STRENGTH
    if page.evidence == Evidence.WORSE:
        high = page.lift_ci_high
        margin = min(1.0, -high / FULL_STRENGTH_LIFT) if high is not None and high < 0 else 0.0
        return -(PROVEN_FLOOR + (1 - PROVEN_FLOOR) * margin)
    return 0.0


def technique_signal(page: TechniquePage) -> str:
    parts = [page.get_evidence_display()]
    if page.evidence in (Evidence.PROVEN, Evidence.PROMISING, Evidence.WORSE) and page.lift is not None:
        parts.append(f"{page.lift * 100:+.0f} pts vs baseline")
    if page.uses_count:
        parts.append(f"{page.uses_count} use{'s' if page.uses_count != 1 else ''}")
        if page.success_rate is not None:
            parts.append(f"{round(page.success_rate * 100)}% success")
    else:
        parts.append("not practised yet")
    return " · ".join(parts)


def _band_expression() -> Case:
    whens = []
    lower_bound_label = ""
    for upper, label in search_conf.get("DEAL_SIZE_BANDS"):
        if upper is None:
            lower_bound_label = label
        else:
            whens.append(When(deal__amount__lt=upper, then=Value(label)))
    if lower_bound_label:
        whens.append(When(deal__amount__isnull=False, then=Value(lower_bound_label)))
    return Case(*whens, default=Value(""), output_field=CharField())


class TechniqueSource(DocumentSource):
    doc_type = "technique"
    label = "Technique"
    label_plural = "Techniques"
    model = TechniquePage
    # A new practice can change where a technique "worked" (the deal-context boost).
    dependencies = ((Practice, lambda practice: [practice.technique_id]),)

    def get_queryset(self):
        return TechniquePage.objects.select_related("stage", "author").prefetch_related(
            "personas", "industries", "skills"
        )

    def to_documents(self, objs: Sequence[TechniquePage]) -> list[Document | None]:
        worked = self.worked_in([o.pk for o in objs])
        return [self.to_document(o, worked_in=worked.get(o.pk, ())) for o in objs]

    def worked_in(self, technique_ids: list[int]) -> dict[int, tuple[str, ...]]:
        """Deal contexts each technique succeeded in, from its practices (one query)."""
        if not technique_ids:
            return {}
        rows = (
            Practice.objects.filter(technique_id__in=technique_ids, response__in=success_responses())
            .annotate(band=_band_expression())
            .values("technique_id", "stage__slug", "deal__industry__slug", "band")
            .annotate(n=Count("id"))
        )
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in rows:
            contexts = counts[row["technique_id"]]
            if row["stage__slug"]:
                contexts[f"stage:{row['stage__slug']}"] += row["n"]
            if row["deal__industry__slug"]:
                contexts[f"industry:{row['deal__industry__slug']}"] += row["n"]
            if row["band"]:
                contexts[f"size:{row['band']}"] += row["n"]
        return {
            tid: tuple(sorted(k for k, n in contexts.items() if n >= MIN_SUCCESSES_IN_CONTEXT))
            for tid, contexts in counts.items()
        }

    def to_document(self, page: TechniquePage, worked_in: tuple[str, ...] = ()) -> Document | None:
        published = page.live and not page.expired
        body_parts = [page.summary]
        body_parts += [plain_text(text) for text in page.body.stream_block.get_searchable_content(page.body)]
        url = page.url if published else None
        return Document(
            type=self.doc_type,
            id=page.pk,
            title=page.title,
            url=url or (f"/techniques/{page.slug}/" if published else f"/cms/pages/{page.pk}/edit/"),
            body="\n".join(p for p in body_parts if p),
            tags=tuple(Term(s.slug, s.name) for s in page.skills.all()),
            stage=Term(page.stage.slug, page.stage.name) if page.stage_id else None,
            personas=tuple(Term(p.slug, p.name) for p in page.personas.all()),
            industries=tuple(Term(i.slug, i.name) for i in page.industries.all()),
            evidence=Term(page.evidence, page.get_evidence_display()),
            evidence_strength=round(evidence_strength(page), 4),
            published_at=page.first_published_at or page.latest_revision_created_at,
            worked_in=worked_in,
            # Drafts (never published, unpublished or expired) only for their author and managers.
            visibility=Visibility.MEMBERS if published else Visibility.RESTRICTED,
            allowed_users=() if published or not page.author_id else (page.author_id,),
            allowed_roles=() if published else (MANAGER_ROLE,),
            signal=technique_signal(page) if published else "Draft",
            author_id=page.author_id,
        )


# --- Questions and answers ----------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n in (1, -1) else 's'}"


def _post_access(*posts) -> tuple[Visibility, tuple[int, ...], tuple[str, ...]]:
    """Who may see a post that sits on one or more posts (an answer: its question and itself).

    A visible post is for every member; a hidden one only for its author and managers (the
    `qa.view_hidden` rule), so a post on hidden posts is for those who may see all of them.
    """
    hidden = [p for p in posts if p.hidden_reason]
    if not hidden:
        return Visibility.MEMBERS, (), ()
    authors = {p.author_id for p in hidden}
    users = (hidden[0].author_id,) if len(authors) == 1 and hidden[0].author_id else ()
    return Visibility.RESTRICTED, users, (MANAGER_ROLE,)


# A question's deal size is a range of contract values; search's size bands
# (settings.SEARCH["DEAL_SIZE_BANDS"]) are ranges of deal amounts. A question is about every
# band its range overlaps.
DEAL_SIZE_RANGES: dict[str, tuple[float, float | None]] = {
    DealSize.UNDER_25K: (0, 25_000),
    DealSize.FROM_25K: (25_000, 100_000),
    DealSize.FROM_100K: (100_000, 500_000),
    DealSize.FROM_500K: (500_000, 1_000_000),
    DealSize.OVER_1M: (1_000_000, None),
}


def deal_size_bands(deal_size: str) -> tuple[str, ...]:
    """Search's size bands for a question's deal size (none when it names no size)."""
    if deal_size not in DEAL_SIZE_RANGES:
        return ()
    return search_conf.deal_size_bands_between(*DEAL_SIZE_RANGES[deal_size])


def _question_terms(question: Question) -> dict:
    """Facets a question and its answers share: stage, persona, tags, the deal's industry and size."""
    stage = question.stage or question.deal_stage
    tags = [Term(t.slug, t.name) for t in question.tags.all()]
    tags += [Term(slugify(label.name) or label.name, label.name) for label in question.labels.all()]
    return {
        "stage": Term(stage.slug, stage.name) if stage else None,
        "personas": (Term(question.persona.slug, question.persona.name),) if question.persona_id else (),
        "industries": (
            (Term(question.deal_industry.slug, question.deal_industry.name),) if question.deal_industry_id else ()
        ),
        "deal_sizes": deal_size_bands(question.deal_size),
        "tags": tuple(dict.fromkeys(tags)),
    }


def question_signal(question: Question) -> str:
    parts = [_plural(question.score, "vote"), _plural(question.answer_count, "answer")]
    if question.accepted_answer_id:
        parts.append("accepted answer")
    if question.duplicate_of_id:
        parts.append("closed as a duplicate")
    if question.hidden_reason:
        parts.append("hidden")
    return " · ".join(parts)


class QuestionSource(DocumentSource):
    doc_type = "question"
    label = "Question"
    label_plural = "Questions"
    model = Question

    def get_queryset(self):
        return Question.objects.select_related("stage", "deal_stage", "persona", "deal_industry").prefetch_related(
            "tags", "labels"
        )

    def to_documents(self, questions: Sequence[Question]) -> list[Document | None]:
        ids = [q.pk for q in questions]
        best = dict(
            Answer.objects.filter(question_id__in=ids, hidden_reason="")
            .values("question_id")
            .annotate(best=Max("score"))
            .values_list("question_id", "best")
        )
        return [self.to_document(q, best_answer_votes=best.get(q.pk) or 0) for q in questions]

    def to_document(self, question: Question, best_answer_votes: int = 0) -> Document | None:
        visibility, users, roles = _post_access(question)
        return Document(
            type=self.doc_type,
            id=question.pk,
            title=question.title,
            url=question.get_absolute_url(),
            body=plain_text(question.body),
            # A question is worth finding when it was well asked AND well answered: its votes
            # plus its best answer's (the signal shown stays the question's own votes).
            votes=max(question.score, 0) + max(best_answer_votes, 0),
            answers=question.answer_count,
            accepted=bool(question.accepted_answer_id),
            published_at=question.created_at,
            visibility=visibility,
            allowed_users=users,
            allowed_roles=roles,
            signal=question_signal(question),
            author_id=question.author_id,
            **_question_terms(question),
        )


class AnswerSource(DocumentSource):
    """Answers are found within their question: same title, the question's facets, folded under it."""

    doc_type = "answer"
    label = "Answer"
    label_plural = "Answers"
    model = Answer
    shown_within_parent = True

    def get_queryset(self):
        return Answer.objects.select_related(
            "question__stage", "question__deal_stage", "question__persona", "question__deal_industry"
        ).prefetch_related("question__tags", "question__labels", "techniques")

    def to_document(self, answer: Answer) -> Document | None:
        question = answer.question
        visibility, users, roles = _post_access(question, answer)
        cited = [t.title for t in answer.techniques.all()]
        body = plain_text(answer.body)
        if cited:
            body += "\nTechniques cited: " + "; ".join(cited)
        parts = [_plural(answer.score, "vote")]
        if answer.is_accepted:
            parts.append("accepted")
        if answer.hidden_reason:
            parts.append("hidden")
        return Document(
            type=self.doc_type,
            id=answer.pk,
            title=question.title,
            url=answer.get_absolute_url(),
            body=body,
            votes=answer.score,
            accepted=answer.is_accepted,
            published_at=answer.created_at,
            visibility=visibility,
            allowed_users=users,
            allowed_roles=roles,
            signal=" · ".join(parts),
            author_id=answer.author_id,
            parent_type="question",
            parent_id=question.pk,
            parent_title=question.title,
            body_only=True,  # the question's title and tags are shown and filtered on, not matched
            **_question_terms(question),
        )


# --- Discussion threads -----------------------------------------------------------------------
#
# What is searchable: one document per thread (its title, topic and the text of its latest
# messages), so a discussion is found by what was said in it, and a hit links to the thread.
# Team rooms are for every member; a discussion under a technique or a question follows its
# page (a draft technique: author and managers; a hidden question: asker and managers);
# private threads (coaching threads of a mentorship, private rooms) are RESTRICTED to their
# members, exactly as the `discussion.view_thread` rule admits them (not even managers
# unless they are members). A public thread whose parent kind this module does not know is
# not indexed at all. Discussions fold under their technique or question when both match.

THREAD_MESSAGES = 200  # the latest messages of a thread that are indexed
THREAD_CHARS = 20_000


def _thread_dependency_ids(message_or_member) -> list[int]:
    return [message_or_member.thread_id]


def _threads_of(model_label: str):
    def resolve(obj) -> list[int]:
        threads = Thread.objects.filter(
            content_type__app_label="community", content_type__model=model_label, object_id=obj.pk
        )
        return list(threads.values_list("pk", flat=True))

    return resolve


class ThreadSource(DocumentSource):
    doc_type = "thread"
    label = "Discussion"
    label_plural = "Discussions"
    model = Thread
    dependencies = (
        (Message, _thread_dependency_ids),
        (ThreadMember, _thread_dependency_ids),
        (TechniquePage, _threads_of("techniquepage")),
        (Question, _threads_of("question")),
    )

    def get_queryset(self):
        return Thread.objects.select_related("content_type")

    def to_documents(self, threads: Sequence[Thread]) -> list[Document | None]:
        threads = list(threads)
        ids = [t.pk for t in threads]
        texts: dict[int, list[str]] = defaultdict(list)
        if ids:
            # The latest messages of each thread, newest first (one query).
            rows = (
                Message.objects.filter(thread_id__in=ids, deleted_at__isnull=True)
                .order_by("thread_id", "-seq")
                .values_list("thread_id", "body_html")  # rendered and cleaned when posted
            )
            for thread_id, body in rows.iterator(chunk_size=2000):
                if len(texts[thread_id]) < THREAD_MESSAGES:
                    texts[thread_id].append(body)
        members: dict[int, list[int]] = defaultdict(list)
        for thread_id, user_id in ThreadMember.objects.filter(thread_id__in=ids).values_list("thread_id", "user_id"):
            members[thread_id].append(user_id)
        by_kind: dict[str, set[int]] = defaultdict(set)
        for t in threads:
            if t.content_type_id and not t.is_private:
                by_kind[t.content_type.model].add(t.object_id)
        techniques = TechniquePage.objects.in_bulk(by_kind.get("techniquepage", ()))
        questions = Question.objects.only("pk", "title", "author_id", "hidden_reason").in_bulk(
            by_kind.get("question", ())
        )
        parents = {"techniquepage": techniques, "question": questions}
        return [self.to_document(t, texts.get(t.pk, []), members.get(t.pk, []), parents) for t in threads]

    def to_document(self, thread: Thread, messages=(), member_ids=(), parents=None) -> Document | None:
        parent_type, parent_id, parent_title = "", None, ""
        url = thread.get_absolute_url()
        if thread.is_private:
            if not member_ids:
                return None  # nobody may see it
            visibility, users, roles = Visibility.RESTRICTED, tuple(sorted(member_ids)), ()
        elif not thread.content_type_id:
            visibility, users, roles = Visibility.MEMBERS, (), ()
        else:
            if not messages:
                return None  # a page's discussion with nothing said yet: only its page's title to find
            model = thread.content_type.model
            parent = (parents or {}).get(model, {}).get(thread.object_id)
            if parent is None:
                return None  # an unknown kind of parent, or a vanished one: not searchable
            if model == "techniquepage":
                published = parent.live and not parent.expired
                visibility = Visibility.MEMBERS if published else Visibility.RESTRICTED
                users = () if published or not parent.author_id else (parent.author_id,)
                roles = () if published else (MANAGER_ROLE,)
                parent_type, parent_title = "technique", parent.title
            else:
                visibility, users, roles = _post_access(parent)
                parent_type, parent_title = "question", parent.title
            parent_id = parent.pk
        body = "\n".join(html_text(m) for m in messages)[:THREAD_CHARS]
        if thread.topic:
            body = f"{thread.topic}\n{body}"
        signal = [_plural(thread.message_count, "message")]
        if thread.is_private:
            signal.append("private")
        if thread.archived_at:
            signal.append("archived")
        return Document(
            type=self.doc_type,
            id=thread.pk,
            title=thread.title,
            url=url,
            body=body,
            published_at=thread.last_message_at or thread.created_at,
            visibility=visibility,
            allowed_users=users,
            allowed_roles=roles,
            signal=" · ".join(signal),
            parent_type=parent_type,
            parent_id=parent_id,
            parent_title=parent_title,
        )


# --- Scheduling what signals do not cover -------------------------------------------------------


def schedule_posts(*, question_ids: Iterable[int] = (), answer_ids: Iterable[int] = ()) -> None:
    """Re-index posts whose documents changed without a save of their own model.

    A question's change (title, tags, stage, visibility) reaches its answers and its
    discussion, which carry its title, facets and visibility; an answer's change (votes,
    accepted, hidden) reaches its question (answer count, accepted). Call inside the
    transaction that changed them: the outbox rows commit with the change.
    """
    question_ids = {int(i) for i in question_ids}
    answer_ids = {int(i) for i in answer_ids}
    parents: set[int] = set()
    if answer_ids:
        parents = set(Answer.objects.filter(pk__in=answer_ids).values_list("question_id", flat=True))
    if question_ids:
        answer_ids |= set(Answer.objects.filter(question_id__in=question_ids).values_list("pk", flat=True))
        thread_ids = Thread.objects.filter(
            content_type__app_label="community", content_type__model="question", object_id__in=question_ids
        ).values_list("pk", flat=True)
        search_services.schedule("thread", sorted(thread_ids))
    search_services.schedule("question", sorted(question_ids | parents))
    search_services.schedule("answer", sorted(answer_ids))


def schedule_techniques(technique_ids: Iterable[int]) -> None:
    """Re-index techniques whose stored numbers changed without a save (statistics)."""
    search_services.schedule("technique", sorted({int(i) for i in technique_ids}))


def open_deals(user) -> list[DealContext]:
    """The user's open deals, as contexts for "for my deal" on the search page."""
    if not getattr(user, "is_authenticated", False):
        return []
    deals = Deal.objects.filter(owner=user, status=Deal.Status.OPEN).select_related("stage", "industry")[:20]
    out = []
    for deal in deals:
        details = [d for d in (deal.stage.name if deal.stage else "", _amount(deal)) if d]
        label = f"{deal.name} ({', '.join(details)})" if details else deal.name
        out.append(
            DealContext(
                key=str(deal.pk),
                label=label,
                stage=deal.stage.slug if deal.stage else "",
                industry=deal.industry.slug if deal.industry else "",
                size=search_conf.deal_size_band(deal.amount),
            )
        )
    return out


def _amount(deal: Deal) -> str:
    if deal.amount is None:
        return ""
    value = float(deal.amount)
    return f"{deal.currency} {value / 1000:,.0f}k" if value >= 1000 else f"{deal.currency} {value:,.0f}"


def register_sources() -> None:
    register(TechniqueSource())
    register(QuestionSource())
    register(AnswerSource())
    register(ThreadSource())
    register_deal_provider(open_deals)
