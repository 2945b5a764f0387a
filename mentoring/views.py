"""Mentoring pages under /mentoring/: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.models import User
from core import sections
from taxonomy.models import SkillTag

from . import conf, forms, programme, selectors, services
from .matching import PARTS, Gap
from .models import AssignmentProposal, CheckIn, Goal, MenteeProfile, Mentorship
from .models.choices import PART_LABELS


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _weights_table() -> list[dict]:
    weights = conf.weights()
    total = sum(weights.values()) or 1
    return [{"key": p, "label": PART_LABELS[p], "share": weights.get(p, 0) / total} for p in PARTS]


def _gaps(profile: MenteeProfile | None) -> list[Gap]:
    return [Gap.from_dict(g) for g in (profile.inferred_gaps if profile else [])]


# --- Hub ---------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One page for everyone: my mentorship (mentee), my mentees (mentor), the programme (manager)."""
    user = request.user
    own = selectors.mentee_mentorships(user)
    active = next((m for m in own if m.status == Mentorship.Status.ACTIVE), None)
    pending = [m for m in own if m.status == Mentorship.Status.REQUESTED]
    profile = selectors.mentee_profile_for(user)
    top_matches = []
    seeking = (user.is_new_hire or profile is not None) and (active is None or active.fit == Mentorship.Fit.POOR)
    if seeking and not pending:
        services.matches_ensure(mentee=user)
        profile = selectors.mentee_profile_for(user)
        top_matches = selectors.matches_for(mentee=user, limit=3)
    mentoring_others = []
    requests_in = []
    if user.is_mentor:
        mentoring_others = list(selectors.mentorships_base().filter(mentor=user, status=Mentorship.Status.ACTIVE))
        requests_in = list(selectors.requests_for_mentor(user))
    return render(
        request,
        "mentoring/home.html",
        {
            "active": active,
            "pending": pending,
            "history": [m for m in own if m.status in Mentorship.CLOSED],
            "profile": profile,
            "gaps": _gaps(profile),
            "top_matches": top_matches,
            "seeking": seeking,
            "mentor_profile": selectors.mentor_profile_for(user) if user.is_mentor else None,
            "mentoring_others": mentoring_others,
            "requests_in": requests_in,
            "is_manager": policy.allowed(user, "mentoring.manage_programme"),
        },
    )


