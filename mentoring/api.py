"""Mentoring API under /api/v1/mentoring (paths in issue 6 are a public contract).

Ranked matches, requests and their answers, mentorships with goals, check-ins and fit, and
the manager's cohort assignment (propose, review, confirm). Permission checks go through
accounts.policy; a mentorship the caller may not know about answers 404, an action the
caller may not take on one they can see answers 403; a state that does not allow the change
answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts import policy
from accounts.models import User
from core.api import COMMON_ERRORS, Conflict, ErrorOut, created_or_existing
from taxonomy.models import SkillTag

from . import selectors, services
from .models import AssignmentProposal, CheckIn, Goal, Mentorship

router = Router(tags=["mentoring"])
ERRORS = {**COMMON_ERRORS, 409: ErrorOut}


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; a state conflict becomes 409."""
    try:
        return fn(**kwargs)
    except services.Conflict as exc:
        raise Conflict(str(exc)) from exc


# --- Schemas -----------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    url: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class MentorOut(PersonOut):
    title: str
    region: str
    timezone: str


class MatchOut(Schema):
    mentor: MentorOut
    score: float = Field(..., description="0-100: the weighted mean of the parts.")
    parts: dict[str, float] = Field(..., description="Each part of the score in [0, 1] (see the README).")
    reasons: list[str]
    reasons_text: str
    capacity: int
    remaining_capacity: int
    computed_at: datetime

    @staticmethod
    def resolve_remaining_capacity(obj) -> int:
        return max(obj.capacity - obj.seats_taken, 0)


class MentorshipOut(Schema):
    id: int
    url: str
    status: str
    origin: str
    mentee: PersonOut
    mentor: PersonOut
    requested_by: PersonOut | None
    message: str
    message_html: str
    match_score: float | None
    match_reasons: list[str]
    decline_reason: str
    end_reason: str
    fit: str
    manager_access: bool
    created_at: datetime
    responded_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class SkillOut(Schema):
    id: int
    name: str


class GoalOut(Schema):
    id: int
    mentorship_id: int
    title: str
    skill: SkillOut | None
    target_date: date | None
    status: str
    created_at: datetime
    updated_at: datetime


class CheckInOut(Schema):
    id: int
    mentorship_id: int
    scheduled_for: datetime
    status: str
    agenda: str
    notes: str
    notes_html: str
    next_steps: str
    next_steps_html: str
    completed_at: datetime | None


class FitOut(Schema):
    rater: PersonOut
    rating: int
    comment: str
    created_at: datetime


class MentorshipDetailOut(MentorshipOut):
    private: bool = Field(..., description="False when the caller may see only the pairing, not its content.")
    goals: list[GoalOut] | None
    checkins: list[CheckInOut] | None
    fit_ratings: list[FitOut] | None

    @staticmethod
    def resolve_goals(obj) -> list | None:
        return list(obj.goals.all()) if obj.private else None

    @staticmethod
    def resolve_checkins(obj) -> list | None:
        return list(obj.checkins.all()) if obj.private else None

    @staticmethod
    def resolve_fit_ratings(obj) -> list | None:
        return list(obj.fit_ratings.all()) if obj.private else None


class RequestIn(Schema):
    mentor_id: int
    mentee_id: int | None = Field(None, description="Managers may ask on a mentee's behalf; default: the caller.")
    message: str = Field("", max_length=2000)


class DeclineIn(Schema):
    reason: str = Field(..., max_length=1000, description="Shown to the mentee.")


class EndIn(Schema):
    reason: str = Field(..., max_length=1000)


class CompleteIn(Schema):
    note: str = Field("", max_length=1000)


class SharingIn(Schema):
    manager_access: bool


class GoalIn(Schema):
    title: str = Field(..., max_length=200)
    skill_id: int | None = None
    target_date: date | None = None


class GoalPatch(Schema):
    title: str | None = Field(None, max_length=200)
    status: str | None = None
    target_date: date | None = None


class CheckInIn(Schema):
    scheduled_for: datetime
    agenda: str = Field("", max_length=300)


class CheckInDoneIn(Schema):
    notes: str = Field(..., max_length=8000)
    next_steps: str = Field("", max_length=4000)


class FitIn(Schema):
    rating: int = Field(..., ge=1, le=5, description="1 (poor) to 5 (great).")
    comment: str = Field("", max_length=1000)


