"""Techniques: a rainmaker's deal know-how as a Wagtail page (revisions, previews, workflows)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from community.blocks import TechniqueBodyBlock


class Evidence(models.TextChoices):
    """What a technique's numbers say, from its statistics (see community.stats)."""

    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"
    PROMISING = "promising", "Promising"
    PROVEN = "proven", "Proven"
    NO_BETTER = "no_better", "No better than baseline"
    WORSE = "worse", "Worse than baseline"


# Paths under /techniques/ that belong to views, not to technique pages (see community.techniques.urls).
RESERVED_SLUGS = frozenset(
    {"share", "moderation", "submissions", "dashboard", "import", "drafts", "edit", "api", "practice", "new"}
)
# Fields written only by the statistics service: publishing a revision must not roll them back.
EVIDENCE_FIELDS = ("evidence", "uses_count", "success_rate", "lift", "lift_ci_low", "lift_ci_high", "stats_updated_at")


class MembersOnlyMixin:
    """Techniques are the team's know-how: signed-in members only (everything else is a redirect)."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class TechniqueIndexPage(MembersOnlyMixin, Page):
    """The one list of techniques, at /techniques/ (created on migrate, see community.techniques.setup)."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["community.TechniquePage"]
    max_count = 1
    template = "community/techniques/index_page.html"

    def get_context(self, request, *args, **kwargs) -> dict:
        from community.techniques.views import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(request, self))
        return context


class TechniquePage(MembersOnlyMixin, Page):
    """A deal technique, tied to the practices that measure what it achieves.

    The evidence fields are a denormalised summary of the overall TechniqueStats row, written
    only by the statistics service, so lists and search can sort and label by evidence
    without touching the statistics tables.
    """

    summary = models.CharField(max_length=200, help_text="One line: what it achieves, for whom.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="techniques",
        help_text="The rainmaker whose technique this is.",
    )
    stage = models.ForeignKey("taxonomy.SalesStage", on_delete=models.PROTECT, related_name="techniques")
    personas = ParentalManyToManyField("taxonomy.BuyerPersona", blank=True, related_name="techniques")
    industries = ParentalManyToManyField("taxonomy.Industry", blank=True, related_name="techniques")
    skills = ParentalManyToManyField("taxonomy.SkillTag", blank=True, related_name="techniques")
    body = StreamField(TechniqueBodyBlock(), use_json_field=True)

    # --- Evidence summary (written by the statistics service) ---
    evidence = models.CharField(
        max_length=20, choices=Evidence.choices, default=Evidence.NOT_ENOUGH_DATA, db_index=True
    )
    uses_count = models.PositiveIntegerField(default=0, db_index=True)
    success_rate = models.FloatField(null=True, blank=True)
    lift = models.FloatField(null=True, blank=True)
    lift_ci_low = models.FloatField(null=True, blank=True)
    lift_ci_high = models.FloatField(null=True, blank=True)
    stats_updated_at = models.DateTimeField(null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("author"),
        MultiFieldPanel(
            [
                FieldPanel("stage"),
                FieldPanel("personas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("industries", widget=forms.CheckboxSelectMultiple),
                FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
            ],
            heading="Where it applies",
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("stage"),
        index.FilterField("evidence"),
    ]
    parent_page_types = ["community.TechniqueIndexPage"]
    subpage_types: list[str] = []
    template = "community/techniques/technique_page.html"

    class Meta:
        verbose_name = "technique"

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS or (self.slug or "").isdigit():
            raise ValidationError({"slug": f"“{self.slug}” is reserved for a page of the site; choose another slug."})

    def with_content_json(self, content):
        """Revisions carry a stale copy of the evidence fields; keep the live numbers instead."""
        obj = super().with_content_json(content)
        for name in EVIDENCE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def get_context(self, request, *args, **kwargs) -> dict:
        from community.techniques.views import technique_context

        context = super().get_context(request, *args, **kwargs)
        context.update(technique_context(request, self))
        return context

    @property
    def was_updated(self) -> bool:
        """Published again after its first publication (an edit went live)."""
        first, last = self.first_published_at, self.last_published_at
        return bool(first and last and (last - first).total_seconds() > 60)


class TechniqueReview(models.Model):
    """A rainmaker's peer review of a published technique: an endorsement or a request for changes."""

    class Verdict(models.TextChoices):
        ENDORSE = "endorse", "Endorses it"
        REQUEST_CHANGES = "request_changes", "Requests changes"

    technique = models.ForeignKey(TechniquePage, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technique_reviews")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    comment = models.TextField(blank=True, max_length=4000)
    comment_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["technique", "reviewer"], name="review_one_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.get_verdict_display().lower()} on {self.technique_id}"
