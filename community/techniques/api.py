"""The techniques and outcomes API: techniques (authoring, moderation, peer review), practices
(logging, "what happened?", the rep's numbers), deals and imports, the manager dashboard and
the outcome settings.

Field names of /techniques, /practices and /imports/deals are a public contract (issue 3).
Rates are fractions in [0, 1]; a null means the number cannot be computed from the data yet.
"""

# No `from __future__ import annotations` here: django-ninja evaluates a paginated view's parameter
# types in the pagination wrapper's module, where names such as the Literal aliases below are unknown.

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts import policy
from accounts.models import User
from community.models import Deal, Evidence, OutcomeSettings, Practice, Response, TechniquePage, TechniqueReview
from community.models.outcomes import DECIDABLE_RESPONSES
from core.api import (
    COMMON_ERRORS,
    Conflict,
    ErrorOut,
    PersonRefOut,
    TermOut,
    created_or_existing,
    lookup,
    state_conflict,
)
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from . import selectors, services
from .imports import import_deals

router = Router(tags=["techniques and outcomes"])

# The buyer's responses (community.models.Response); "decided" ones exclude pending.
ResponseName = Literal[
    "pending", "meeting_booked", "next_step_agreed", "stage_advanced", "won", "lost", "stalled", "no_response"
]
DecidedResponse = Literal[
    "meeting_booked", "next_step_agreed", "stage_advanced", "won", "lost", "stalled", "no_response"
]


# --- Schemas ------------------------------------------------------------------------------------


class TechniqueSummaryOut(Schema):
    id: int
    title: str
    slug: str
    url: str
    summary: str
    live: bool
    stage: TermOut
    personas: list[TermOut]
    industries: list[TermOut]
    skills: list[TermOut]
    author: PersonRefOut | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    evidence: str = Field(..., description="not_enough_data, promising, proven, no_better or worse")
    evidence_label: str
    uses: int
    success_rate: float | None
    lift: float | None
    lift_ci_low: float | None
    lift_ci_high: float | None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.url or "" if obj.live else f"/techniques/{obj.pk}/draft/"

    @staticmethod
    def resolve_personas(obj) -> list:
        return list(obj.personas.all())

    @staticmethod
    def resolve_industries(obj) -> list:
        return list(obj.industries.all())

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())

    @staticmethod
    def resolve_evidence_label(obj) -> str:
        return Evidence(obj.evidence).label

    @staticmethod
    def resolve_uses(obj) -> int:
        return obj.uses_count


class SegmentOut(Schema):
    """Every statistic of one segment, as the technique's overall figures carry them."""

    segment: str = Field(..., description='"overall", "stage:<id>" or "persona:<id>"')
    label: str
    uses: int
    decided: int
    successes: int
    distinct_reps: int
    distinct_deals: int
    success_rate: float | None
    ci_low: float | None
    ci_high: float | None
    baseline_uses: int
    baseline_successes: int
    baseline_rate: float | None
    lift: float | None
    lift_ci_low: float | None
    lift_ci_high: float | None
    within_rep_lift: float | None
    within_rep_ci_low: float | None
    within_rep_ci_high: float | None
    win_rate_used: float | None = Field(..., description="Win rate of closed deals where it was used.")
    win_rate_not_used: float | None = Field(..., description="Win rate of comparable closed deals where it was not.")
    other_reps_uses: int = Field(..., description="Uses by reps other than the author.")
    other_reps_success_rate: float | None
    new_hire_uses: int = Field(..., description="Uses by new hires (their first 26 weeks).")
    new_hire_success_rate: float | None
    drifting: bool
    drift: str | None = Field(None, description='"down" (results slipping) or "up" over the last 90 days')
    evidence: str


class BlockOut(Schema):
    type: str
    value: dict | str
    html: str


_STAT_DEFAULTS = {
    "successes": 0,
    "decided": 0,
    "distinct_reps": 0,
    "distinct_deals": 0,
    "baseline_uses": 0,
    "other_reps_uses": 0,
    "new_hire_uses": 0,
    "drifting": False,
}


def _stat(name: str):
    """A resolver reading one number of the technique's overall statistics (attached as _overall)."""

    def resolve(obj):
        row = getattr(obj, "_overall", None)
        return _STAT_DEFAULTS.get(name) if row is None else getattr(row, name)

    return staticmethod(resolve)