class AssignmentIn(Schema):
    mentee_ids: list[int] | None = Field(None, description="The cohort; default: every mentee in the pool.")
    include_active: bool = Field(False, description="Also re-match mentees who are in an active mentorship.")
    started_within_days: int | None = Field(None, description="Only mentees who started in the last N days.")


class PairOut(Schema):
    id: int
    mentee: PersonOut
    mentor: PersonOut
    score: float
    reasons: list[str]
    mentorship_id: int | None


class UnassignedOut(Schema):
    mentee_id: int
    name: str
    reason: str


class SkippedOut(Schema):
    pair_id: int
    mentee: str
    mentor: str
    reason: str


class ProposalOut(Schema):
    id: int
    url: str
    status: str
    created_at: datetime
    include_active: bool
    total_score: float
    mentee_count: int
    mentor_count: int
    seat_count: int
    solve_ms: float
    pairs: list[PairOut]
    unassigned: list[UnassignedOut]
    skipped: list[SkippedOut]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_pairs(obj) -> list:
        return list(selectors.proposal_pairs(obj))


class ConfirmIn(Schema):
    pair_ids: list[int] | None = Field(None, description="The pairs to confirm; default: all of them.")


# --- Helpers -----------------------------------------------------------------------------------


def _mentorship(request: HttpRequest, pk: int, perm: str = "mentoring.view") -> Mentorship:
    """The mentorship, or 404 when the caller may not even know about it, or 403."""
    try:
        m = selectors.mentorship_detail(pk)
    except Mentorship.DoesNotExist as exc:
        raise Http404("No such mentorship.") from exc
    user = request.auth
    if not (policy.allowed(user, "mentoring.view", m) or policy.allowed(user, "mentoring.view_request", m)):
        raise Http404("No such mentorship.")
    policy.require(user, perm, m)
    return m


def _detail(request: HttpRequest, m: Mentorship) -> Mentorship:
    m.private = policy.allowed(request.auth, "mentoring.view_private", m)
    return m


# --- Matches and requests ----------------------------------------------------------------------


@router.get("/matches", response={200: list[MatchOut], **COMMON_ERRORS}, summary="A mentee's ranked mentors")
@paginate
def matches(request: HttpRequest, mentee: int | None = None):
    """Mentors who may be proposed now (accepting, with a free seat, not an excluded pair), best
    first, with the score, its parts and the reasons in words. `mentee` defaults to the caller;
    managers may ask for anyone. Scores are computed ahead and stored, not per request."""
    target = request.auth if mentee is None else User.objects.filter(pk=mentee, is_active=True).first()
    if target is None:
        raise Http404("No such mentee.")
    policy.require(request.auth, "mentoring.view_matches", target)
    services.matches_ensure(mentee=target)
    return selectors.matches_for(mentee=target, limit=100)


@router.post("/requests", response={200: MentorshipOut, 201: MentorshipOut, **ERRORS}, summary="Ask a mentor")
def create_request(request: HttpRequest, payload: RequestIn):
    """Ask a mentor to mentor the caller (or, for managers, `mentee_id`). Asking again while the
    request is waiting answers 200 with the same request."""
    mentee = request.auth
    if payload.mentee_id is not None and payload.mentee_id != request.auth.pk:
        mentee = User.objects.filter(pk=payload.mentee_id, is_active=True).first()
        if mentee is None:
            raise ValidationError({"mentee_id": "No active person with this id."})
    policy.require(request.auth, "mentoring.request", mentee)
    mentor = User.objects.filter(pk=payload.mentor_id, is_active=True).first()
    if mentor is None:
        raise ValidationError({"mentor_id": "No active mentor with this id."})
    m, created = _call(
        services.mentorship_request, mentee=mentee, mentor=mentor, requested_by=request.auth, message=payload.message
    )
    status, obj = created_or_existing(selectors.mentorships_base().get(pk=m.pk), created)
    return Status(status, obj)


@router.post("/requests/{request_id}/accept", response={200: MentorshipOut, **ERRORS}, summary="Accept a request")
def accept_request(request: HttpRequest, request_id: int):
    m = _mentorship(request, request_id, "mentoring.respond")
    _call(services.mentorship_accept, mentorship=m, by=request.auth)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post("/requests/{request_id}/decline", response={200: MentorshipOut, **ERRORS}, summary="Decline a request")
def decline_request(request: HttpRequest, request_id: int, payload: DeclineIn):
    m = _mentorship(request, request_id, "mentoring.respond")
    _call(services.mentorship_decline, mentorship=m, by=request.auth, reason=payload.reason)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post("/requests/{request_id}/withdraw", response={200: MentorshipOut, **ERRORS}, summary="Withdraw a request")
