"""Connects the techniques area to the rest of the product (called from CommunityConfig.ready):
the post_migrate setup, the home and profile sections, and the periodic statistics rebuild."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_migrate
from django.http import HttpRequest

from core import periodic, sections


def home_new_techniques(request: HttpRequest, subject) -> dict | None:
    from accounts import policy

    from .selectors import new_techniques

    if not policy.allowed(request.user, "techniques.view"):
        return None
    return {"techniques": new_techniques(5), "can_share": policy.allowed(request.user, "techniques.submit")}


def home_followups(request: HttpRequest, subject) -> dict | None:
    """ "What happened?" prompts and deals waiting for an answer (hidden when there are none)."""
    from community.models import Practice, Response

    if not request.user.is_authenticated:
        return None
    pending = list(
        Practice.objects.filter(rep=request.user, response=Response.PENDING)
        .filter(~Q(suggested_response=""))
        .select_related("technique", "deal")
        .order_by("-practised_at")[:5]
    )
    return {"followups": pending} if pending else None


def profile_techniques(request: HttpRequest, person) -> dict | None:
    from .selectors import techniques_by

    techniques = techniques_by(person, limit=10)
    if not techniques:
        return None
    return {"techniques": techniques, "person": person}


def setup() -> None:
    from . import setup as database_setup
    from . import signals
    from .tasks import recompute_all

    signals.connect()
    post_migrate.connect(database_setup.ensure_all, dispatch_uid="community.techniques.setup")
    sections.register(
        "home",
        "practice_followups",
        template="community/techniques/sections/home_followups.html",
        context=home_followups,
        order=5,
    )
    sections.register(
        "home",
        "new_techniques",
        template="community/techniques/sections/home_new.html",
        context=home_new_techniques,
        order=10,
    )
    sections.register(
        "profile",
        "techniques",
        template="community/techniques/sections/profile_techniques.html",
        context=profile_techniques,
        order=10,
    )
    periodic.register("community.recompute_outcomes", recompute_all, every="daily", at_hour=3)
