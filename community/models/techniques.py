"""Techniques: a rainmaker's deal know-how as a Wagtail page (revisions, previews, workflows)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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


class TechniqueIndexPage(Page):
    """The one list of techniques, at /techniques/."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["community.TechniquePage"]
    max_count = 1


class TechniquePage(Page):
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
            [FieldPanel("stage"), FieldPanel("personas"), FieldPanel("industries"), FieldPanel("skills")],
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

    class Meta:
        verbose_name = "technique"
