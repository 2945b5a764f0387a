"""Mentoring API under /api/v1/mentoring (paths in issue 6 are a public contract).

Ranked matches, requests and their answers, mentorships with goals, check-ins and fit, and
the manager's cohort assignment (propose, review, confirm). Permission checks go through
accounts.policy; a mentorship the caller may not know about answers 404, an action the
caller may not take on one they can see answers 403; a state that does not allow the change
answers 409.
"""

# No `from __future__ import annotations` here: django-ninja evaluates a paginated view's parameter
# types in the pagination wrapper's module, where names such as the Literal aliases below are unknown.

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts import policy
from accounts.models import User
from core.api import COMMON_ERRORS, Conflict, ErrorOut, PersonRefOut, TermOut, created_or_existing, lookup
from taxonomy.models import SkillTag

from . import programme, selectors, services
from .models import AssignmentProposal, CheckIn, Goal, MenteeProfile, MentorProfile, Mentorship

router = Router(tags=["mentoring"])

CoachingStyleName = Literal["deal_reviews", "role_play", "structured", "ad_hoc"]  # models.CoachingStyle
LanguageCode = Literal["en", "es", "pt", "fr", "de", "it", "nl", "sv", "pl", "ar", "hi", "ja", "ko", "zh", "yo"]
ERRORS = {**COMMON_ERRORS, 409: ErrorOut}