def withdraw_request(request: HttpRequest, request_id: int):
    m = _mentorship(request, request_id, "mentoring.withdraw")
    _call(services.mentorship_withdraw, mentorship=m, by=request.auth)
    return selectors.mentorships_base().get(pk=m.pk)


# --- Mentorships -------------------------------------------------------------------------------


@router.get("/mentorships", response={200: list[MentorshipOut], **COMMON_ERRORS}, summary="Mentorships you can see")
@paginate
def mentorships(request: HttpRequest, status: str | None = None, role: str | None = None):
    """Yours (as mentor or mentee); managers see the whole programme. Filters: `status`
    (requested, active, completed, ...), `role` (mentor or mentee: only those where you are it)."""
    if status is not None and status not in Mentorship.Status.values:
        raise ValidationError({"status": f"Use one of: {', '.join(Mentorship.Status.values)}."})
    if role is not None and role not in ("mentor", "mentee"):
        raise ValidationError({"role": "Use mentor or mentee."})
    qs = selectors.mentorships_visible_to(request.auth)
    if status:
        qs = qs.filter(status=status)
    if role:
        qs = qs.filter(**{role: request.auth})
    return qs


@router.get(
    "/mentorships/{mentorship_id}", response={200: MentorshipDetailOut, **COMMON_ERRORS}, summary="A mentorship"
)
def mentorship(request: HttpRequest, mentorship_id: int):
    """The pairing; goals, check-ins and fit ratings only for the pair (and the mentee's manager
    if the mentee agreed): otherwise `private` is false and they are null."""
    return _detail(request, _mentorship(request, mentorship_id))


@router.post("/mentorships/{mentorship_id}/complete", response={200: MentorshipOut, **ERRORS}, summary="Complete")
def complete(request: HttpRequest, mentorship_id: int, payload: CompleteIn):
    m = _mentorship(request, mentorship_id, "mentoring.end")
    _call(services.mentorship_complete, mentorship=m, by=request.auth, note=payload.note)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post("/mentorships/{mentorship_id}/end", response={200: MentorshipOut, **ERRORS}, summary="End early")
def end_early(request: HttpRequest, mentorship_id: int, payload: EndIn):
    m = _mentorship(request, mentorship_id, "mentoring.end")
    _call(services.mentorship_end_early, mentorship=m, by=request.auth, reason=payload.reason)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post("/mentorships/{mentorship_id}/sharing", response={200: MentorshipOut, **ERRORS}, summary="Manager access")
def sharing(request: HttpRequest, mentorship_id: int, payload: SharingIn):
    """The mentee lets their manager see goals, check-ins and the coaching thread (or not)."""
    m = _mentorship(request, mentorship_id, "mentoring.share")
    _call(services.mentorship_set_manager_access, mentorship=m, by=request.auth, allowed=payload.manager_access)
    return selectors.mentorships_base().get(pk=m.pk)


@router.get("/mentorships/{mentorship_id}/goals", response={200: list[GoalOut], **COMMON_ERRORS}, summary="Goals")
def goals(request: HttpRequest, mentorship_id: int):
    m = _mentorship(request, mentorship_id, "mentoring.view_private")
    return list(m.goals.all())


@router.post("/mentorships/{mentorship_id}/goals", response={201: GoalOut, **ERRORS}, summary="Add a goal")
def add_goal(request: HttpRequest, mentorship_id: int, payload: GoalIn):
    m = _mentorship(request, mentorship_id, "mentoring.coach")
    skill = None
    if payload.skill_id is not None:
        skill = SkillTag.objects.filter(pk=payload.skill_id).first()
        if skill is None:
            raise ValidationError({"skill_id": "No skill with this id."})
    goal = _call(
        services.goal_create,
        mentorship=m,
        by=request.auth,
        title=payload.title,
        skill=skill,
        target_date=payload.target_date,
    )
    return Status(201, goal)


@router.patch("/goals/{goal_id}", response={200: GoalOut, **ERRORS}, summary="Update a goal")
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch):
    goal = get_object_or_404(Goal.objects.select_related("skill"), pk=goal_id)
    goal.mentorship = _mentorship(request, goal.mentorship_id, "mentoring.coach")
    fields = payload.model_dump(exclude_unset=True)
    return _call(
        services.goal_update,
        goal=goal,
        by=request.auth,
        status=fields.get("status"),
        title=fields.get("title"),
        target_date=fields.get("target_date"),
        clear_target_date="target_date" in fields and fields["target_date"] is None,
    )


