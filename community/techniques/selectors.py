"""Reads for the techniques pages and API; every queryset carries its joins (constant queries)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

from community.models import Deal, Evidence, Practice, Response, TechniquePage, TechniqueReview, TechniqueStats
from community.selectors import stage_success_rates, success_responses
from core.markdown import plain_text
from taxonomy.models import SalesStage

from .stats import wilson_interval

SORTS = {
    "evidence": "Strongest evidence",
    "newest": "Newest",
    "practised": "Most practised",
}
EVIDENCE_ORDER = [
    Evidence.PROVEN,
    Evidence.PROMISING,
    Evidence.NOT_ENOUGH_DATA,
    Evidence.NO_BETTER,
    Evidence.WORSE,
]


def evidence_rank() -> Case:
    return Case(
        *[When(evidence=value, then=Value(i)) for i, value in enumerate(EVIDENCE_ORDER)],
        default=Value(len(EVIDENCE_ORDER)),
        output_field=IntegerField(),
    )


def _term(field: str, value: str | int | None) -> Q:
    if value in (None, ""):
        return Q()
    text = str(value)
    return Q(**{f"{field}__pk": int(text)}) if text.isdigit() else Q(**{f"{field}__slug": text})


def technique_list(
    *,
    stage: str | int | None = None,
    persona: str | int | None = None,
    industry: str | int | None = None,
    tag: str | int | None = None,
    q: str | None = None,
    sort: str = "evidence",
) -> QuerySet[TechniquePage]:
    """Published techniques, filtered and sorted, with author, stage and tags joined."""
    qs = (
        TechniquePage.objects.live()
        .select_related("author", "stage")
        .prefetch_related("personas", "skills", "industries")
    )
    qs = qs.filter(_term("stage", stage))
    for name, value in (("personas", persona), ("industries", industry), ("skills", tag)):
        if value not in (None, ""):
            qs = qs.filter(pk__in=TechniquePage.objects.filter(_term(name, value)).values("pk"))
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    if sort == "newest":
        return qs.order_by("-first_published_at", "-pk")
    if sort == "practised":
        return qs.order_by("-uses_count", "-first_published_at", "-pk")
    return qs.annotate(evidence_rank=evidence_rank()).order_by(
        "evidence_rank", F("lift").desc(nulls_last=True), "-uses_count", "-pk"
    )


def technique_stats(technique: TechniquePage) -> dict[str, TechniqueStats]:
    return {row.segment: row for row in TechniqueStats.objects.filter(technique=technique)}


def technique_reviews(technique: TechniquePage) -> list[TechniqueReview]:
    return list(technique.reviews.select_related("reviewer").order_by("-updated_at"))


def rep_deals(rep) -> QuerySet[Deal]:
    """The rep's open deals first, then recently closed ones (what "I used this" offers)."""
    since = timezone.localdate() - timedelta(days=60)
    return (
        Deal.objects.filter(owner=rep)
        .filter(Q(status=Deal.Status.OPEN) | Q(closed_date__gte=since))
        .select_related("stage")
        .order_by(Case(When(status=Deal.Status.OPEN, then=0), default=1), "-created_date", "name")[:50]
    )


def practice_list(*, rep, technique: TechniquePage | None = None, response: str = "", deal: Deal | None = None):
    """A rep's practices, newest first, with what a row shows joined (the API's list)."""
    qs = Practice.objects.filter(rep=rep).select_related("technique", "rep", "deal", "stage", "persona")
    if technique is not None:
        qs = qs.filter(technique=technique)
    if response:
        qs = qs.filter(response=response)
    if deal is not None:
        qs = qs.filter(deal=deal)
    return qs.order_by("-practised_at", "-pk")


def deal_list(*, owner=None, status: str = "", external_id: str = "") -> QuerySet[Deal]:
    """Imported deals (one owner's, or everyone's with owner=None), open first, newest first."""
    qs = Deal.objects.select_related("stage", "owner", "industry")
    if owner is not None:
        qs = qs.filter(owner=owner)
    if status:
        qs = qs.filter(status=status)
    if external_id:
        qs = qs.filter(external_id=external_id)
    return qs.order_by(Case(When(status=Deal.Status.OPEN, then=0), default=1), "-created_date", "name", "pk")