def _call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; a state conflict becomes 409."""
    try:
        return fn(**kwargs)
    except services.Conflict as exc:
        raise Conflict(str(exc)) from exc


# --- Schemas -----------------------------------------------------------------------------------


class MentorOut(PersonRefOut):
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
    mentee: PersonRefOut
    mentor: PersonRefOut
    requested_by: PersonRefOut | None
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


class GoalOut(Schema):
    id: int
    mentorship_id: int
    title: str
    skill: TermOut | None
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
    rater: PersonRefOut
    rating: int
    comment: str
    created_at: datetime


class MentorshipDetailOut(MentorshipOut):
    private: bool = Field(..., description="False when the caller may see only the pairing, not its content.")
    thread_id: int | None = Field(
        None,
        description="The private coaching thread (read and post with /api/v1/threads/{thread_id}/messages); "
        "null when the caller may not see it or the mentorship never became active.",
    )
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
    mentee: PersonRefOut
    mentor: PersonRefOut
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
    confirming: bool = Field(
        False, description="True while a large confirmation runs in the background (the manager is notified)."
    )
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
    from community.discussion_services import thread_for_object

    m.private = policy.allowed(request.auth, "mentoring.view_private", m)
    thread = thread_for_object(m, create=False) if m.private else None
    m.thread_id = thread.pk if thread is not None else None
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


@router.post(
    "/mentorships/{mentorship_id}/complete", response={200: MentorshipOut, **ERRORS}, summary="Complete a mentorship"
)
def complete(request: HttpRequest, mentorship_id: int, payload: CompleteIn):
    m = _mentorship(request, mentorship_id, "mentoring.end")
    _call(services.mentorship_complete, mentorship=m, by=request.auth, note=payload.note)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post(
    "/mentorships/{mentorship_id}/end", response={200: MentorshipOut, **ERRORS}, summary="End a mentorship early"
)
def end_early(request: HttpRequest, mentorship_id: int, payload: EndIn):
    m = _mentorship(request, mentorship_id, "mentoring.end")
    _call(services.mentorship_end_early, mentorship=m, by=request.auth, reason=payload.reason)
    return selectors.mentorships_base().get(pk=m.pk)


@router.post(
    "/mentorships/{mentorship_id}/sharing",
    response={200: MentorshipOut, **ERRORS},
    summary="Let the mentee's manager see goals and check-ins (or not)",
)
def sharing(request: HttpRequest, mentorship_id: int, payload: SharingIn):
    """The mentee lets their manager see goals, check-ins and the coaching thread (or not)."""
    m = _mentorship(request, mentorship_id, "mentoring.share")
    _call(services.mentorship_set_manager_access, mentorship=m, by=request.auth, allowed=payload.manager_access)
    return selectors.mentorships_base().get(pk=m.pk)


@router.get(
    "/mentorships/{mentorship_id}/goals", response={200: list[GoalOut], **COMMON_ERRORS}, summary="A mentorship's goals"
)
@paginate
def goals(request: HttpRequest, mentorship_id: int):
    m = _mentorship(request, mentorship_id, "mentoring.view_private")
    return m.goals.select_related("skill")


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


@router.get(
    "/mentorships/{mentorship_id}/checkins",
    response={200: list[CheckInOut], **COMMON_ERRORS},
    summary="A mentorship's check-ins",
)
@paginate
def checkins(request: HttpRequest, mentorship_id: int):
    """Check-ins, oldest first."""
    m = _mentorship(request, mentorship_id, "mentoring.view_private")
    return m.checkins.all()


@router.post(
    "/mentorships/{mentorship_id}/checkins", response={201: CheckInOut, **ERRORS}, summary="Schedule a check-in"
)
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


@router.post(
    "/checkins/{checkin_id}/complete",
    response={200: CheckInOut, **ERRORS},
    summary="Complete a check-in with notes and next steps",
)
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


@router.get(
    "/assignments/{proposal_id}",
    response={200: ProposalOut, **COMMON_ERRORS},
    summary="A cohort proposal with its pairs",
)
def proposal(request: HttpRequest, proposal_id: int):
    return _proposal(request, proposal_id)


@router.post(
    "/assignments/{proposal_id}/confirm",
    response={200: ProposalOut, 202: ProposalOut, **ERRORS},
    summary="Confirm a cohort proposal: send its requests to the mentors",
)
def confirm(request: HttpRequest, proposal_id: int, payload: ConfirmIn):
    """Send each chosen pair to its mentor as a request (they accept or decline). Pairs whose
    state moved since the proposal are skipped, with the reason in `skipped`. A large selection
    (more than MENTORING_CONFIRM_INLINE_MAX pairs) answers 202 with `confirming` true and is sent
    in the background; the manager is notified and `GET /assignments/{id}` shows the result."""
    p = _proposal(request, proposal_id)
    p, queued = _call(services.assignment_confirm_or_queue, proposal=p, by=request.auth, pair_ids=payload.pair_ids)
    return Status(202 if queued else 200, p)


@router.post(
    "/assignments/{proposal_id}/discard", response={200: ProposalOut, **ERRORS}, summary="Discard a cohort proposal"
)
def discard(request: HttpRequest, proposal_id: int):
    p = _proposal(request, proposal_id)
    return _call(services.assignment_discard, proposal=p, by=request.auth)


class ProposalSummaryOut(Schema):
    id: int
    url: str
    status: str
    created_at: datetime
    created_by: PersonRefOut | None
    confirmed_at: datetime | None
    include_active: bool
    total_score: float
    mentee_count: int
    mentor_count: int
    pair_count: int
    confirmed_count: int

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


@router.get(
    "/assignments",
    response={200: list[ProposalSummaryOut], **COMMON_ERRORS},
    summary="Cohort proposals, newest first (managers)",
)
@paginate
def proposals(request: HttpRequest, status: Literal["proposed", "confirmed", "discarded"] | None = None):
    """Each with its pair count and how many were confirmed; the pairs are in `GET /assignments/{id}`."""
    policy.require(request.auth, "mentoring.manage_programme")
    qs = selectors.proposals_list()
    return qs.filter(status=status) if status else qs


# --- Profiles ---------------------------------------------------------------------------------------


class SkillLevelOut(Schema):
    id: int
    name: str
    slug: str
    level: int = Field(..., description="1 (can coach the basics), 2 (strong) or 3 (expert).")
    level_label: str


class MentorProfileOut(Schema):
    person: PersonRefOut
    url: str
    accepting: bool
    capacity: int
    seats_taken: int
    languages: list[str] = Field(..., description="ISO 639-1 codes, e.g. en, es.")
    styles: list[str] = Field(..., description="deal_reviews, role_play, structured, ad_hoc")
    how_i_coach: str
    how_i_coach_html: str
    skills: list[SkillLevelOut]
    timezone: str
    region: str
    updated_at: datetime


class SkillLevelIn(Schema):
    skill: int | str = Field(..., description="Skill tag id or slug")
    level: int = Field(..., ge=1, le=3, description="1 (basics), 2 (strong) or 3 (expert)")


class MentorProfileIn(Schema):
    accepting: bool = True
    capacity: int = Field(..., ge=1, le=20, description="The most mentees you coach at once.")
    languages: list[LanguageCode] = Field(["en"], max_length=15)
    styles: list[CoachingStyleName] = Field([], max_length=4)
    how_i_coach: str = Field("", max_length=2000, description="Markdown")
    skills: list[SkillLevelIn] = Field(..., max_length=50, description="At least one skill you can coach")
    timezone: str | None = Field(None, description="Your time zone (IANA name); default: unchanged")
    region: str | None = Field(None, description="na, latam, emea or apac; default: unchanged")


class GapOut(Schema):
    stage_id: int
    stage: str
    rate: float
    team_rate: float
    decided: int
    team_decided: int


class MenteeProfileOut(Schema):
    person: PersonRefOut
    url: str
    goals: list[TermOut]
    preferred_style: str
    preferred_time: str = Field(..., description="morning, midday, afternoon or any (your local time)")
    languages: list[str] = Field(..., description="The first is the one you prefer.")
    about: str
    about_html: str
    share_with_manager: bool
    timezone: str
    inferred_gaps: list[GapOut] = Field(
        ..., description="Stages where your success rate lags the team's, from your practices (computed)."
    )
    matches_computed_at: datetime | None
    updated_at: datetime


class MenteeProfileIn(Schema):
    goals: list[int | str] = Field([], max_length=20, description="Skill tag ids or slugs (at most six)")
    preferred_style: Literal["", "deal_reviews", "role_play", "structured", "ad_hoc"] = Field(
        "", description="Empty: no preference"
    )
    preferred_time: Literal["morning", "midday", "afternoon", "any"] = Field("any", description="In your local time")
    languages: list[LanguageCode] = Field(["en"], max_length=15, description="The first is the one you prefer")
    about: str = Field("", max_length=2000, description="Markdown; shown to the mentors you ask")
    share_with_manager: bool = False
    timezone: str | None = Field(None, description="Your time zone (IANA name); default: unchanged")


def _mentor_profile_out(user: User) -> dict:
    profile = selectors.mentor_profile_for(user)
    if profile is None:
        raise Http404("You have no mentor profile yet; create it with PUT /api/v1/mentoring/profile/mentor.")
    return {
        "person": profile.user,
        "url": "/mentoring/profile/mentor/",
        "accepting": profile.accepting,
        "capacity": profile.capacity,
        "seats_taken": profile.seats_taken,
        "languages": profile.languages,
        "styles": profile.styles,
        "how_i_coach": profile.how_i_coach,
        "how_i_coach_html": profile.how_i_coach_html,
        "skills": [
            {
                "id": sl.skill_id,
                "name": sl.skill.name,
                "slug": sl.skill.slug,
                "level": sl.level,
                "level_label": sl.get_level_display(),
            }
            for sl in profile.skill_levels.all()
        ],
        "timezone": profile.user.timezone,
        "region": profile.user.region,
        "updated_at": profile.updated_at,
    }


def _mentee_profile_out(user: User) -> dict:
    profile = selectors.mentee_profile_for(user)
    if profile is None:
        raise Http404("You have no mentee profile yet; create it with PUT /api/v1/mentoring/profile/mentee.")
    return {
        "person": user,
        "url": "/mentoring/profile/mentee/",
        "goals": list(profile.goals.all()),
        "preferred_style": profile.preferred_style,
        "preferred_time": profile.preferred_time,
        "languages": profile.languages,
        "about": profile.about,
        "about_html": profile.about_html,
        "share_with_manager": profile.share_with_manager,
        "timezone": user.timezone,
        "inferred_gaps": profile.inferred_gaps or [],
        "matches_computed_at": profile.matches_computed_at,
        "updated_at": profile.updated_at,
    }


@router.get(
    "/profile/mentor", response={200: MentorProfileOut, **COMMON_ERRORS}, summary="Your mentor profile (mentors)"
)
def get_mentor_profile(request: HttpRequest):
    """404 until you have saved one."""
    policy.require(request.auth, "mentoring.mentor_profile")
    return _mentor_profile_out(request.auth)


@router.put(
    "/profile/mentor",
    response={200: MentorProfileOut, 201: MentorProfileOut, **COMMON_ERRORS},
    summary="Create or replace your mentor profile (mentors)",
)
def put_mentor_profile(request: HttpRequest, payload: MentorProfileIn):
    """201 the first time, 200 after. Mentees' matches are recomputed in the background."""
    user = request.auth
    policy.require(user, "mentoring.mentor_profile")
    skills: dict[int, int] = {}
    for item in payload.skills:
        skill = lookup(SkillTag.objects.active(), item.skill, field="skills", label="skill tag")
        skills[skill.pk] = item.level
    existed = MentorProfile.objects.filter(user=user).exists()
    services.mentor_profile_save(
        user=user,
        capacity=payload.capacity,
        accepting=payload.accepting,
        languages=payload.languages,
        styles=payload.styles,
        how_i_coach=payload.how_i_coach,
        skills=skills,
        timezone_name=payload.timezone,
        region=payload.region,
    )
    return Status(201 if not existed else 200, _mentor_profile_out(user))


