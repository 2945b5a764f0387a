"""Pluggable signals from other capabilities: evidence for matching, questions for the dashboard.

Mentoring reads the rest of the product through these small functions so that a capability
that lands later plugs in without touching the matcher or the templates. Which function is
used is a setting (dotted path), see conf.py:

    MENTORING_EVIDENCE_PROVIDERS = {"techniques": "...technique_evidence", "answers": "...answer_evidence"}
    MENTORING_QUESTIONS_PROVIDER = "...questions_asked"

Contracts (each runs a FIXED number of queries, whatever the number of people):

- evidence provider: `fn(mentor_ids: Sequence[int]) -> list[matching.EvidenceItem]`
- questions provider: `fn(user_ids: Sequence[int], *, limit: int) -> dict[int, list[QuestionRef]]`
  (the most recent `limit` questions each person asked, newest first).

`answer_evidence` and `questions_asked` read the Q&A models (accepted answers, questions
asked); hidden posts never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import import_string

from . import conf
from .matching import EvidenceItem

EVIDENCE_WEIGHTS = {"proven": 1.0, "promising": 0.5}


@dataclass(frozen=True)
class QuestionRef:
    """A question a mentee asked, as the mentor dashboard shows it."""

    title: str
    url: str
    asked_at: datetime
    answers: int = 0
    accepted: bool = False


def technique_evidence(mentor_ids: Sequence[int]) -> list[EvidenceItem]:
    """The mentors' published techniques whose evidence is proven or promising (2 queries)."""
    from community.models import Evidence, TechniquePage

    rows = list(
        TechniquePage.objects.live()
        .filter(author_id__in=list(mentor_ids), evidence__in=[Evidence.PROVEN, Evidence.PROMISING])
        .order_by()
        .values_list("id", "author_id", "stage_id", "evidence")
    )
    if not rows:
        return []
    skills: dict[int, set[int]] = defaultdict(set)
    through = TechniquePage.skills.through
    for technique_id, skill_id in through.objects.filter(techniquepage_id__in=[r[0] for r in rows]).values_list(
        "techniquepage_id", "skilltag_id"
    ):
        skills[technique_id].add(skill_id)
    return [
        EvidenceItem(
            kind="technique",
            owner_id=author_id,
            skill_ids=frozenset(skills[tid]),
            stage_id=stage_id,
            weight=EVIDENCE_WEIGHTS[evidence],
            label=evidence,
        )
        for tid, author_id, stage_id, evidence in rows
    ]


def answer_evidence(mentor_ids: Sequence[int]) -> list[EvidenceItem]:
    """The mentors' accepted answers on visible questions, one item each (2 queries)."""
    from community.models import Answer, Question

    rows = list(
        Answer.objects.filter(author_id__in=list(mentor_ids), is_accepted=True, hidden_reason="")
        .filter(question__hidden_reason="")
        .order_by()
        .values_list("id", "author_id", "question_id", "question__stage_id")
    )
    if not rows:
        return []
    tags: dict[int, set[int]] = defaultdict(set)
    for question_id, tag_id in Question.tags.through.objects.filter(question_id__in={r[2] for r in rows}).values_list(
        "question_id", "skilltag_id"
    ):
        tags[question_id].add(tag_id)
    return [
        EvidenceItem(
            kind="answer",
            owner_id=author_id,
            skill_ids=frozenset(tags[question_id]),
            stage_id=stage_id,
            weight=1.0,
            label="accepted",
        )
        for _, author_id, question_id, stage_id in rows
    ]


def questions_asked(user_ids: Sequence[int], *, limit: int = 3) -> dict[int, list[QuestionRef]]:
    """The visible questions each person asked, newest first, at most `limit` each (1 query)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber
    from django.urls import reverse

    from community.models import Question

    rows = (
        Question.objects.filter(author_id__in=list(user_ids), hidden_reason="")
        .annotate(rank=Window(RowNumber(), partition_by=[F("author_id")], order_by=F("created_at").desc()))
        .filter(rank__lte=limit)
        .order_by("author_id", "-created_at")
        .values_list("pk", "author_id", "title", "created_at", "answer_count", "accepted_answer_id")
    )
    out: dict[int, list[QuestionRef]] = defaultdict(list)
    for pk, author_id, title, created_at, answers, accepted_id in rows:
        out[author_id].append(
            QuestionRef(
                title=title,
                url=reverse("qa:detail", args=[pk]),
                asked_at=created_at,
                answers=answers,
                accepted=accepted_id is not None,
            )
        )
    return dict(out)


def evidence_providers() -> dict[str, Callable[[Sequence[int]], list[EvidenceItem]]]:
    return {name: import_string(path) for name, path in conf.get("MENTORING_EVIDENCE_PROVIDERS").items() if path}


def load_evidence(mentor_ids: Sequence[int]) -> list[EvidenceItem]:
    items: list[EvidenceItem] = []
    for provider in evidence_providers().values():
        items.extend(provider(mentor_ids))
    return items


def questions_provider() -> Callable[..., dict[int, list[QuestionRef]]] | None:
    path = conf.get("MENTORING_QUESTIONS_PROVIDER")
    return import_string(path) if path else None


def has_questions() -> bool:
    """True once a questions provider that can return anything is configured."""
    return questions_provider() is not None
