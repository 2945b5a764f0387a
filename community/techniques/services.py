"""State changes for techniques and outcomes: authoring, moderation, reviews and practices.

Authoring goes through Wagtail's own machinery: a submission is a draft TechniquePage with a
revision, submitted to the moderation Workflow assigned to the techniques index (a
GroupApprovalTask for managers); approving the task finishes the workflow, which publishes
the latest revision. The front end and the Wagtail admin therefore share one history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import WorkflowState

from accounts import policy
from accounts.models import User
from community.models import (
    Deal,
    OutcomeSettings,
    Practice,
    PracticeSource,
    Response,
    TechniqueIndexPage,
    TechniquePage,
    TechniqueReview,
)
from community.models.techniques import RESERVED_SLUGS
from community.qa import reputation
from core.markdown import render_markdown
from core.tasks import enqueue_on_commit
from notifications.services import notify

from .setup import ensure_index_page

MAX_MARKDOWN = 10_000
MAX_OBJECTIONS = 5
CLOCK_SKEW = timedelta(minutes=10)


# --- Authoring ------------------------------------------------------------------------------


@dataclass
class TechniqueDraft:
    """What an author writes; the same for the front-end form and the API."""

    title: str
    summary: str
    stage: object  # taxonomy.SalesStage
    situation: str
    approach: str
    personas: list = field(default_factory=list)
    industries: list = field(default_factory=list)
    skills: list = field(default_factory=list)
    talk_track: str = ""
    talk_track_context: str = ""
    objections: list[tuple[str, str]] = field(default_factory=list)
    pitfalls: str = ""

    def validate(self) -> None:
        errors: dict[str, list[str]] = {}

        def need(name: str, value: str, limit: int, message: str) -> None:
            if not (value or "").strip():
                errors.setdefault(name, []).append(message)
            elif len(value) > limit:
                errors.setdefault(name, []).append(f"Keep it under {limit} characters (it has {len(value)}).")

        need("title", self.title, 120, "Give the technique a short, specific title.")
        need("summary", self.summary, 200, "Say in one line what it achieves, and for whom.")
        need("situation", self.situation, MAX_MARKDOWN, "Describe when this technique applies.")
        need("approach", self.approach, MAX_MARKDOWN, "Describe what to do, step by step.")
        for name in ("talk_track", "pitfalls"):
            if len(getattr(self, name) or "") > MAX_MARKDOWN:
                errors.setdefault(name, []).append(f"Keep it under {MAX_MARKDOWN} characters.")
        if len(self.talk_track_context or "") > 200:
            errors.setdefault("talk_track_context", []).append("Keep it under 200 characters.")
        if self.stage is None:
            errors.setdefault("stage", []).append("Choose the sales stage it is used at.")
        if len(self.objections) > MAX_OBJECTIONS:
            errors.setdefault("objections", []).append(f"At most {MAX_OBJECTIONS} objections.")
        for objection, reply in self.objections:
            if bool((objection or "").strip()) != bool((reply or "").strip()):
                errors.setdefault("objections", []).append("Each objection needs the buyer's words and your reply.")
            elif len(objection or "") > 300 or len(reply or "") > MAX_MARKDOWN:
                errors.setdefault("objections", []).append("An objection is at most 300 characters.")
        if errors:
            raise ValidationError(errors)

    def body(self) -> list[tuple[str, object]]:
        blocks: list[tuple[str, object]] = [("situation", self.situation.strip()), ("approach", self.approach.strip())]
        if self.talk_track.strip():
            blocks.append(
                ("talk_track", {"context": self.talk_track_context.strip(), "wording": self.talk_track.strip()})
            )
        for objection, reply in self.objections:
            if objection.strip():
                blocks.append(("objection", {"objection": objection.strip(), "reply": reply.strip()}))
        if self.pitfalls.strip():
            blocks.append(("pitfalls", self.pitfalls.strip()))
        return blocks

    @classmethod
    def from_page(cls, page: TechniquePage) -> TechniqueDraft:
        values: dict[str, object] = {"objections": []}
        for block in page.body:
            if block.block_type in ("situation", "approach", "pitfalls"):
                values.setdefault(block.block_type, block.value)
            elif block.block_type == "talk_track" and "talk_track" not in values:
                values["talk_track"] = block.value["wording"]
                values["talk_track_context"] = block.value["context"]
            elif block.block_type == "objection":
                values["objections"].append((block.value["objection"], block.value["reply"]))
        return cls(
            title=page.title,
            summary=page.summary,
            stage=page.stage,
            personas=list(page.personas.all()),
            industries=list(page.industries.all()),
            skills=list(page.skills.all()),
            situation=values.get("situation", ""),
            approach=values.get("approach", ""),
            talk_track=values.get("talk_track", ""),
            talk_track_context=values.get("talk_track_context", ""),
            objections=values["objections"],
            pitfalls=values.get("pitfalls", ""),
        )


def _unique_slug(index: TechniqueIndexPage, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:70].strip("-") or "technique"
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"{base}-technique"
    taken = set(index.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# Blocks the front-end form does not edit (rich text and quotes are added in the CMS); an edit
# from the front end keeps them, after the blocks it rewrites.
CMS_ONLY_BLOCKS = ("rich_text", "quote")


def _apply(page: TechniquePage, draft: TechniqueDraft) -> None:
    kept = [(block.block_type, block.value) for block in page.body if block.block_type in CMS_ONLY_BLOCKS]
    page.title = draft.title.strip()
    page.draft_title = page.title
    page.summary = draft.summary.strip()
    page.stage = draft.stage
    page.body = draft.body() + kept
    page.personas = list(draft.personas)
    page.industries = list(draft.industries)
    page.skills = list(draft.skills)


def _submit_to_workflow(page: TechniquePage, user: User) -> None:
    state = WorkflowState.objects.active().for_instance(page).first()
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
    elif state is None:
        workflow = page.get_workflow()
        if workflow is None:
            raise ValidationError("No moderation workflow is set up for techniques; ask a manager.")
        workflow.start(page, user)
    # An in-progress workflow simply continues: approval publishes the latest revision. Managers
    # are notified from Wagtail's task_submitted signal (see signals.py), like the author is
    # from workflow_approved/rejected, so the CMS path notifies the same way.


def technique_submit(*, author: User, draft: TechniqueDraft) -> TechniquePage:
    """Create a draft technique by `author` and submit it for moderation."""
    policy.require(author, "techniques.submit")
    draft.validate()
    index = ensure_index_page()
    with transaction.atomic():
        page = TechniquePage(author=author, owner=author, live=False)
        _apply(page, draft)
        page.slug = _unique_slug(index, page.title)
        index.add_child(instance=page)
        page.save_revision(user=author, log_action=True)
        _submit_to_workflow(page, author)
    return page


def technique_update(*, technique: TechniquePage, editor: User, draft: TechniqueDraft) -> TechniquePage:
    """Save an edit as a new revision and (re)submit it; the live version stays until approved."""
    policy.require(editor, "techniques.edit", technique)
    draft.validate()
    with transaction.atomic():
        page = technique.get_latest_revision_as_object()
        _apply(page, draft)
        page.save_revision(user=editor, log_action=True, changed=True)
        _submit_to_workflow(page, editor)
    return page


def workflow_state_for(technique: TechniquePage) -> WorkflowState | None:
    return (
        WorkflowState.objects.active()
        .for_instance(technique)
        .select_related("current_task_state__task", "requested_by")
        .first()
    )


def technique_moderate(*, technique: TechniquePage, moderator: User, action: str, comment: str = "") -> TechniquePage:
    """Approve (publishes the latest revision) or reject with a comment; the author is told."""
    policy.require(moderator, "techniques.moderate")
    comment = (comment or "").strip()
    if action not in ("approve", "reject"):
        raise ValidationError({"action": "Choose approve or reject."})
    if action == "reject" and not comment:
        raise ValidationError({"comment": "Tell the author what to change."})
    if len(comment) > 2000:
        raise ValidationError({"comment": "Keep the comment under 2000 characters."})
    state = workflow_state_for(technique)
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS or state.current_task_state is None:
        raise ValidationError("This technique is not waiting for moderation (someone may have just decided).")
    task_state = state.current_task_state
    with transaction.atomic():
        task_state.task.specific.on_action(task_state.specific, moderator, action, comment=comment)
    technique.refresh_from_db()
    return technique


# --- Peer review -----------------------------------------------------------------------------


def review_save(*, technique: TechniquePage, reviewer: User, verdict: str, comment: str = "") -> TechniqueReview:
    """One review per rainmaker and technique; saving again replaces it."""
    policy.require(reviewer, "techniques.review", technique)
    comment = (comment or "").strip()
    if verdict not in TechniqueReview.Verdict.values:
        raise ValidationError({"verdict": "Endorse it, or request changes."})
    if verdict == TechniqueReview.Verdict.REQUEST_CHANGES and not comment:
        raise ValidationError({"comment": "Say what should change, so the author can act on it."})
    with transaction.atomic():
        review, _ = TechniqueReview.objects.select_for_update().get_or_create(
            technique=technique, reviewer=reviewer, defaults={"verdict": verdict}
        )
        review.verdict = verdict
        review.comment = comment
        review.comment_html = render_markdown(comment)
        review.full_clean()
        review.save()
        reputation.review_recorded(review)
    if technique.author_id:
        verb = "endorsed" if verdict == TechniqueReview.Verdict.ENDORSE else "requested changes to"
        notify(
            recipient=technique.author,
            kind="technique.reviewed",
            title=f"{reviewer.name} {verb} “{technique.title}”",
            url=f"{technique.url}#reviews",
            actor=reviewer,
            body=comment,
            dedupe_key=f"technique.reviewed:{review.pk}:{review.updated_at.isoformat()}",
        )
    return review


# --- Outcome settings --------------------------------------------------------------------------


def outcome_settings_update(*, user: User, success_responses: list[str], min_sample_size: int) -> OutcomeSettings:
    """Change what counts as a success and how many decided uses make enough data.

    The same row the CMS edits (Settings → Outcomes); saving recomputes every technique.
    """
    policy.require(user, "outcomes.settings")
    with transaction.atomic():
        row = OutcomeSettings.load()
        row.success_responses = list(dict.fromkeys(success_responses))
        row.min_sample_size = min_sample_size
        row.full_clean()
        row.save()
    return row


# --- Practices -------------------------------------------------------------------------------


class ExternalIdTaken(Exception):
    """The external_id belongs to another rep's practice (an idempotency key collision)."""