@router.get("/profile/mentee", response={200: MenteeProfileOut, **COMMON_ERRORS}, summary="Your mentee profile")
def get_mentee_profile(request: HttpRequest):
    """What you want to grow and how you like to be coached; 404 until you have saved one."""
    policy.require(request.auth, "mentoring.use")
    return _mentee_profile_out(request.auth)


@router.put(
    "/profile/mentee",
    response={200: MenteeProfileOut, 201: MenteeProfileOut, **COMMON_ERRORS},
    summary="Create or replace your mentee profile",
)
def put_mentee_profile(request: HttpRequest, payload: MenteeProfileIn):
    """201 the first time, 200 after. Your matches are recomputed at once."""
    user = request.auth
    policy.require(user, "mentoring.use")
    goals = [lookup(SkillTag.objects.active(), g, field="goals", label="skill tag") for g in payload.goals]
    existed = MenteeProfile.objects.filter(user=user).exists()
    services.mentee_profile_save(
        user=user,
        goals=goals,
        preferred_style=payload.preferred_style,
        preferred_time=payload.preferred_time,
        languages=payload.languages,
        about=payload.about,
        share_with_manager=payload.share_with_manager,
        timezone_name=payload.timezone,
    )
    return Status(201 if not existed else 200, _mentee_profile_out(user))


