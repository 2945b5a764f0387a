"""The techniques and outcomes API: /api/v1/techniques, /api/v1/practices, /api/v1/imports/deals.

Field names are a public contract (issue 3). Rates are fractions in [0, 1]; a null means the
number cannot be computed from the data yet.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts import policy
from accounts.models import User
from community.models import Deal, Evidence, Practice, Response, TechniquePage
from core.api import COMMON_ERRORS, Conflict, ErrorOut, FieldError, created_or_existing
from taxonomy.models import BuyerPersona, Industry, SalesStage, SkillTag

from . import selectors, services
from .imports import import_deals

router = Router(tags=["techniques and outcomes"])


# --- Schemas ------------------------------------------------------------------------------------


class TermOut(Schema):
    id: int
    name: str
    slug: str


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
    author: PersonOut | None
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
    segment: str = Field(..., description='"overall", "stage:<id>" or "persona:<id>"')
    label: str
    uses: int
    decided: int
    successes: int
    success_rate: float | None
    ci_low: float | None
    ci_high: float | None
    baseline_uses: int
    baseline_rate: float | None
    lift: float | None
    lift_ci_low: float | None
    lift_ci_high: float | None
    within_rep_lift: float | None
    within_rep_ci_low: float | None
    within_rep_ci_high: float | None
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
        return [
            {
                "segment": row.segment,
                "label": (row.details or {}).get("label", row.segment),
                **{name: getattr(row, name) for name in SegmentOut.model_fields if name not in ("segment", "label")},
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
    rep: PersonOut
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
    file: str
    line: int


class ImportReportOut(Schema):
    ok: bool
    detail: str
    deals: ImportCounts
    practices: ImportCounts
    followups: int
    errors: list[ImportRowError]


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
    response=list[TechniqueSummaryOut],
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


@router.get(
    "/techniques/{technique_id}",
    response={200: TechniqueDetailOut, **COMMON_ERRORS},
    summary="One technique with its full statistics",
)
def get_technique(request: HttpRequest, technique_id: int):
    policy.require(request.auth, "techniques.view")
    return technique_detail(_technique_or_404(request, technique_id))


@router.post(
    "/techniques",
    response={201: TechniqueDetailOut, **COMMON_ERRORS},
    summary="Share a technique (rainmakers): a draft submitted for moderation",
)
def create_technique(request: HttpRequest, payload: TechniqueIn):
    policy.require(request.auth, "techniques.submit")
    draft = services.TechniqueDraft(
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
    page = services.technique_submit(author=request.auth, draft=draft)
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
    return Status(*created_or_existing(practice_queryset().get(pk=practice.pk), created))


# --- Imports --------------------------------------------------------------------------------------


@router.post(
    "/imports/deals",
    response={200: ImportReportOut, 422: ImportReportOut, 401: ErrorOut, 403: ErrorOut},
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


__all__ = ["FieldError", "router"]