def my_recent_practices(*, rep, technique: TechniquePage, limit: int = 5) -> list[Practice]:
    return list(
        Practice.objects.filter(rep=rep, technique=technique).select_related("deal").order_by("-practised_at")[:limit]
    )


# --- Moderation -----------------------------------------------------------------------------


def _technique_states() -> QuerySet[WorkflowState]:
    return WorkflowState.objects.filter(base_content_type=ContentType.objects.get_for_model(Page))


def _submitted() -> QuerySet[WorkflowState]:
    """Workflow states of techniques waiting for a manager."""
    return WorkflowState.objects.filter(
        content_type=ContentType.objects.get_for_model(TechniquePage), status=WorkflowState.STATUS_IN_PROGRESS
    )


def moderation_count() -> int:
    return _submitted().count()


@dataclass
class Submission:
    """What the moderation queue shows of the revision waiting for approval."""

    page: TechniquePage
    state: WorkflowState
    title: str
    summary: str
    stage: SalesStage | None
    situation: str
    approach: str
    submitted_at: datetime
    is_edit: bool


def _revision_blocks(content: dict) -> dict[str, object]:
    body = content.get("body") or []
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            body = []
    return {b.get("type"): b.get("value") for b in reversed(body) if isinstance(b, dict)}


def moderation_queue() -> list[Submission]:
    """Submissions waiting for a manager, oldest first, read from their latest revision (4 queries)."""
    states = list(
        _submitted().select_related("requested_by", "current_task_state").order_by("current_task_state__started_at")
    )
    pages = {
        p.pk: p
        for p in TechniquePage.objects.filter(pk__in=[int(s.object_id) for s in states]).select_related(
            "author", "latest_revision"
        )
    }
    stages = {s.pk: s for s in SalesStage.objects.all()} if pages else {}
    out = []
    for state in states:
        page = pages.get(int(state.object_id))
        if page is None:
            continue
        content = page.latest_revision.content if page.latest_revision else {}
        blocks = _revision_blocks(content)
        out.append(
            Submission(
                page=page,
                state=state,
                title=content.get("title") or page.title,
                summary=content.get("summary") or page.summary,
                stage=stages.get(content.get("stage") or page.stage_id),
                situation=plain_text(str(blocks.get("situation") or ""), 260),
                approach=plain_text(str(blocks.get("approach") or ""), 260),
                submitted_at=state.current_task_state.started_at if state.current_task_state else state.created_at,
                is_edit=page.live,
            )
        )
    return out


def submissions_for(user) -> list[dict]:
    """A rainmaker's techniques with their moderation status and the last moderator comment."""
    pages = list(
        TechniquePage.objects.filter(author=user).select_related("stage").order_by("-latest_revision_created_at")
    )
    ids = [str(p.pk) for p in pages]
    states = {
        s.object_id: s
        for s in _technique_states()
        .filter(object_id__in=ids)
        .filter(status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES])
    }
    comments = {}
    for ts in (
        TaskState.objects.filter(workflow_state__object_id__in=ids, workflow_state__base_content_type__model="page")
        .exclude(comment="")
        .select_related("finished_by", "workflow_state")
        .order_by("finished_at")
    ):
        comments[ts.workflow_state.object_id] = ts
    out = []
    for page in pages:
        status, label = submission_status(page, states.get(str(page.pk)))
        out.append({"page": page, "status": status, "label": label, "comment": comments.get(str(page.pk))})
    return out


def submission_status(page: TechniquePage, state: WorkflowState | None) -> tuple[str, str]:
    """(status, label) of a technique for its author: needs_changes, in_moderation, draft or live."""
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "needs_changes", "Changes requested"
    if state:
        return "in_moderation", "Waiting for a manager"
    if page.live and page.has_unpublished_changes:
        return "draft", "Unsubmitted changes"
    if page.live:
        return "live", "Published"
    return "draft", "Draft"


