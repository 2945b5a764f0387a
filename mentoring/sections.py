"""Mentoring's parts of the home page and the profile page (see core.sections).

Each context function runs a fixed number of queries and reads only stored data (matches
are computed ahead, never here).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts import policy

from . import selectors
from .models import CheckIn, Goal, Mentorship


def home_context(request: HttpRequest, subject=None) -> dict | None:
    user = request.user
    own = list(
        selectors.mentorships_base()
        .filter(mentee=user, status__in=Mentorship.SEATED)
        .prefetch_related("goals", "checkins")
    )
    active = next((m for m in own if m.status == Mentorship.Status.ACTIVE), None)
    pending = [m for m in own if m.status == Mentorship.Status.REQUESTED]
    now = timezone.now()
    ctx: dict = {"active": active, "pending": pending}
    if active is not None:
        ctx["next_checkin"] = next(
            (c for c in active.checkins.all() if c.status == CheckIn.Status.SCHEDULED and c.scheduled_for >= now), None
        )
        ctx["open_goals"] = [g for g in active.goals.all() if g.status in (Goal.Status.OPEN, Goal.Status.IN_PROGRESS)]
    elif user.is_new_hire and not pending:
        ctx["matches"] = selectors.matches_for(mentee=user, limit=3)
        ctx["seeking"] = True
    if user.is_mentor:
        ctx["requests_in"] = list(selectors.requests_for_mentor(user)[:5])
        ctx["mentees"] = list(
            selectors.mentorships_base().filter(mentor=user, status=Mentorship.Status.ACTIVE).order_by("started_at")
        )
    if policy.allowed(user, "mentoring.manage_programme"):
        ctx["programme_pending"] = Mentorship.objects.pending().count()
        ctx["is_manager"] = True
    if not (active or pending or ctx.get("seeking") or user.is_mentor or ctx.get("is_manager")):
        return None
    return ctx


def _may_ask(viewer, mentor) -> bool:
    """The button only where the request would go through (1 query): no request of the viewer's
    waiting, no active mentor (unless rated a poor fit), and this pair not declined, open or a poor fit."""
    rows = (
        Mentorship.objects.filter(mentee=viewer)
        .filter(Q(status__in=Mentorship.SEATED) | Q(mentor=mentor))
        .values_list("mentor_id", "status", "fit")
    )
    for mentor_id, status, fit in rows:
        if status == Mentorship.Status.REQUESTED or (status == Mentorship.Status.ACTIVE and fit != Mentorship.Fit.POOR):
            return False
        if mentor_id == mentor.pk and (status in (*Mentorship.SEATED, Mentorship.Status.DECLINED) or fit == "poor"):
            return False
    return True


def profile_context(request: HttpRequest, person) -> dict | None:
    viewer = request.user
    profile = selectors.mentor_profile_for(person) if person.is_mentor else None
    relations = []
    if viewer.pk == person.pk or policy.allowed(viewer, "mentoring.manage_programme"):
        relations = list(
            selectors.mentorships_base()
            .filter(status=Mentorship.Status.ACTIVE)
            .involving(person)
            .order_by("started_at")
        )
    if profile is None and not relations:
        return None
    free = max(profile.capacity - profile.seats_taken, 0) if profile else 0
    can_ask = (
        profile is not None
        and profile.accepting
        and free > 0
        and viewer.pk != person.pk
        and policy.allowed(viewer, "mentoring.request", viewer)
        and _may_ask(viewer, person)
    )
    return {
        "profile": profile,
        "free_seats": free,
        "can_ask": can_ask,
        "mentored_by": [m for m in relations if m.mentee_id == person.pk],
        "mentoring": [m for m in relations if m.mentor_id == person.pk],
    }