def schedule_recompute(technique_ids: list[int]) -> None:
    """Recompute these techniques' statistics (and their baselines') once the data is committed."""
    from .tasks import recompute_outcomes

    enqueue_on_commit(recompute_outcomes, sorted(set(technique_ids)))


def practice_log(
    *,
    rep: User,
    technique: TechniquePage,
    response: str = Response.PENDING,
    deal: Deal | None = None,
    stage=None,
    persona=None,
    practised_at: datetime | None = None,
    note: str = "",
    source: str = PracticeSource.MANUAL,
    external_id: str | None = None,
    actor: User | None = None,
) -> tuple[Practice, bool]:
    """Log one use of a technique. With an `external_id` seen before, return that practice
    unchanged (created=False) instead of writing a duplicate. `actor` is who logs it (default:
    the rep); the deal must be theirs unless they are a manager ("practices.use_deal")."""
    external_id = (external_id or "").strip() or None
    if external_id:
        existing = Practice.objects.filter(external_id=external_id).first()
        if existing is not None:
            if existing.rep_id != rep.pk:
                raise ExternalIdTaken(external_id)
            return existing, False
    errors: dict[str, str] = {}
    if not technique.live:
        errors["technique"] = "This technique is not published, so it cannot be practised yet."
    if response not in Response.values:
        errors["response"] = "Choose what the buyer did."
    if deal is not None and not policy.allowed(actor or rep, "practices.use_deal", deal):
        errors["deal"] = policy.MESSAGES["practices.use_deal"]
    now = timezone.now()
    practised_at = practised_at or now
    if timezone.is_naive(practised_at):
        practised_at = timezone.make_aware(practised_at)
    if practised_at > now + CLOCK_SKEW:
        errors["practised_at"] = "That date is in the future; log a practice once it happened."
    elif practised_at < now - timedelta(days=3 * 365):
        errors["practised_at"] = "That date is more than three years ago."
    if len(note or "") > 4000:
        errors["note"] = "Keep the note under 4000 characters."
    if errors:
        raise ValidationError(errors)
    practice = Practice(
        rep=rep,
        technique=technique,
        deal=deal,
        stage=stage or technique.stage,
        persona=persona,
        practised_at=practised_at,
        response=response,
        responded_at=now if response != Response.PENDING else None,
        note=(note or "").strip(),
        note_html=render_markdown(note),
        source=source,
        external_id=external_id,
    )
    practice.full_clean(exclude=["external_id"] if external_id else None)
    try:
        with transaction.atomic():
            practice.save()
    except IntegrityError:
        # Two calls with the same key raced; the other one won.
        existing = Practice.objects.filter(external_id=external_id).first() if external_id else None
        if existing is None:
            raise
        if existing.rep_id != rep.pk:
            raise ExternalIdTaken(external_id) from None
        return existing, False
    schedule_recompute([technique.pk])
    return practice, True