def moderation_status(page: TechniquePage) -> dict:
    """The moderation state of one technique, for its author and managers."""
    state = (
        _technique_states()
        .filter(
            object_id=str(page.pk), status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
        )
        .first()
    )
    comment = (
        TaskState.objects.filter(
            workflow_state__object_id=str(page.pk), workflow_state__base_content_type__model="page"
        )
        .exclude(comment="")
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    return {"state": state, "comment": comment}


# --- Home and profile sections ------------------------------------------------------------------


def new_techniques(limit: int = 5) -> list[TechniquePage]:
    return list(
        TechniquePage.objects.live().select_related("author", "stage").order_by("-first_published_at", "-pk")[:limit]
    )


def techniques_by(user, limit: int = 10) -> list[TechniquePage]:
    return list(
        TechniquePage.objects.live()
        .filter(author=user)
        .select_related("stage")
        .annotate(evidence_rank=evidence_rank())
        .order_by("evidence_rank", "-uses_count")[:limit]
    )


# --- My practice ------------------------------------------------------------------------------


def _week_start(day) -> datetime:
    return day - timedelta(days=day.weekday())


def practice_overview(rep, *, now: datetime | None = None) -> dict:
    """Everything on a rep's "My practice" page, in a fixed number of queries."""
    now = now or timezone.now()
    success = success_responses()
    decided_q = ~Q(response=Response.PENDING)
    success_q = Q(response__in=success)
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    mine = Practice.objects.filter(rep=rep)
    totals = mine.aggregate(
        total=Count("id"),
        decided=Count("id", filter=decided_q),
        successes=Count("id", filter=success_q),
        week=Count("id", filter=Q(practised_at__gte=week)),
        week_decided=Count("id", filter=Q(practised_at__gte=week) & decided_q),
        week_successes=Count("id", filter=Q(practised_at__gte=week) & success_q),
        month=Count("id", filter=Q(practised_at__gte=month)),
        month_decided=Count("id", filter=Q(practised_at__gte=month) & decided_q),
        month_successes=Count("id", filter=Q(practised_at__gte=month) & success_q),
        pending=Count("id", filter=Q(response=Response.PENDING)),
    )
    for key in ("", "week_", "month_"):
        decided, successes = totals[f"{key}decided"], totals[f"{key}successes"]
        totals[f"{key}rate"] = successes / decided if decided else None

    # Per technique: mine against everyone's (the stored overall statistics).
    per_technique = list(
        mine.values("technique_id")
        .annotate(uses=Count("id"), decided=Count("id", filter=decided_q), successes=Count("id", filter=success_q))
        .order_by("-uses")
    )
    techniques = {
        t.pk: t
        for t in TechniquePage.objects.filter(pk__in=[r["technique_id"] for r in per_technique]).select_related("stage")
    }
    technique_rows = []
    for row in per_technique:
        technique = techniques.get(row["technique_id"])
        if technique is None:
            continue
        low, high = wilson_interval(row["successes"], row["decided"])
        technique_rows.append(
            {
                "technique": technique,
                "uses": row["uses"],
                "decided": row["decided"],
                "successes": row["successes"],
                "rate": row["successes"] / row["decided"] if row["decided"] else None,
                "ci_low": low,
                "ci_high": high,
                "team_rate": technique.success_rate,
            }
        )

    # Per stage: mine against the team's, and the weakest stage.
    rates = stage_success_rates()
    team = rates.get(None, {})
    my_rates = rates.get(rep.pk, {})
    stages = list(SalesStage.objects.order_by("sort_order", "name"))
    stage_rows = []
    for stage in stages:
        decided, successes = my_rates.get(stage.pk, (0, 0))
        team_decided, team_successes = team.get(stage.pk, (0, 0))
        if not decided and not team_decided:
            continue
        low, high = wilson_interval(successes, decided)
        stage_rows.append(
            {
                "stage": stage,
                "decided": decided,
                "successes": successes,
                "rate": successes / decided if decided else None,
                "ci_low": low,
                "ci_high": high,
                "team_decided": team_decided,
                "team_rate": team_successes / team_decided if team_decided else None,
            }
        )
    judged = [r for r in stage_rows if r["decided"] >= 5 and r["team_rate"] is not None]
    weakest = min(judged, key=lambda r: (r["rate"] - r["team_rate"], r["rate"]), default=None)
    suggestions = []
    if weakest is not None:
        suggestions = list(
            TechniqueStats.objects.filter(
                segment=f"stage:{weakest['stage'].pk}", technique__live=True, lift__isnull=False
            )
            .exclude(technique__evidence__in=[Evidence.NO_BETTER, Evidence.WORSE])
            .select_related("technique")
            .annotate(evidence_rank=evidence_rank_for("technique__evidence"))
            .order_by("evidence_rank", F("lift").desc())[:3]
        )

    # Practices per week, last 12 weeks.
    start = _week_start((now - timedelta(weeks=11)).date())
    weekly: dict = defaultdict(lambda: [0, 0, 0])
    for when, response in mine.filter(practised_at__date__gte=start).values_list("practised_at", "response"):
        bucket = weekly[_week_start(timezone.localtime(when).date())]
        bucket[0] += 1
        bucket[1] += response != Response.PENDING
        bucket[2] += response in success
    weeks = []
    for i in range(12):
        day = start + timedelta(weeks=i)
        uses, decided, successes = weekly.get(day, [0, 0, 0])
        weeks.append(
            {"week": day, "label": day.strftime("%d %b"), "uses": uses, "decided": decided, "successes": successes}
        )

    followups = list(
        mine.filter(response=Response.PENDING)
        .select_related("technique", "deal")
        .order_by(Case(When(suggested_response="", then=1), default=0), "-practised_at")[:20]
    )
    recent = list(mine.select_related("technique", "deal", "stage").order_by("-practised_at")[:15])
    return {
        "totals": totals,
        "techniques": technique_rows,
        "stages": stage_rows,
        "weakest": weakest,
        "suggestions": suggestions,
        "weeks": weeks,
        "followups": followups,
        "recent": recent,
    }


def evidence_rank_for(field: str) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(i)) for i, value in enumerate(EVIDENCE_ORDER)],
        default=Value(len(EVIDENCE_ORDER)),
        output_field=IntegerField(),
    )