class TechniqueDetailOut(TechniqueSummaryOut):
    body: list[BlockOut]
    body_html: str
    successes: int
    decided: int
    distinct_reps: int
    distinct_deals: int
    ci_low: float | None
    ci_high: float | None
    baseline_uses: int
    baseline_rate: float | None
    within_rep_lift: float | None
    within_rep_ci_low: float | None
    within_rep_ci_high: float | None
    win_rate_used: float | None
    win_rate_not_used: float | None
    other_reps_uses: int
    other_reps_success_rate: float | None
    new_hire_uses: int
    new_hire_success_rate: float | None
    drifting: bool
    drift: str | None = Field(None, description='"down" (results slipping) or "up" over the last 90 days')
    min_sample_size: int
    stats_updated_at: datetime | None
    segments: list[SegmentOut]

    resolve_successes = _stat("successes")
    resolve_decided = _stat("decided")
    resolve_distinct_reps = _stat("distinct_reps")
    resolve_distinct_deals = _stat("distinct_deals")
    resolve_ci_low = _stat("ci_low")
    resolve_ci_high = _stat("ci_high")
    resolve_baseline_uses = _stat("baseline_uses")
    resolve_baseline_rate = _stat("baseline_rate")
    resolve_within_rep_lift = _stat("within_rep_lift")
    resolve_within_rep_ci_low = _stat("within_rep_ci_low")
    resolve_within_rep_ci_high = _stat("within_rep_ci_high")
    resolve_win_rate_used = _stat("win_rate_used")
    resolve_win_rate_not_used = _stat("win_rate_not_used")
    resolve_other_reps_uses = _stat("other_reps_uses")
    resolve_other_reps_success_rate = _stat("other_reps_success_rate")
    resolve_new_hire_uses = _stat("new_hire_uses")
    resolve_new_hire_success_rate = _stat("new_hire_success_rate")
    resolve_drifting = _stat("drifting")

    @staticmethod
    def resolve_drift(obj) -> str | None:
        row = getattr(obj, "_overall", None)
        return (row.details or {}).get("drift") if row else None

    @staticmethod
    def resolve_body(obj) -> list[dict]:
        return obj._blocks

    @staticmethod
    def resolve_body_html(obj) -> str:
        return "".join(block["html"] for block in obj._blocks)

    @staticmethod
    def resolve_min_sample_size(obj) -> int:
        from community.models import OutcomeSettings

        return OutcomeSettings.current()["min_sample_size"]

    @staticmethod
    def resolve_segments(obj) -> list[dict]:
        computed = ("segment", "label", "drift")
        return [
            {
                "segment": row.segment,
                "label": (row.details or {}).get("label", row.segment),
                "drift": (row.details or {}).get("drift"),
                **{name: getattr(row, name) for name in SegmentOut.model_fields if name not in computed},
            }
            for _, row in sorted(obj._stats.items(), key=lambda kv: (kv[0] != "overall", kv[0]))
        ]


class ObjectionIn(Schema):
    objection: str = Field(..., max_length=300)
    reply: str = Field(..., max_length=10_000)


class TechniqueIn(Schema):
    title: str = Field(..., max_length=120)
    summary: str = Field(..., max_length=200)
    stage: str | int = Field(..., description="Stage id or slug")
    personas: list[str | int] = []
    industries: list[str | int] = []
    skills: list[str | int] = []
    situation: str = Field(..., max_length=10_000)
    approach: str = Field(..., max_length=10_000)
    talk_track: str = Field("", max_length=10_000)
    talk_track_context: str = Field("", max_length=200)
    objections: list[ObjectionIn] = Field([], max_length=5)
    pitfalls: str = Field("", max_length=10_000)


class DealOut(Schema):
    id: int
    external_id: str
    name: str
    account: str
    status: str


class TechniqueRefOut(Schema):
    id: int
    title: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.url or ""


class PracticeOut(Schema):
    id: int
    technique: TechniqueRefOut
    rep: PersonRefOut
    deal: DealOut | None
    stage: TermOut
    persona: TermOut | None
    practised_at: datetime
    response: str
    responded_at: datetime | None
    suggested_response: str
    note: str
    note_html: str
    source: str
    external_id: str | None
    created_at: datetime


class PracticeIn(Schema):
    technique: int | str = Field(..., description="Technique id or slug")
    response: str = Field(Response.PENDING, description="One of: " + ", ".join(Response.values))
    deal_id: str | None = Field(None, max_length=64, description="The CRM opportunity id of an imported deal")
    practised_at: datetime | None = Field(None, description="Defaults to now")
    stage: int | str | None = Field(None, description="Defaults to the technique's stage")
    persona: int | str | None = None
    note: str = Field("", max_length=4000)
    external_id: str | None = Field(None, max_length=128, description="Idempotency key: a repeat returns 200")
    rep: str | None = Field(None, description="Username or e-mail of the rep (managers only; default: you)")