def practice_respond(*, practice: Practice, rep: User, response: str, note: str | None = None) -> Practice:
    """Answer "what happened?" for a practice logged before the buyer answered."""
    policy.require(rep, "practices.respond", practice)
    if response not in Response.values or response == Response.PENDING:
        raise ValidationError({"response": "Choose what the buyer did."})
    practice.response = response
    practice.responded_at = timezone.now()
    practice.suggested_response = ""
    fields = ["response", "responded_at", "suggested_response", "updated_at"]
    if note is not None and note.strip():
        if len(note) > 4000:
            raise ValidationError({"note": "Keep the note under 4000 characters."})
        practice.note = note.strip()
        practice.note_html = render_markdown(practice.note)
        fields += ["note", "note_html"]
    with transaction.atomic():
        practice.save(update_fields=fields)
    schedule_recompute([practice.technique_id])
    return practice


def suggested_response_for(*, old_stage_order: int | None, new_stage_order: int | None, status: str) -> str:
    """The likely answer when a deal moved: won/lost follow the deal, a later stage is an advance."""
    if status == Deal.Status.WON:
        return Response.WON
    if status == Deal.Status.LOST:
        return Response.LOST
    if old_stage_order is not None and new_stage_order is not None and new_stage_order > old_stage_order:
        return Response.STAGE_ADVANCED
    if old_stage_order is not None and new_stage_order is not None and new_stage_order < old_stage_order:
        return Response.STALLED
    return ""


def followups_ask(*, moved: dict[int, str]) -> int:
    """Ask reps "what happened?" for their pending practices on deals that just moved.

    `moved` maps deal ids to the suggested response. Returns how many practices were asked.
    """
    if not moved:
        return 0
    pending = list(
        Practice.objects.filter(deal_id__in=list(moved), response=Response.PENDING)
        .select_related("rep", "technique", "deal")
        .order_by("pk")
    )
    for practice in pending:
        practice.suggested_response = moved[practice.deal_id]
    Practice.objects.bulk_update(pending, ["suggested_response"])
    for practice in pending:
        suggestion = Response(practice.suggested_response).label.lower()
        notify(
            recipient=practice.rep,
            kind="practice.followup",
            title=f"What happened after “{practice.technique.title}” on {practice.deal.name}? (likely: {suggestion})",
            url=f"/practice/#followup-{practice.pk}",
            dedupe_key=f"practice.followup:{practice.pk}:{practice.suggested_response}",
        )
    return len(pending)
