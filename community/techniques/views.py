"""Pages of the techniques area: thin views over forms, services and selectors.

The index and the technique page are Wagtail pages (served by Wagtail); their extra context
comes from `index_context` and `technique_context` here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Revision

from accounts import policy
from accounts.models import User
from community.models import Practice, Response, TechniquePage, TechniqueReview
from community.selectors import success_responses
from core import sections

from . import charts, selectors, services
from .forms import DealImportForm, FilterForm, FollowupForm, ModerationForm, PracticeForm, ReviewForm, TechniqueForm
from .imports import import_deals

PAGE_SIZE = 12


def _apply_errors(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _status(request: HttpRequest, form) -> int:
    return 422 if request.method == "POST" and form.errors else 200


# --- Wagtail page contexts ------------------------------------------------------------------


def index_context(request: HttpRequest, page) -> dict:
    form = FilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"sort": "evidence"}
    paginator = Paginator(selectors.technique_list(**filters), PAGE_SIZE)
    active = {k: v for k, v in filters.items() if v and k != "sort"}
    return {
        "filter_form": form,
        "filters": filters,
        "active_filters": active,
        "page_obj": paginator.get_page(request.GET.get("page")),
        "sorts": selectors.SORTS,
        "can_share": policy.allowed(request.user, "techniques.submit"),
    }


def _rate_rows(overall) -> list[dict]:
    if overall is None:
        return []
    d = overall.details or {}
    rows = [
        {
            "label": "This technique",
            "color": "#0b5cad",
            "rate": overall.success_rate,
            "ci_low": overall.ci_low,
            "ci_high": overall.ci_high,
            "n": overall.decided,
        },
        {
            "label": "Team baseline",
            "color": "#8a94a3",
            "rate": overall.baseline_rate,
            "ci_low": None,
            "ci_high": None,
            "n": overall.baseline_uses,
        },
    ]
    if overall.baseline_uses:
        from .stats import wilson_interval

        rows[1]["ci_low"], rows[1]["ci_high"] = wilson_interval(overall.baseline_successes, overall.baseline_uses)
    other = d.get("other_reps", {})
    if other.get("decided"):
        rows.append(
            {
                "label": "Used by others",
                "color": "#0f7b6c",
                "rate": overall.other_reps_success_rate,
                "ci_low": other["ci"][0],
                "ci_high": other["ci"][1],
                "n": other["decided"],
            }
        )
    hires = d.get("new_hires", {})
    if hires.get("decided"):
        rows.append(
            {
                "label": "Used by new hires",
                "color": "#b7791f",
                "rate": overall.new_hire_success_rate,
                "ci_low": hires["ci"][0],
                "ci_high": hires["ci"][1],
                "n": hires["decided"],
            }
        )
    return rows


def technique_context(request: HttpRequest, page: TechniquePage, *, preview: bool = False) -> dict:
    """Numbers, charts, reviews, the practice form and other apps' sections for a technique."""
    user = request.user
    stats = {} if preview else selectors.technique_stats(page)
    overall = stats.get("overall")
    # Stages first, then personas, each by name.
    segments = sorted(
        (row for key, row in stats.items() if key != "overall"),
        key=lambda row: (not row.segment.startswith("stage:"), (row.details or {}).get("label", row.segment)),
    )
    rate_rows = _rate_rows(overall)
    monthly = (overall.details or {}).get("monthly", []) if overall else []
    context = {
        "stats": overall,
        "segments": segments,
        "rate_rows": rate_rows,
        "monthly": monthly,
        "preview": preview,
        "config": _config(),
    }
    if overall and overall.decided:
        context["rate_chart"] = charts.rate_bars(
            rate_rows, label=f"Success rate of {page.title} against the team baseline, with 95% intervals"
        )
    if monthly and any(m["uses"] for m in monthly):
        context["uses_chart"] = charts.monthly_uses(monthly, label=f"Uses of {page.title} per month")
    personas = list(page.personas.all())
    context.update({"personas": personas, "industries": list(page.industries.all()), "skills": list(page.skills.all())})
    if preview:
        return context
    reviews = selectors.technique_reviews(page)
    my_review = next((r for r in reviews if r.reviewer_id == user.pk), None)
    context.update(
        {
            "reviews": reviews,
            "endorsements": sum(1 for r in reviews if r.verdict == TechniqueReview.Verdict.ENDORSE),
            "can_review": policy.allowed(user, "techniques.review", page),
            "review_form": ReviewForm(initial={"verdict": my_review.verdict, "comment": my_review.comment})
            if my_review
            else ReviewForm(),
            "my_review": my_review,
            "can_edit": policy.allowed(user, "techniques.edit", page),
            "can_moderate": policy.allowed(user, "techniques.moderate"),
            "practice_form": _practice_form(request, page, personas=personas),
            "my_practices": selectors.my_recent_practices(rep=user, technique=page),
            "updated_by": _updated_by(page),
            "sections": sections.render("technique", request, page),
        }
    )
    return context