# --- Manager dashboard --------------------------------------------------------------------------


def dashboard(*, now: datetime | None = None, weeks: int = 26) -> dict:
    from accounts.models import User

    now = now or timezone.now()
    start = _week_start((now - timedelta(weeks=weeks - 1)).date())
    reps_per_week: dict = defaultdict(set)
    uses_per_week: dict = defaultdict(int)
    for rep_id, when in Practice.objects.filter(practised_at__date__gte=start).values_list("rep_id", "practised_at"):
        week = _week_start(timezone.localtime(when).date())
        reps_per_week[week].add(rep_id)
        uses_per_week[week] += 1
    team_size = User.objects.active().filter(is_manager=False).count()
    adoption = []
    for i in range(weeks):
        day = start + timedelta(weeks=i)
        reps = len(reps_per_week.get(day, ()))
        adoption.append(
            {
                "week": day,
                "label": day.strftime("%d %b"),
                "reps": reps,
                "uses": uses_per_week.get(day, 0),
                "share": reps / team_size if team_size else None,
            }
        )
    ranked = list(
        TechniquePage.objects.live()
        .select_related("author", "stage")
        .annotate(evidence_rank=evidence_rank())
        .order_by("evidence_rank", F("lift").desc(nulls_last=True), "-uses_count")
    )
    rates = stage_success_rates(since=now - timedelta(days=90)).get(None, {})
    stage_rows = []
    for stage in SalesStage.objects.order_by("sort_order", "name"):
        decided, successes = rates.get(stage.pk, (0, 0))
        if not decided:
            continue
        low, high = wilson_interval(successes, decided)
        stage_rows.append(
            {
                "stage": stage,
                "decided": decided,
                "successes": successes,
                "rate": successes / decided,
                "ci_low": low,
                "ci_high": high,
            }
        )
    stage_rows.sort(key=lambda r: r["rate"])
    counts = Practice.objects.aggregate(
        followups=Count("id", filter=Q(response=Response.PENDING) & ~Q(suggested_response="")),
        last_30=Count("id", filter=Q(practised_at__gte=now - timedelta(days=30))),
    )
    return {
        "adoption": adoption,
        "team_size": team_size,
        "ranked": ranked,
        "stages": stage_rows,
        "counts": counts,
        "evidence_counts": {value: sum(1 for t in ranked if t.evidence == value) for value in EVIDENCE_ORDER},
    }
