"""The home and profile sections of questions and answers (see core.sections)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts import policy
from community.models import Answer, Question

from . import selectors


def home_for_you(request: HttpRequest, subject) -> dict | None:
    """Unanswered questions routed to the person, or in their expertise (three queries)."""
    user = request.user
    if not user.is_authenticated:
        return None
    questions = selectors.unanswered_for(user=user, limit=5)
    if not questions and not policy.allowed(user, "qa.answerer"):
        return None
    return {"questions": questions}


def home_new(request: HttpRequest, subject) -> dict | None:
    if not request.user.is_authenticated:
        return None
    return {"questions": list(selectors.questions_base().visible().order_by("-created_at", "-post_ptr_id")[:6])}


def profile(request: HttpRequest, person) -> dict | None:
    """A person's reputation, its breakdown, and their latest questions and answers."""
    if person is None:
        return None
    summary = selectors.reputation_summary(person=person)
    questions = list(
        Question.objects.visible().filter(author=person).select_related("stage").order_by("-created_at")[:5]
    )
    answers = list(
        Answer.objects.visible()
        .filter(author=person, question__hidden_reason="")
        .select_related("question")
        .order_by("-created_at")[:5]
    )
    if not (summary["points"] or questions or answers):
        return None
    return {**summary, "questions": questions, "answers": answers}


def register() -> None:
    from core import sections

    sections.register(
        "home", "qa.for_you", template="community/qa/sections/home_for_you.html", context=home_for_you, order=20
    )
    sections.register("home", "qa.new", template="community/qa/sections/home_new.html", context=home_new, order=30)
    sections.register("profile", "qa", template="community/qa/sections/profile.html", context=profile, order=30)