# --- The mentor's dashboard ----------------------------------------------------------------------------


class DashboardPracticeOut(Schema):
    id: int
    technique_id: int
    technique: str
    stage: str
    response: str
    practised_at: datetime


class DashboardOutcomesOut(Schema):
    recent_decided: int
    recent_rate: float | None
    before_decided: int
    before_rate: float | None


class DashboardQuestionOut(Schema):
    title: str
    url: str
    asked_at: datetime
    answers: int
    accepted: bool


class DashboardRowOut(Schema):
    mentorship: MentorshipOut
    open_goals: list[GoalOut]
    goals_achieved: int
    next_checkin: CheckInOut | None
    last_checkin: CheckInOut | None
    practices: list[DashboardPracticeOut] = Field(..., description="The mentee's latest practices (5 at most).")
    outcomes: DashboardOutcomesOut | None = Field(
        ..., description="Decided practices and success rate in the last 30 days and before."
    )
    questions: list[DashboardQuestionOut] = Field(..., description="Questions the mentee asked lately.")


class MentorDashboardOut(Schema):
    url: str
    mentees: list[DashboardRowOut]
    requests: list[MentorshipOut] = Field(..., description="Requests waiting for your answer.")
    profile: MentorProfileOut | None


@router.get(
    "/dashboard", response={200: MentorDashboardOut, **COMMON_ERRORS}, summary="Your mentees at a glance (mentors)"
)
def mentor_dashboard(request: HttpRequest):
    """Each active mentee with open goals, the next and last check-in, latest practices, outcomes and
    questions. A fixed number of queries, however many mentees."""
    policy.require(request.auth, "mentoring.mentor_dashboard")
    data = selectors.mentor_dashboard(mentor=request.auth)
    return {
        "url": "/mentoring/dashboard/",
        "mentees": [
            {
                "mentorship": row["mentorship"],
                "open_goals": row["goals"],
                "goals_achieved": row["goals_done"],
                "next_checkin": row["next_checkin"],
                "last_checkin": row["last_checkin"],
                "practices": [
                    {
                        "id": p.pk,
                        "technique_id": p.technique_id,
                        "technique": p.technique.title,
                        "stage": p.stage.name,
                        "response": p.response,
                        "practised_at": p.practised_at,
                    }
                    for p in row["practices"]
                ],
                "outcomes": row["outcomes"],
                "questions": row["questions"],
            }
            for row in data["rows"]
        ],
        "requests": data["requests"],
        "profile": _mentor_profile_out(request.auth) if data["profile"] is not None else None,
    }