class ImportCounts(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int


class ImportRowError(Schema):
    field: str
    message: str
    file: str = Field("", description="deals or practices (empty when the request itself is incomplete)")
    line: int | None = Field(None, description="The CSV line (1 is the header)")


class ImportReportOut(Schema):
    """The import's report; a request without its files answers 422 with `detail` and `errors` only."""

    ok: bool = False
    detail: str
    deals: ImportCounts | None = None
    practices: ImportCounts | None = None
    followups: int = 0
    errors: list[ImportRowError] = []


# --- Helpers ------------------------------------------------------------------------------------


def _term(model, value, field: str):
    if value in (None, ""):
        return None
    text = str(value)
    query = Q(pk=int(text)) if text.isdigit() else Q(slug__iexact=text) | Q(name__iexact=text)
    item = model.objects.filter(query).first()
    if item is None:
        raise ValidationError({field: f"Unknown {model._meta.verbose_name} “{text}”."})
    return item


def _terms(model, values: list, field: str) -> list:
    return [_term(model, v, field) for v in values]


def _draft_from(payload: TechniqueIn) -> services.TechniqueDraft:
    return services.TechniqueDraft(
        title=payload.title,
        summary=payload.summary,
        stage=_term(SalesStage, payload.stage, "stage"),
        personas=_terms(BuyerPersona, payload.personas, "personas"),
        industries=_terms(Industry, payload.industries, "industries"),
        skills=_terms(SkillTag, payload.skills, "skills"),
        situation=payload.situation,
        approach=payload.approach,
        talk_track=payload.talk_track,
        talk_track_context=payload.talk_track_context,
        objections=[(o.objection, o.reply) for o in payload.objections],
        pitfalls=payload.pitfalls,
    )


def _technique_or_404(request: HttpRequest, technique_id: int) -> TechniquePage:
    technique = (
        TechniquePage.objects.filter(pk=technique_id)
        .select_related("author", "stage")
        .prefetch_related("personas", "skills", "industries")
        .first()
    )
    if technique is None or (
        not technique.live and not policy.allowed(request.auth, "techniques.view_draft", technique)
    ):
        raise Http404("No technique with that id.")
    return technique


def technique_detail(technique: TechniquePage) -> TechniquePage:
    """The technique with what the detail schema reads attached (2 queries)."""
    technique._stats = selectors.technique_stats(technique)
    technique._overall = technique._stats.get("overall")
    technique._blocks = [
        {
            "type": block.block_type,
            "value": block.block.get_api_representation(block.value),
            "html": str(block.render()),
        }
        for block in technique.body
    ]
    return technique


# --- Techniques -----------------------------------------------------------------------------------


@router.get(
    "/techniques",
    response={200: list[TechniqueSummaryOut], **COMMON_ERRORS},
    summary="Published techniques with their evidence summary",
)
@paginate
def list_techniques(
    request: HttpRequest,
    stage: str | None = None,
    persona: str | None = None,
    tag: str | None = None,
    industry: str | None = None,
    q: str | None = None,
    sort: str = "evidence",
):
    """Filters take a slug or an id. `sort`: evidence (default), newest or practised."""
    policy.require(request.auth, "techniques.view")
    if sort not in selectors.SORTS:
        raise ValidationError({"sort": f"Use one of: {', '.join(selectors.SORTS)}."})
    return selectors.technique_list(stage=stage, persona=persona, tag=tag, industry=industry, q=q, sort=sort)


@router.post(
    "/techniques",
    response={201: TechniqueDetailOut, **COMMON_ERRORS},
    summary="Share a technique (rainmakers): a draft submitted for moderation",
)
def create_technique(request: HttpRequest, payload: TechniqueIn):
    policy.require(request.auth, "techniques.submit")
    page = services.technique_submit(author=request.auth, draft=_draft_from(payload))
    return Status(201, technique_detail(_technique_or_404(request, page.pk)))


# --- Practices ----------------------------------------------------------------------------------


def practice_queryset():
    return Practice.objects.select_related("technique", "rep", "deal", "stage", "persona")


@router.post(
    "/practices",
    response={201: PracticeOut, 200: PracticeOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="Log a practice (idempotent with external_id)",
)
def create_practice(request: HttpRequest, payload: PracticeIn):
    """201 with the new practice; 200 with the original when `external_id` was seen before."""
    policy.require(request.auth, "practices.log")
    rep = request.auth
    if payload.rep:
        policy.require(request.auth, "practices.log_for_others")
        rep = User.objects.filter(Q(username=payload.rep) | Q(email__iexact=payload.rep), is_active=True).first()
        if rep is None:
            raise ValidationError({"rep": f"No active team member “{payload.rep}”."})
    if payload.external_id:
        existing = practice_queryset().filter(external_id=payload.external_id).first()
        if existing is not None:
            if existing.rep_id != rep.pk:
                raise Conflict("This external_id already identifies another rep's practice; use a new key.")
            return Status(*created_or_existing(existing, False))
    text = str(payload.technique)
    technique = (
        TechniquePage.objects.live()
        .filter(Q(pk=int(text)) if text.isdigit() else Q(slug=text))
        .select_related("stage")
        .first()
    )
    if technique is None:
        raise ValidationError({"technique": f"No published technique “{text}”."})
    deal = None
    if payload.deal_id:
        deal = Deal.objects.filter(external_id=payload.deal_id).first()
        if deal is None:
            raise ValidationError({"deal_id": f"No imported deal has the CRM id “{payload.deal_id}”."})
    if payload.response not in Response.values:
        raise ValidationError({"response": f"Use one of: {', '.join(Response.values)}."})
    try:
        practice, created = services.practice_log(
            actor=request.auth,
            rep=rep,
            technique=technique,
            response=payload.response,
            deal=deal,
            stage=_term(SalesStage, payload.stage, "stage"),
            persona=_term(BuyerPersona, payload.persona, "persona"),
            practised_at=payload.practised_at,
            note=payload.note,
            source="api",
            external_id=payload.external_id,
        )
    except services.ExternalIdTaken:
        raise Conflict("This external_id already identifies another rep's practice; use a new key.") from None
    except ValidationError as exc:
        # The service names the model's field; the API's is the CRM id the caller sent.
        if hasattr(exc, "error_dict") and "deal" in exc.error_dict:
            exc.error_dict["deal_id"] = exc.error_dict.pop("deal")
        raise
    return Status(*created_or_existing(practice_queryset().get(pk=practice.pk), created))


# --- Imports --------------------------------------------------------------------------------------


@router.post(
    "/imports/deals",
    response={200: ImportReportOut, 422: ImportReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Import deals (and optionally practices) from CSV; all-or-nothing",
)
def import_deals_endpoint(
    request: HttpRequest,
    deals: UploadedFile = File(...),  # noqa: B008 - ninja declares parameters this way
    practices: UploadedFile | None = File(None),  # noqa: B008
):
    """Multipart form with `deals` (and optionally `practices`), the same files and report as
    `python manage.py import_deals`. Any bad row: 422, nothing written, every bad row listed."""
    policy.require(request.auth, "deals.import")
    report = import_deals(deals=deals, practices=practices, actor=request.auth)
    body = report.as_dict()
    body["detail"] = report.summary()
    body["errors"] = [{**e, "field": f"{e['file']}[line {e['line']}].{e['field']}"} for e in body["errors"]]
    return Status(200 if report.ok else 422, body)


# --- Authoring: drafts, edits and the author's submissions ----------------------------------------


class ObjectionOut(Schema):
    objection: str
    reply: str


class ModeratorCommentOut(Schema):
    comment: str
    by: PersonRefOut | None
    at: datetime | None


class TechniqueDraftOut(Schema):
    """The latest revision of a technique, in the fields `PUT /techniques/{id}` takes, with its moderation state."""

    id: int
    url: str = Field(..., description="The draft preview page (author and managers).")
    live_url: str | None = Field(..., description="The published page, when there is one.")
    live: bool
    status: str = Field(..., description="draft, in_moderation, needs_changes or live")
    status_label: str
    moderator_comment: ModeratorCommentOut | None
    author: PersonRefOut | None
    updated_at: datetime | None
    title: str
    summary: str
    stage: TermOut | None
    personas: list[TermOut]
    industries: list[TermOut]
    skills: list[TermOut]
    situation: str
    approach: str
    talk_track: str
    talk_track_context: str
    objections: list[ObjectionOut]
    pitfalls: str


def _draft_out(technique: TechniquePage) -> dict:
    """The technique's latest revision and moderation state (a fixed number of queries)."""
    latest = technique.get_latest_revision_as_object()
    draft = services.TechniqueDraft.from_page(latest)
    moderation = selectors.moderation_status(technique)
    status, label = selectors.submission_status(technique, moderation["state"])
    comment = moderation["comment"]
    return {
        "id": technique.pk,
        "url": f"/techniques/{technique.pk}/draft/",
        "live_url": (technique.url or None) if technique.live else None,
        "live": technique.live,
        "status": status,
        "status_label": label,
        "moderator_comment": {"comment": comment.comment, "by": comment.finished_by, "at": comment.finished_at}
        if comment
        else None,
        "author": technique.author,
        "updated_at": technique.latest_revision_created_at,
        "title": draft.title,
        "summary": draft.summary,
        "stage": draft.stage,
        "personas": draft.personas,
        "industries": draft.industries,
        "skills": draft.skills,
        "situation": draft.situation,
        "approach": draft.approach,
        "talk_track": draft.talk_track,
        "talk_track_context": draft.talk_track_context,
        "objections": [{"objection": o, "reply": r} for o, r in draft.objections],
        "pitfalls": draft.pitfalls,
    }


def _technique_for_author(request: HttpRequest, technique_id: int) -> TechniquePage:
    """Any technique the caller may see the draft of (its author, managers); 404 otherwise."""
    technique = TechniquePage.objects.filter(pk=technique_id).select_related("author").first()
    if technique is None or not policy.allowed(request.auth, "techniques.view_draft", technique):
        raise Http404("No technique with that id.")
    return technique


class SubmissionOut(Schema):
    id: int
    title: str
    url: str
    live_url: str | None
    stage: TermOut | None
    status: str = Field(..., description="draft, in_moderation, needs_changes or live")
    status_label: str
    moderator_comment: ModeratorCommentOut | None
    updated_at: datetime | None


@router.get(
    "/techniques/submissions",
    response={200: list[SubmissionOut], **COMMON_ERRORS},
    summary="Your techniques and where each stands in moderation (rainmakers)",
)
@paginate
def list_submissions(request: HttpRequest):
    """Newest revision first, each with its status and the last moderator's comment (three queries)."""
    policy.require(request.auth, "techniques.submit")
    return [
        {
            "id": row["page"].pk,
            "title": row["page"].draft_title or row["page"].title,
            "url": f"/techniques/{row['page'].pk}/draft/",
            "live_url": (row["page"].url or None) if row["page"].live else None,
            "stage": row["page"].stage,
            "status": row["status"],
            "status_label": row["label"],
            "moderator_comment": {
                "comment": row["comment"].comment,
                "by": row["comment"].finished_by,
                "at": row["comment"].finished_at,
            }
            if row["comment"]
            else None,
            "updated_at": row["page"].latest_revision_created_at,
        }
        for row in selectors.submissions_for(request.auth)
    ]


@router.get(
    "/techniques/{technique_id}/draft",
    response={200: TechniqueDraftOut, **COMMON_ERRORS},
    summary="A technique's latest revision and moderation state (its author and managers)",
)
def get_draft(request: HttpRequest, technique_id: int):
    """What the next publication would show; the published version (if any) is `GET /techniques/{id}`."""
    return _draft_out(_technique_for_author(request, technique_id))


# --- Moderation (managers) ----------------------------------------------------------------------------


class QueueItemOut(Schema):
    id: int = Field(..., description="The technique's id (moderate it with POST /techniques/{id}/moderate).")
    title: str
    summary: str
    url: str = Field(..., description="The draft preview page.")
    stage: TermOut | None
    situation: str = Field(..., description="The start of the situation, as plain text.")
    approach: str = Field(..., description="The start of the approach, as plain text.")
    author: PersonRefOut | None
    submitted_by: PersonRefOut | None
    submitted_at: datetime
    is_edit: bool = Field(..., description="True when an already published technique was edited.")


class TechniqueModerateIn(Schema):
    action: Literal["approve", "reject"]
    comment: str = Field("", max_length=2000, description="Required to reject: the author sees it.")


@router.get(
    "/techniques/moderation",
    response={200: list[QueueItemOut], **COMMON_ERRORS},
    summary="Techniques waiting for a manager (oldest first)",
)
@paginate
def moderation_queue(request: HttpRequest):
    """The latest revision of each submission (four queries, however long the queue)."""
    policy.require(request.auth, "techniques.moderate")
    return [
        {
            "id": item.page.pk,
            "title": item.title,
            "summary": item.summary,
            "url": f"/techniques/{item.page.pk}/draft/",
            "stage": item.stage,
            "situation": item.situation,
            "approach": item.approach,
            "author": item.page.author,
            "submitted_by": item.state.requested_by,
            "submitted_at": item.submitted_at,
            "is_edit": item.is_edit,
        }
        for item in selectors.moderation_queue()
    ]


@router.post(
    "/techniques/{technique_id}/moderate",
    response={200: TechniqueDraftOut, 409: ErrorOut, **COMMON_ERRORS},
    summary="Approve (publish) or reject a submitted technique (managers)",
)
def moderate(request: HttpRequest, technique_id: int, payload: TechniqueModerateIn):
    """`approve` publishes the latest revision; `reject` sends it back to the author with `comment`.
    The author is notified either way. A technique that is not waiting for moderation answers 409."""
    policy.require(request.auth, "techniques.moderate")
    technique = get_object_or_404(TechniquePage.objects.select_related("author"), pk=technique_id)
    try:
        services.technique_moderate(
            technique=technique, moderator=request.auth, action=payload.action, comment=payload.comment
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise state_conflict(exc) from exc
    return _draft_out(_technique_for_author(request, technique.pk))


# --- Peer reviews --------------------------------------------------------------------------------------


class ReviewOut(Schema):
    id: int
    technique_id: int
    url: str
    reviewer: PersonRefOut
    verdict: str = Field(..., description="endorse or request_changes")
    verdict_label: str
    comment: str
    comment_html: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj) -> str:
        return f"{obj.technique.url or ''}#reviews"

    @staticmethod
    def resolve_verdict_label(obj) -> str:
        return obj.get_verdict_display()


class ReviewIn(Schema):
    verdict: Literal["endorse", "request_changes"]
    comment: str = Field("", max_length=4000, description="Markdown; required to request changes.")


@router.get(
    "/techniques/{technique_id}/reviews",
    response={200: list[ReviewOut], **COMMON_ERRORS},
    summary="Peer reviews of a technique",
)
@paginate
def list_reviews(request: HttpRequest, technique_id: int):
    """Rainmakers' endorsements and requests for changes, latest first."""
    policy.require(request.auth, "techniques.view")
    technique = _technique_or_404(request, technique_id)
    return technique.reviews.select_related("reviewer", "technique").order_by("-updated_at", "-pk")


@router.post(
    "/techniques/{technique_id}/reviews",
    response={200: ReviewOut, 201: ReviewOut, **COMMON_ERRORS},
    summary="Endorse a technique or request changes (rainmakers, not on their own)",
)
def review(request: HttpRequest, technique_id: int, payload: ReviewIn):
    """One review per rainmaker and technique: the first answers 201, posting again replaces it (200).
    The author is notified."""
    technique = TechniquePage.objects.live().filter(pk=technique_id).first()
    if technique is None:
        raise Http404("No published technique with that id.")
    policy.require(request.auth, "techniques.review", technique)
    existed = TechniqueReview.objects.filter(technique=technique, reviewer=request.auth).exists()
    saved = services.review_save(
        technique=technique, reviewer=request.auth, verdict=payload.verdict, comment=payload.comment
    )
    saved = TechniqueReview.objects.select_related("reviewer", "technique").get(pk=saved.pk)
    return Status(*created_or_existing(saved, not existed))


# --- Practices: lists, "what happened?" and the numbers ------------------------------------------------


class PracticePatchIn(Schema):
    response: DecidedResponse = Field(..., description="What the buyer did")
    note: str | None = Field(None, max_length=4000, description="Markdown; replaces the note when given.")


def _rep_param(request: HttpRequest, rep: str | None) -> User:
    if not rep:
        return request.auth
    user = User.objects.filter(username=rep, is_active=True).first()
    if user is None:
        raise Http404("No active team member with that username.")
    return user


@router.get("/practices", response={200: list[PracticeOut], **COMMON_ERRORS}, summary="A rep's practices")
@paginate
def list_practices(
    request: HttpRequest,
    rep: str | None = Query(
        None,
        description="Username; default you. Managers, and the rep's mentor in an active mentorship, may ask for a rep.",
    ),
    technique: str | None = Query(None, description="Technique id or slug"),
    response: ResponseName | None = Query(None, description="pending: waiting for 'what happened?'"),  # noqa: B008
    deal_id: str | None = Query(None, description="The CRM opportunity id"),
):
    """Newest first."""
    target = _rep_param(request, rep)
    policy.require(request.auth, "practices.view_rep", target)
    technique_obj = lookup(TechniquePage.objects.all(), technique, field="technique", label="technique", by_name=False)
    deal = None
    if deal_id:
        deal = Deal.objects.filter(external_id=deal_id).first()
        if deal is None:
            raise ValidationError({"deal_id": [f"No imported deal has the CRM id “{deal_id}”."]})
    return selectors.practice_list(rep=target, technique=technique_obj, response=response or "", deal=deal)


def _practice_or_404(request: HttpRequest, practice_id: int) -> Practice:
    practice = practice_queryset().filter(pk=practice_id).first()
    if practice is None or not policy.allowed(request.auth, "practices.view_rep", practice.rep):
        raise Http404("No practice with that id.")
    return practice


class RateOut(Schema):
    decided: int
    successes: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


class TechniqueRateOut(RateOut):
    technique: TechniqueRefOut
    uses: int
    team_rate: float | None = Field(..., description="Everyone's success rate with this technique.")


class StageRateOut(RateOut):
    stage: TermOut
    team_decided: int
    team_rate: float | None


class TechniqueSuggestionOut(Schema):
    technique: TechniqueRefOut
    evidence: str
    lift: float | None
    uses: int


class WeekOut(Schema):
    week: date
    uses: int
    decided: int
    successes: int


class TotalsOut(Schema):
    total: int
    decided: int
    successes: int
    rate: float | None
    pending: int
    week: int
    week_decided: int
    week_successes: int
    week_rate: float | None
    month: int
    month_decided: int
    month_successes: int
    month_rate: float | None


class FollowupOut(Schema):
    id: int
    url: str
    technique: TechniqueRefOut
    deal: DealOut | None
    practised_at: datetime
    suggested_response: str = Field(..., description="The likely answer when the deal moved in the CRM, or empty.")


class PracticeSummaryOut(Schema):
    rep: PersonRefOut
    url: str
    totals: TotalsOut
    techniques: list[TechniqueRateOut]
    stages: list[StageRateOut]
    weakest_stage: StageRateOut | None = Field(..., description="Where you lag the team most (5+ decided uses).")
    suggestions: list[TechniqueSuggestionOut] = Field(..., description="Techniques with evidence at the weakest stage.")
    weeks: list[WeekOut] = Field(..., description="The last 12 weeks, oldest first.")
    followups: list[FollowupOut] = Field(..., description="Pending practices awaiting 'what happened?' (20 at most).")


@router.get(
    "/practices/summary",
    response={200: PracticeSummaryOut, **COMMON_ERRORS},
    summary="'My practice' numbers: return on effort, per technique and per stage",
)
def practice_summary(
    request: HttpRequest,
    rep: str | None = Query(
        None,
        description="Username; default you. Managers, and the rep's mentor in an active mentorship, may ask for a rep.",
    ),
):
    """Everything on the "My practice" page, with sample sizes and 95% intervals; a null rate means
    there is no decided practice to compute it from. A fixed number of queries."""
    target = _rep_param(request, rep)
    policy.require(request.auth, "practices.view_rep", target)
    data = selectors.practice_overview(target)
    return {
        "rep": target,
        "url": "/practice/" if target.pk == request.auth.pk else f"/practice/{target.username}/",
        "totals": data["totals"],
        "techniques": data["techniques"],
        "stages": data["stages"],
        "weakest_stage": data["weakest"],
        "suggestions": [
            {"technique": row.technique, "evidence": row.evidence, "lift": row.lift, "uses": row.uses}
            for row in data["suggestions"]
        ],
        "weeks": data["weeks"],
        "followups": [
            {
                "id": p.pk,
                "url": f"/practice/#followup-{p.pk}",
                "technique": p.technique,
                "deal": p.deal,
                "practised_at": p.practised_at,
                "suggested_response": p.suggested_response,
            }
            for p in data["followups"]
        ],
    }


# --- Deals ----------------------------------------------------------------------------------------


class DealDetailOut(DealOut):
    amount: Decimal | None
    currency: str
    stage: TermOut | None
    industry: TermOut | None
    owner: PersonRefOut | None
    created_date: date | None
    closed_date: date | None
    imported_at: datetime
    updated_at: datetime


@router.get("/deals", response={200: list[DealDetailOut], **COMMON_ERRORS}, summary="Deals imported from the CRM")
@paginate
def list_deals(
    request: HttpRequest,
    owner: str | None = Query(
        None,
        description="Username (default: you; managers, and the rep's active mentor, may ask for a rep), "
        "or `all` (managers).",
    ),
    status: Literal["open", "won", "lost"] | None = Query(None),
    external_id: str | None = Query(None, max_length=64, description="The CRM opportunity id"),
):
    """Open deals first, then the newest."""
    if owner == "all":
        policy.require(request.auth, "deals.import")
        target = None
    else:
        target = _rep_param(request, owner)
        policy.require(request.auth, "practices.view_rep", target)
    return selectors.deal_list(owner=target, status=status or "", external_id=external_id or "")


# --- Managers: the dashboard and the outcome settings ---------------------------------------------------


class AdoptionWeekOut(Schema):
    week: date
    reps: int
    uses: int
    share: float | None = Field(..., description="Reps practising / team size (managers excluded).")


class TeamStageOut(RateOut):
    stage: TermOut


class RankedTechniqueOut(Schema):
    id: int
    title: str
    url: str
    stage: TermOut
    author: PersonRefOut | None
    evidence: str
    evidence_label: str
    uses: int
    success_rate: float | None
    lift: float | None
    lift_ci_low: float | None
    lift_ci_high: float | None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.url or ""

    @staticmethod
    def resolve_evidence_label(obj) -> str:
        return Evidence(obj.evidence).label

    @staticmethod
    def resolve_uses(obj) -> int:
        return obj.uses_count


class DashboardCountsOut(Schema):
    followups: int = Field(..., description="Pending practices whose deal moved (reps were asked what happened).")
    last_30: int = Field(..., description="Practices logged in the last 30 days.")
    moderation_queue: int


class DashboardOut(Schema):
    url: str
    team_size: int
    adoption: list[AdoptionWeekOut] = Field(..., description="The last 26 weeks, oldest first.")
    stages: list[TeamStageOut] = Field(..., description="Team success rate per stage, last 90 days, lowest first.")
    techniques: list[RankedTechniqueOut] = Field(..., description="Published techniques, strongest evidence first.")
    evidence_counts: dict[str, int]
    counts: DashboardCountsOut


@router.get(
    "/outcomes/dashboard",
    response={200: DashboardOut, **COMMON_ERRORS},
    summary="The manager dashboard: adoption, stages and which techniques work",
)
def dashboard(request: HttpRequest):
    policy.require(request.auth, "outcomes.dashboard")
    data = selectors.dashboard()
    return {
        "url": "/techniques/dashboard/",
        "team_size": data["team_size"],
        "adoption": data["adoption"],
        "stages": data["stages"],
        "techniques": data["ranked"],
        "evidence_counts": {str(k): v for k, v in data["evidence_counts"].items()},
        "counts": {**data["counts"], "moderation_queue": selectors.moderation_count()},
    }


class ChoiceOut(Schema):
    value: str
    label: str


class OutcomeSettingsOut(Schema):
    success_responses: list[str] = Field(..., description="Responses that count as a success.")
    min_sample_size: int = Field(..., description="Below this many decided uses a technique shows 'not enough data'.")
    responses: list[ChoiceOut] = Field(..., description="The responses that can count as a success.")


class OutcomeSettingsIn(Schema):
    success_responses: list[DecidedResponse] = Field(..., min_length=1, max_length=10)
    min_sample_size: int = Field(..., ge=5, le=1000)


def _settings_out() -> dict:
    current = OutcomeSettings.current()
    return {**current, "responses": [{"value": v, "label": label} for v, label in DECIDABLE_RESPONSES]}


@router.get(
    "/outcomes/settings",
    response={200: OutcomeSettingsOut, **COMMON_ERRORS},
    summary="How outcomes are judged: what counts as a success, how much data is enough",
)
def get_outcome_settings(request: HttpRequest):
    policy.require(request.auth, "techniques.view")
    return _settings_out()


@router.put(
    "/outcomes/settings",
    response={200: OutcomeSettingsOut, **COMMON_ERRORS},
    summary="Change how outcomes are judged (managers); every technique is recomputed",
)
def put_outcome_settings(request: HttpRequest, payload: OutcomeSettingsIn):
    """The same settings as the CMS's Settings → Outcomes. The numbers are recomputed in the background."""
    services.outcome_settings_update(
        user=request.auth, success_responses=payload.success_responses, min_sample_size=payload.min_sample_size
    )
    return _settings_out()


# --- Routes with a path parameter come last: /x/{id} must not shadow /x/summary and friends ---


@router.get(
    "/techniques/{technique_id}",
    response={200: TechniqueDetailOut, **COMMON_ERRORS},
    summary="One technique with its full statistics",
)
def get_technique(request: HttpRequest, technique_id: int):
    policy.require(request.auth, "techniques.view")
    return technique_detail(_technique_or_404(request, technique_id))


@router.put(
    "/techniques/{technique_id}",
    response={200: TechniqueDraftOut, **COMMON_ERRORS},
    summary="Edit a technique: a new revision, sent for moderation again",
)
def update_technique(request: HttpRequest, technique_id: int, payload: TechniqueIn):
    """The whole technique, as `POST /techniques` takes it. The published version stays up until a
    manager approves the edit; blocks added in the CMS (rich text, quotes) are kept."""
    technique = TechniquePage.objects.filter(pk=technique_id).select_related("author").first()
    if technique is None or (
        not technique.live and not policy.allowed(request.auth, "techniques.view_draft", technique)
    ):
        raise Http404("No technique with that id.")
    policy.require(request.auth, "techniques.edit", technique)
    services.technique_update(technique=technique, editor=request.auth, draft=_draft_from(payload))
    return _draft_out(_technique_for_author(request, technique.pk))


@router.get("/practices/{practice_id}", response={200: PracticeOut, **COMMON_ERRORS}, summary="One practice")
def get_practice(request: HttpRequest, practice_id: int):
    return _practice_or_404(request, practice_id)


@router.patch(
    "/practices/{practice_id}",
    response={200: PracticeOut, **COMMON_ERRORS},
    summary="Say what happened: the buyer's response to a practice (the rep only)",
)
def respond(request: HttpRequest, practice_id: int, payload: PracticePatchIn):
    """Answers the "what happened?" follow-up of a pending practice (or corrects a response);
    the technique's numbers are recomputed."""
    practice = _practice_or_404(request, practice_id)
    policy.require(request.auth, "practices.respond", practice)
    services.practice_respond(practice=practice, rep=request.auth, response=payload.response, note=payload.note)
    return practice_queryset().get(pk=practice.pk)