# --- Profiles --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_profile(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mentoring.mentor_profile")
    user = request.user
    skills = list(SkillTag.objects.active())
    existing = selectors.mentor_profile_for(user)
    initial = {"capacity": 3, "accepting": True, "timezone": user.timezone, "region": user.region, "languages": ["en"]}
    if existing:
        initial.update(
            capacity=existing.capacity,
            accepting=existing.accepting,
            languages=existing.languages,
            styles=existing.styles,
            how_i_coach=existing.how_i_coach,
        )
        initial.update({f"skill_{sl.skill_id}": sl.level for sl in existing.skill_levels.all()})
    else:
        initial.update({f"skill_{s.pk}": 2 for s in user.expertise.all()})
    form = forms.MentorProfileForm(request.POST or None, initial=initial, skills=skills)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_profile_save(
                user=user,
                capacity=data["capacity"],
                accepting=data["accepting"],
                languages=data["languages"],
                styles=data["styles"],
                how_i_coach=data["how_i_coach"],
                skills=form.skill_levels(),
                timezone_name=data["timezone"],
                region=data["region"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Your mentor profile was saved; mentees' matches are being updated.")
            return redirect("mentoring:dashboard")
    return render(
        request,
        "mentoring/mentor_profile.html",
        {"form": form, "existing": existing},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentee_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    existing = selectors.mentee_profile_for(user)
    initial = {"timezone": user.timezone, "preferred_language": "en", "preferred_time": "any"}
    if existing:
        langs = existing.languages or ["en"]
        initial.update(
            goals=list(existing.goals.all()),
            preferred_style=existing.preferred_style,
            preferred_time=existing.preferred_time,
            preferred_language=langs[0],
            other_languages=langs[1:],
            about=existing.about,
            share_with_manager=existing.share_with_manager,
        )
    form = forms.MenteeProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentee_profile_save(
                user=user,
                goals=data["goals"],
                preferred_style=data["preferred_style"],
                preferred_time=data["preferred_time"],
                languages=form.languages(),
                about=data["about"],
                share_with_manager=data["share_with_manager"],
                timezone_name=data["timezone"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Saved. Your matches were updated.")
            return redirect("mentoring:matches")
    return render(
        request,
        "mentoring/mentee_profile.html",
        {"form": form, "existing": existing, "gaps": _gaps(existing)},
        status=422 if form.errors else 200,
    )


# --- Matches and requests ----------------------------------------------------------------------------


def _match_target(request: HttpRequest) -> User:
    raw = request.GET.get("mentee") or request.POST.get("mentee")
    if not raw:
        return request.user
    try:
        target = User.objects.filter(pk=int(raw), is_active=True).first()
    except ValueError as exc:
        raise Http404("No such mentee.") from exc
    if target is None:
        raise Http404("No such mentee.")
    return target


def _matches_context(request: HttpRequest, mentee: User) -> dict:
    in_pool = services.matches_ensure(mentee=mentee)
    profile = selectors.mentee_profile_for(mentee)
    own = selectors.mentee_mentorships(mentee)
    active = next((m for m in own if m.status == Mentorship.Status.ACTIVE), None)
    pending = [m for m in own if m.status == Mentorship.Status.REQUESTED]
    return {
        "can_ask_any": policy.allowed(request.user, "mentoring.request", mentee)
        and not pending
        and (active is None or active.fit == Mentorship.Fit.POOR),
        "mentee": mentee,
        "in_pool": in_pool,
        "is_self": mentee.pk == request.user.pk,
        "profile": profile,
        "gaps": _gaps(profile),
        "matches": selectors.matches_for(mentee=mentee, limit=10) if in_pool else [],
        "active": active,
        "pending": pending,
        "weights": _weights_table(),
        "part_labels": PART_LABELS,
        "gap_min": conf.get("MENTORING_GAP_MIN_PRACTICES"),
        "request_form": forms.RequestForm(),
    }


@login_required
def matches(request: HttpRequest) -> HttpResponse:
    mentee = _match_target(request)
    policy.require(request.user, "mentoring.view_matches", mentee)
    return render(request, "mentoring/matches.html", _matches_context(request, mentee))


@login_required
@require_POST
def request_create(request: HttpRequest, mentor_id: int) -> HttpResponse:
    mentee = _match_target(request)
    policy.require(request.user, "mentoring.request", mentee)
    mentor = get_object_or_404(User, pk=mentor_id, is_active=True)
    form = forms.RequestForm(request.POST)
    if form.is_valid():
        try:
            m, created = services.mentorship_request(
                mentee=mentee, mentor=mentor, requested_by=request.user, message=form.cleaned_data["message"]
            )
        except services.Conflict as exc:
            messages.error(request, str(exc))
            return redirect(reverse("mentoring:matches") + (f"?mentee={mentee.pk}" if mentee != request.user else ""))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if created:
                messages.success(
                    request, f"Request sent to {mentor.name}. You will hear back here and by notification."
                )
            return redirect(m.get_absolute_url())
    context = _matches_context(request, mentee)
    context.update(request_form=form, failed_mentor_id=mentor.pk)
    return render(request, "mentoring/matches.html", context, status=422)


def _get_mentorship(request: HttpRequest, pk: int, perm: str) -> Mentorship:
    try:
        m = selectors.mentorship_detail(pk)
    except Mentorship.DoesNotExist as exc:
        raise Http404("No such mentorship.") from exc
    if not (
        policy.allowed(request.user, "mentoring.view", m) or policy.allowed(request.user, "mentoring.view_request", m)
    ):
        raise Http404("No such mentorship.")
    policy.require(request.user, perm, m)
    return m


def _request_page(request: HttpRequest, m: Mentorship, *, decline_form=None, status: int = 200) -> HttpResponse:
    profile = MenteeProfile.objects.filter(user_id=m.mentee_id).prefetch_related("goals").first()
    return render(
        request,
        "mentoring/request.html",
        {
            "m": m,
            "mentee_profile": profile,
            "gaps": _gaps(profile),
            "can_respond": policy.allowed(request.user, "mentoring.respond", m) and m.status == "requested",
            "can_withdraw": policy.allowed(request.user, "mentoring.withdraw", m) and m.status == "requested",
            "decline_form": decline_form or forms.DeclineForm(),
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.view_request")
    if m.status not in (Mentorship.Status.REQUESTED, Mentorship.Status.DECLINED, Mentorship.Status.WITHDRAWN):
        return redirect("mentoring:mentorship", pk=m.pk)
    return _request_page(request, m)


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.respond")
    try:
        services.mentorship_accept(mentorship=m, by=request.user)
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect("mentoring:request", pk=m.pk)
    messages.success(request, f"You are now {m.mentee.name}'s mentor. Set a first goal and schedule a check-in.")
    return redirect("mentoring:mentorship", pk=m.pk)


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.respond")
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_decline(mentorship=m, by=request.user, reason=form.cleaned_data["reason"])
        except services.Conflict as exc:
            messages.error(request, str(exc))
            return redirect("mentoring:request", pk=m.pk)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"You declined; {m.mentee.name} sees your reason.")
            return redirect("mentoring:dashboard")
    return _request_page(request, m, decline_form=form, status=422)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.withdraw")
    try:
        services.mentorship_withdraw(mentorship=m, by=request.user)
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect("mentoring:request", pk=m.pk)
    messages.success(request, "Request withdrawn.")
    return redirect("mentoring:home")


# --- A mentorship ---------------------------------------------------------------------------------------


def _mentorship_page(request: HttpRequest, m: Mentorship, *, status: int = 200, **bound) -> HttpResponse:
    user = request.user
    checkins = list(m.checkins.all())
    ratings = list(m.fit_ratings.all())
    can_coach = policy.allowed(user, "mentoring.coach", m) and m.status == Mentorship.Status.ACTIVE
    my_rating = next((r for r in ratings if r.rater_id == user.pk), None)
    fit_open = services.fit_check_open(m)
    goals = list(m.goals.all())
    context = {
        "m": m,
        "goals": goals,
        "goal_status_choices": Goal.Status.choices,
        "upcoming": [c for c in checkins if c.status == CheckIn.Status.SCHEDULED],
        "past": [c for c in reversed(checkins) if c.status != CheckIn.Status.SCHEDULED],
        "ratings": ratings,
        "my_rating": my_rating,
        "can_coach": can_coach,
        "can_rate": fit_open and policy.allowed(user, "mentoring.rate_fit", m) and my_rating is None,
        "fit_open": fit_open,
        "can_end": policy.allowed(user, "mentoring.end", m) and m.status == Mentorship.Status.ACTIVE,
        "can_share": policy.allowed(user, "mentoring.share", m),
        "is_mentee": user.pk == m.mentee_id,
        "tz": user.timezone,
        "goal_form": bound.get("goal_form") or forms.GoalForm(),
        "checkin_form": bound.get("checkin_form") or forms.CheckInForm(tz=user.timezone),
        "fit_form": bound.get("fit_form") or forms.FitForm(),
        "end_form": bound.get("end_form") or forms.EndForm(),
        "complete_form": forms.CompleteForm(),
        "goals_done": sum(1 for g in goals if g.status == Goal.Status.ACHIEVED),
    }
    for c in checkins:
        c.done_form = (
            bound["done_form"] if bound.get("done_checkin") == c.pk else forms.CheckInDoneForm(prefix=f"c{c.pk}")
        )
    context["sections"] = sections.render("mentorship", request, m)
    return render(request, "mentoring/mentorship.html", context, status=status)


@login_required
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.view_private")
    if m.status == Mentorship.Status.REQUESTED:
        return redirect("mentoring:request", pk=m.pk)
    return _mentorship_page(request, m)


def _state_error(request: HttpRequest, m: Mentorship, exc: services.Conflict) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect("mentoring:mentorship", pk=m.pk)


@login_required
@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.coach")
    form = forms.GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_create(mentorship=m, by=request.user, **form.cleaned_data)
        except services.Conflict as exc:
            return _state_error(request, m, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Goal added.")
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#goals")
    return _mentorship_page(request, m, status=422, goal_form=form)


@login_required
@require_POST
def goal_status(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk)
    m = _get_mentorship(request, goal.mentorship_id, "mentoring.coach")
    goal.mentorship = m
    form = forms.GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the goal statuses.")
        return _mentorship_page(request, m, status=422)
    try:
        services.goal_update(goal=goal, by=request.user, status=form.cleaned_data["status"])
    except services.Conflict as exc:
        return _state_error(request, m, exc)
    messages.success(request, f"“{goal.title}” is now {goal.get_status_display().lower()}.")
    return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#goals")


@login_required
@require_POST
def checkin_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.coach")
    form = forms.CheckInForm(request.POST, tz=request.user.timezone)
    if form.is_valid():
        try:
            services.checkin_schedule(mentorship=m, by=request.user, **form.cleaned_data)
        except services.Conflict as exc:
            return _state_error(request, m, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Check-in scheduled.")
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#checkins")
    return _mentorship_page(request, m, status=422, checkin_form=form)


def _get_checkin(request: HttpRequest, pk: int) -> tuple[CheckIn, Mentorship]:
    checkin = get_object_or_404(CheckIn, pk=pk)
    m = _get_mentorship(request, checkin.mentorship_id, "mentoring.coach")
    checkin.mentorship = m
    return checkin, m


@login_required
@require_POST
def checkin_done(request: HttpRequest, pk: int) -> HttpResponse:
    checkin, m = _get_checkin(request, pk)
    form = forms.CheckInDoneForm(request.POST, prefix=f"c{checkin.pk}")
    if form.is_valid():
        try:
            services.checkin_complete(checkin=checkin, by=request.user, **form.cleaned_data)
        except services.Conflict as exc:
            return _state_error(request, m, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Notes saved. After the first check-in, rate the fit below.")
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#checkins")
    return _mentorship_page(request, m, status=422, done_form=form, done_checkin=checkin.pk)


@login_required
@require_POST
def checkin_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    checkin, m = _get_checkin(request, pk)
    try:
        services.checkin_cancel(checkin=checkin, by=request.user)
    except services.Conflict as exc:
        return _state_error(request, m, exc)
    messages.success(request, "Check-in cancelled.")
    return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#checkins")


@login_required
@require_POST
def fit(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.rate_fit")
    form = forms.FitForm(request.POST)
    if form.is_valid():
        try:
            services.fit_rate(mentorship=m, by=request.user, **form.cleaned_data)
        except services.Conflict as exc:
            return _state_error(request, m, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            m.refresh_from_db(fields=["fit"])
            if m.fit == Mentorship.Fit.POOR and request.user.pk == m.mentee_id:
                messages.success(request, "Thanks for saying so. Here are other mentors; your manager has been told.")
                return redirect("mentoring:matches")
            messages.success(request, "Thanks: your rating was saved.")
            return redirect(reverse("mentoring:mentorship", kwargs={"pk": m.pk}) + "#fit")
    return _mentorship_page(request, m, status=422, fit_form=form)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.end")
    form = forms.CompleteForm(request.POST)
    if not form.is_valid():
        return _mentorship_page(request, m, status=422)
    try:
        services.mentorship_complete(mentorship=m, by=request.user, note=form.cleaned_data["note"])
    except services.Conflict as exc:
        return _state_error(request, m, exc)
    messages.success(request, "Mentorship completed. Well done, both of you.")
    return redirect("mentoring:mentorship", pk=m.pk)


@login_required
@require_POST
def end_early(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.end")
    form = forms.EndForm(request.POST)
    if form.is_valid():
        try:
            services.mentorship_end_early(mentorship=m, by=request.user, reason=form.cleaned_data["reason"])
        except services.Conflict as exc:
            return _state_error(request, m, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The mentorship has ended.")
            return redirect("mentoring:mentorship", pk=m.pk)
    return _mentorship_page(request, m, status=422, end_form=form)


@login_required
@require_POST
def sharing(request: HttpRequest, pk: int) -> HttpResponse:
    m = _get_mentorship(request, pk, "mentoring.share")
    allowed = request.POST.get("manager_access") == "on"
    services.mentorship_set_manager_access(mentorship=m, by=request.user, allowed=allowed)
    messages.success(
        request,
        "Your manager can now see goals and check-ins."
        if allowed
        else "Goals and check-ins are private to you two again.",
    )
    return redirect("mentoring:mentorship", pk=m.pk)


# --- Mentor dashboard ------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mentoring.mentor_dashboard")
    data = selectors.mentor_dashboard(mentor=request.user)
    return render(request, "mentoring/dashboard.html", {**data, "tz": request.user.timezone})


# --- Programme (managers) ---------------------------------------------------------------------------------


def _days_apart(days: float) -> str:
    """A difference in ramp days (mentored minus not mentored) in words: sooner, later or none."""
    n = round(days)
    if n == 0:
        return "no difference"
    return f"{abs(n)} day{'' if abs(n) == 1 else 's'} {'sooner' if n < 0 else 'later'}"


@login_required
def programme_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mentoring.manage_programme")
    overview = programme.programme_overview()
    d = overview["ramp"].get("difference")
    # The interval in the verdict's own words, so its ends read in the same direction as the verdict.
    ramp_interval = f"from {_days_apart(d['ci_low'])} to {_days_apart(d['ci_high'])}" if d else ""
    capacity = programme.capacity_table()
    for p in capacity:
        p.seat_range = range(p.capacity)
    used = sum(p.active_count for p in capacity)
    seats = sum(p.capacity for p in capacity)
    return render(
        request,
        "mentoring/programme.html",
        {
            "overview": overview,
            "ramp": overview["ramp"],
            "ramp_interval": ramp_interval,
            "ramp_rows": [
                ("Mentored", overview["ramp"]["mentored"]),
                ("Not mentored", overview["ramp"]["not_mentored"]),
            ],
            "capacity": capacity,
            "capacity_used": used,
            "capacity_total": seats,
            "counts": programme.programme_counts(),
            "pending": list(
                selectors.mentorships_base().filter(status=Mentorship.Status.REQUESTED).order_by("created_at")
            ),
            "proposals": selectors.proposals_recent(5),
            "poor_fits": list(
                selectors.mentorships_base().filter(status=Mentorship.Status.ACTIVE, fit=Mentorship.Fit.POOR)
            ),
            "effect_window": conf.get("MENTORING_EFFECT_WINDOW_DAYS"),
            "effect_min": conf.get("MENTORING_EFFECT_MIN_PRACTICES"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mentoring.manage_programme")
    form = forms.AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mentee_ids = None
        if data["team"] is not None:
            mentee_ids = list(selectors.mentee_pool().filter(team=data["team"]).values_list("pk", flat=True))
        if mentee_ids == []:
            form.add_error("team", "Nobody in this team can be matched (no new hires or mentee profiles).")
        else:
            try:
                proposal = services.assignment_propose(
                    by=request.user,
                    mentee_ids=mentee_ids,
                    include_active=data["include_active"],
                    started_within_days=data["started_within_days"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                return redirect(proposal)
    return render(
        request,
        "mentoring/assignments.html",
        {
            "form": form,
            "proposals": list(selectors.proposals_list()[:30]),
        },
        status=422 if form.errors else 200,
    )


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "mentoring.manage_programme")
    proposal = get_object_or_404(AssignmentProposal.objects.select_related("created_by", "confirmed_by"), pk=pk)
    return render(
        request,
        "mentoring/assignment.html",
        {"proposal": proposal, "pairs": list(selectors.proposal_pairs(proposal))},
    )


@login_required
@require_POST
def assignment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "mentoring.manage_programme")
    proposal = get_object_or_404(AssignmentProposal, pk=pk)
    raw = request.POST.getlist("pair")
    try:
        pair_ids = [int(v) for v in raw]
    except ValueError:
        messages.error(request, "The selection was not understood; tick the pairs again.")
        return redirect(proposal)
    if not pair_ids:
        messages.error(request, "Tick at least one pair to confirm (or discard the proposal).")
        return redirect(proposal)
    try:
        p, queued = services.assignment_confirm_or_queue(proposal=proposal, by=request.user, pair_ids=pair_ids)
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect(proposal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(proposal)
    if queued:
        messages.success(
            request, f"Sending {len(pair_ids)} requests in the background; you will be notified when they are out."
        )
        return redirect(proposal)
    sent = len(pair_ids) - len(p.skipped)
    messages.success(request, f"{sent} request{'s' if sent != 1 else ''} sent to mentors; each accepts or declines.")
    if p.skipped:
        messages.warning(request, f"{len(p.skipped)} pair(s) skipped because things changed since the proposal.")
    return redirect(proposal)


@login_required
@require_POST
def assignment_discard(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "mentoring.manage_programme")
    proposal = get_object_or_404(AssignmentProposal, pk=pk)
    try:
        services.assignment_discard(proposal=proposal, by=request.user)
    except services.Conflict as exc:
        messages.error(request, str(exc))
        return redirect(proposal)
    messages.success(request, "Proposal discarded; nothing was sent.")
    return redirect("mentoring:assignments")