def _config() -> dict:
    from community.models import OutcomeSettings

    return OutcomeSettings.current()


def _updated_by(page: TechniquePage):
    if not page.was_updated or not page.live_revision_id:
        return None
    revision = Revision.objects.filter(pk=page.live_revision_id).select_related("user").first()
    return revision.user if revision else None


def _practice_form(request: HttpRequest, page: TechniquePage, data=None, personas=None) -> PracticeForm:
    if personas is None:
        personas = list(page.personas.all())
    return PracticeForm(
        data,
        deals=list(selectors.rep_deals(request.user)),
        personas=personas or None,
        prefix="practice",
    )


# --- Authoring ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "techniques.submit")
    form = TechniqueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.technique_submit(author=request.user, draft=form.to_draft())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Thank you! “{page.title}” was sent to the managers for review. You will be notified when it is live.",
            )
            return redirect("techniques:draft", pk=page.pk)
    return render(
        request,
        "community/techniques/share.html",
        {"form": form, "heading": "Share a technique"},
        status=_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    technique = get_object_or_404(TechniquePage, pk=pk)
    if not policy.allowed(request.user, "techniques.view_draft", technique) and not technique.live:
        raise Http404("No such technique.")
    policy.require(request.user, "techniques.edit", technique)
    latest = technique.get_latest_revision_as_object()
    current = services.TechniqueDraft.from_page(latest)
    form = TechniqueForm(
        request.POST or None, initial=TechniqueForm.initial_from(current), objection_slots=len(current.objections)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.technique_update(technique=technique, editor=request.user, draft=form.to_draft())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Your changes were saved as a new revision and sent for review"
                + ("; the published version stays up until they are approved." if technique.live else "."),
            )
            return redirect("techniques:draft", pk=technique.pk)
    return render(
        request,
        "community/techniques/share.html",
        {
            "form": form,
            "technique": technique,
            "heading": f"Edit “{technique.title}”",
            "status": selectors.moderation_status(technique),
        },
        status=_status(request, form),
    )


@login_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest revision as it will look, for its author and managers (others get a 404)."""
    technique = get_object_or_404(TechniquePage.objects.select_related("author"), pk=pk)
    if not policy.allowed(request.user, "techniques.view_draft", technique):
        raise Http404("No such technique.")
    latest = technique.get_latest_revision_as_object()
    context = technique_context(request, latest, preview=True)
    context.update(
        {
            "page": latest,
            "technique": technique,
            "status": selectors.moderation_status(technique),
            "can_moderate": policy.allowed(request.user, "techniques.moderate"),
            "moderation_form": ModerationForm(),
            "can_edit": policy.allowed(request.user, "techniques.edit", technique),
        }
    )
    return render(request, "community/techniques/draft.html", context)


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "techniques.submit")
    return render(request, "community/techniques/submissions.html", {"rows": selectors.submissions_for(request.user)})


# --- Moderation -----------------------------------------------------------------------------


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "techniques.moderate")
    return render(
        request,
        "community/techniques/moderation.html",
        {"queue": selectors.moderation_queue(), "form": ModerationForm()},
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "techniques.moderate")
    technique = get_object_or_404(TechniquePage, pk=pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            services.technique_moderate(
                technique=technique,
                moderator=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if form.cleaned_data["action"] == "approve":
                messages.success(request, f"“{technique.title}” is published; {technique.author} was told.")
            else:
                messages.success(request, f"Changes requested; {technique.author} was told.")
            return redirect("techniques:moderation")
    return render(
        request,
        "community/techniques/moderation.html",
        {"queue": selectors.moderation_queue(), "form": ModerationForm(), "failed_form": form, "failed_pk": pk},
        status=422,
    )


# --- Reviews and practices ------------------------------------------------------------------


def _live_technique(request: HttpRequest, pk: int) -> TechniquePage:
    technique = TechniquePage.objects.live().filter(pk=pk).first()
    if technique is None:
        raise Http404("No such technique.")
    policy.require(request.user, "techniques.view")
    return technique


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    technique = _live_technique(request, pk)
    policy.require(request.user, "techniques.review", technique)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_save(
                technique=technique,
                reviewer=request.user,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Thank you for your review; the author was told.")
            return redirect(technique.url + "#reviews")
    return render(
        request,
        "community/techniques/form_page.html",
        {"form": form, "technique": technique, "heading": f"Review “{technique.title}”", "action": request.path},
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def practise(request: HttpRequest, pk: int) -> HttpResponse:
    """ "I used this": log a practice (the page's inline form posts here; this page shows errors)."""
    technique = _live_technique(request, pk)
    policy.require(request.user, "practices.log")
    form = _practice_form(request, technique, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            practice, _ = services.practice_log(
                actor=request.user,
                rep=request.user,
                technique=technique,
                response=data["response"],
                deal=data.get("deal"),
                persona=data.get("persona"),
                practised_at=form.practised_at(),
                note=data.get("note", ""),
            )
        except ValidationError as exc:
            _apply_errors(form, exc, {"practised_at": "practised_on"})
        else:
            if data["response"] == Response.PENDING:
                text = "Logged. We will ask you what happened when the deal moves."
            else:
                text = "Logged. Thank you: every practice makes the numbers more honest."
            if _wants_json(request):
                return JsonResponse({"message": text, "practice": _practice_json(practice)}, status=201)
            messages.success(request, text)
            return redirect(technique.url + "#practice")
    if request.method == "POST" and _wants_json(request):
        errors = [{"field": name, "message": str(message)} for name, msgs in form.errors.items() for message in msgs]
        return JsonResponse({"detail": "Please correct the marked fields.", "errors": errors}, status=422)
    return render(
        request,
        "community/techniques/form_page.html",
        {"form": form, "technique": technique, "heading": f"I used “{technique.title}”", "action": request.path},
        status=_status(request, form),
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _practice_json(practice: Practice) -> dict:
    decided = practice.response != Response.PENDING
    return {
        "id": practice.pk,
        "response": practice.response,
        "response_label": practice.get_response_display(),
        "success": (practice.response in success_responses()) if decided else None,
        "date_label": timezone.localtime(practice.practised_at).strftime("%-d %b"),
        "deal_name": practice.deal.name if practice.deal_id else "",
    }


# --- My practice --------------------------------------------------------------------------


@login_required
def my_practice(request: HttpRequest, username: str | None = None) -> HttpResponse:
    rep = request.user if username is None else get_object_or_404(User, username=username, is_active=True)
    policy.require(request.user, "practices.view_rep", rep)
    data = selectors.practice_overview(rep)
    context = {
        "rep": rep,
        "is_self": rep.pk == request.user.pk,
        **data,
        "followup_form": FollowupForm(),
        "success_responses": success_responses(),
    }
    weeks = data["weeks"]
    if any(w["uses"] for w in weeks):
        context["weeks_chart"] = charts.weekly_line(
            [(w["label"], w["uses"]) for w in weeks], label=f"{rep.name}'s practices per week", title="Practices"
        )
    stage_rows = [r for r in data["stages"] if r["decided"]]
    if stage_rows:
        context["stages_chart"] = charts.paired_rates(
            [{"label": r["stage"].name, "first": r["rate"], "second": r["team_rate"]} for r in stage_rows],
            label="Success rate per stage: yours against the team's",
            first="You" if rep.pk == request.user.pk else rep.name,
            second="Team",
        )
    technique_rows = [r for r in data["techniques"] if r["decided"]][:8]
    if technique_rows:
        context["techniques_chart"] = charts.paired_rates(
            [
                {"label": f"{r['technique'].title} (n={r['decided']})", "first": r["rate"], "second": r["team_rate"]}
                for r in technique_rows
            ],
            label="Success rate per technique: yours against everyone's",
            first="You" if rep.pk == request.user.pk else rep.name,
            second="Everyone",
        )
    return render(request, "community/techniques/my_practice.html", context)


@login_required
@require_POST
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_object_or_404(Practice.objects.select_related("technique", "deal"), pk=pk)
    policy.require(request.user, "practices.respond", practice)
    form = FollowupForm(request.POST)
    if form.is_valid():
        try:
            services.practice_respond(
                practice=practice,
                rep=request.user,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Thanks: “{practice.technique.title}” now counts this outcome.")
            return redirect("practice:mine")
    return render(
        request,
        "community/techniques/form_page.html",
        {"form": form, "heading": "What happened?", "action": request.path, "technique": practice.technique},
        status=422,
    )


# --- Managers -------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "outcomes.dashboard")
    data = selectors.dashboard()
    context = {**data, "queue_count": selectors.moderation_count()}
    context["adoption_chart"] = charts.weekly_line(
        [(w["label"], w["reps"]) for w in data["adoption"]], label="Reps practising per week", title="Reps practising"
    )
    if data["stages"]:
        context["stages_chart"] = charts.rate_bars(
            [
                {
                    "label": r["stage"].name,
                    "rate": r["rate"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "n": r["decided"],
                    "color": "#0b5cad",
                }
                for r in data["stages"]
            ],
            label="Team success rate per stage over the last 90 days, lowest first, with 95% intervals",
        )
    return render(request, "community/techniques/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "deals.import")
    form = DealImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = import_deals(
            deals=form.cleaned_data["deals"],
            practices=form.cleaned_data.get("practices"),
            actor=request.user,
        )
        if report.ok:
            messages.success(request, report.summary())
    status = 422 if request.method == "POST" and (form.errors or (report and not report.ok)) else 200
    return render(
        request,
        "community/techniques/import.html",
        {"form": form, "report": report, "now": timezone.now()},
        status=status,
    )