# --- The programme (managers) ----------------------------------------------------------------------------


class RampGroupOut(Schema):
    ramped: int = Field(..., description="People who reached the ramp event")
    ramping: int = Field(..., description="People still ramping (counted, not dropped)")
    median: float | None
    mean: float | None


class RampDifferenceOut(Schema):
    median_days: float = Field(..., description="Median ramp days, mentored minus not mentored")
    ci_low: float
    ci_high: float
    confidence: float


class RampOut(Schema):
    event: str
    event_label: str
    window_days: int
    mentored_within_days: int
    min_group: int
    enough_data: bool = Field(..., description="False below min_group people per group: no comparison is made")
    mentored: RampGroupOut
    not_mentored: RampGroupOut
    difference: RampDifferenceOut | None


class EffectOut(Schema):
    before_rate: float
    after_rate: float
    change: float
    ci_low: float
    ci_high: float
    before_n: int
    after_n: int


class MentorEffectOut(Schema):
    mentor_id: int
    mentor_name: str
    mentor_url: str
    mentees: int
    ramped: int
    median_ramp: float | None
    counted: int = Field(..., description="Mentees with enough practices before and after to compare")
    change: EffectOut | None = Field(..., description="Success rate after the mentorship started minus before")


class CapacityOut(Schema):
    mentor: PersonRefOut
    accepting: bool
    capacity: int
    seats_taken: int
    active: int
    pending: int


class ProgrammeCountsOut(Schema):
    active: int
    requested: int
    completed: int
    ended_early: int
    declined: int
    new_hires_without_mentor: int


class ProgrammeOut(Schema):
    url: str
    counts: ProgrammeCountsOut
    ramp: RampOut = Field(..., description="Observational: ramp time of recent starters, mentored or not")
    mentors: list[MentorEffectOut]
    capacity: list[CapacityOut]
    computed_at: datetime = Field(..., description="When the heavy numbers (ramp, mentors) were computed")


@router.get(
    "/programme",
    response={200: ProgrammeOut, **COMMON_ERRORS},
    summary="Does mentoring work? The programme's numbers (managers)",
)
def programme_numbers(request: HttpRequest):
    """Ramp time mentored vs not (with a bootstrap interval, or `enough_data: false`), each mentor's
    mentees' results, capacity and headline counts. The heavy numbers are cached and refreshed hourly."""
    policy.require(request.auth, "mentoring.manage_programme")
    overview = programme.programme_overview()
    return {
        "url": "/mentoring/programme/",
        "counts": programme.programme_counts(),
        "ramp": overview["ramp"],
        "mentors": overview["mentors"],
        "capacity": [
            {
                "mentor": p.user,
                "accepting": p.accepting,
                "capacity": p.capacity,
                "seats_taken": p.seats_taken,
                "active": p.active_count,
                "pending": p.pending_count,
            }
            for p in programme.capacity_table()
        ],
        "computed_at": overview["computed_at"],
    }