@router.get("/mentorships/{mentorship_id}/checkins", response={200: list[CheckInOut], **COMMON_ERRORS})
def checkins(request: HttpRequest, mentorship_id: int):
    """Check-ins, oldest first."""
    m = _mentorship(request, mentorship_id, "mentoring.view_private")
    return list(m.checkins.all())


@router.post("/mentorships/{mentorship_id}/checkins", response={201: CheckInOut, **ERRORS}, summary="Schedule")
def schedule_checkin(request: HttpRequest, mentorship_id: int, payload: CheckInIn):
    m = _mentorship(request, mentorship_id, "mentoring.coach")
    checkin = _call(
        services.checkin_schedule,
        mentorship=m,
        by=request.auth,
        scheduled_for=payload.scheduled_for,
        agenda=payload.agenda,
    )
    return Status(201, checkin)


def _checkin(request: HttpRequest, checkin_id: int) -> CheckIn:
    checkin = get_object_or_404(CheckIn, pk=checkin_id)
    checkin.mentorship = _mentorship(request, checkin.mentorship_id, "mentoring.coach")
    return checkin


@router.post("/checkins/{checkin_id}/complete", response={200: CheckInOut, **ERRORS}, summary="Notes and next steps")
def complete_checkin(request: HttpRequest, checkin_id: int, payload: CheckInDoneIn):
    checkin = _checkin(request, checkin_id)
    return _call(
        services.checkin_complete, checkin=checkin, by=request.auth, notes=payload.notes, next_steps=payload.next_steps
    )


@router.post("/checkins/{checkin_id}/cancel", response={200: CheckInOut, **ERRORS}, summary="Cancel a check-in")
def cancel_checkin(request: HttpRequest, checkin_id: int):
    checkin = _checkin(request, checkin_id)
    return _call(services.checkin_cancel, checkin=checkin, by=request.auth)


@router.post("/mentorships/{mentorship_id}/fit", response={201: FitOut, **ERRORS}, summary="Rate the fit")
def rate_fit(request: HttpRequest, mentorship_id: int, payload: FitIn):
    """After the first check-in, each side rates the fit once (1-5); a poor rating offers the
    mentee a re-match (the matcher excludes this pair) and tells their manager."""
    m = _mentorship(request, mentorship_id, "mentoring.rate_fit")
    fr = _call(services.fit_rate, mentorship=m, by=request.auth, rating=payload.rating, comment=payload.comment)
    return Status(201, fr)


# --- Cohort assignment (managers) ------------------------------------------------------------------


def _proposal(request: HttpRequest, pk: int) -> AssignmentProposal:
    policy.require(request.auth, "mentoring.manage_programme")
    try:
        return selectors.proposal_detail(pk)
    except AssignmentProposal.DoesNotExist as exc:
        raise Http404("No such proposal.") from exc


@router.post("/assignments", response={201: ProposalOut, **ERRORS}, summary="Propose a cohort assignment")
def propose(request: HttpRequest, payload: AssignmentIn):
    """Solve the cohort assignment that maximises the total match score within every mentor's
    free seats, store it and return it for review. Nothing changes until it is confirmed."""
    policy.require(request.auth, "mentoring.manage_programme")
    proposal = services.assignment_propose(
        by=request.auth,
        mentee_ids=payload.mentee_ids,
        include_active=payload.include_active,
        started_within_days=payload.started_within_days,
    )
    return Status(201, proposal)


@router.get("/assignments/{proposal_id}", response={200: ProposalOut, **COMMON_ERRORS}, summary="A proposal")
def proposal(request: HttpRequest, proposal_id: int):
    return _proposal(request, proposal_id)


@router.post("/assignments/{proposal_id}/confirm", response={200: ProposalOut, **ERRORS}, summary="Confirm")
def confirm(request: HttpRequest, proposal_id: int, payload: ConfirmIn):
    """Send each chosen pair to its mentor as a request (they accept or decline). Pairs whose
    state moved since the proposal are skipped, with the reason in `skipped`."""
    p = _proposal(request, proposal_id)
    return _call(services.assignment_confirm, proposal=p, by=request.auth, pair_ids=payload.pair_ids)


@router.post("/assignments/{proposal_id}/discard", response={200: ProposalOut, **ERRORS}, summary="Discard")
def discard(request: HttpRequest, proposal_id: int):
    p = _proposal(request, proposal_id)
    return _call(services.assignment_discard, proposal=p, by=request.auth)
