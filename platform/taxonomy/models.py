"""The team's shared vocabulary, editable by managers as Wagtail snippets.

Stages, personas, industries and skill tags are configurable per company ("solution/demo"
may be called "evaluation" elsewhere), so they are rows, not code. Defaults come from a data
migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class TermQuerySet(models.QuerySet):
    def active(self) -> TermQuerySet:
        return self.filter(is_active=True)


class Term(index.Indexed, models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    description = models.CharField(max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True, help_text="Retired terms stay on old content.")

    objects = TermQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
        FieldPanel("is_active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class SalesStage(Term):
    """A step of the sales process; `sort_order` is the order deals move through."""

    class Meta(Term.Meta):
        verbose_name = "sales stage"


class BuyerPersona(Term):
    class Meta(Term.Meta):
        verbose_name = "buyer persona"


class Industry(Term):
    class Meta(Term.Meta):
        verbose_name = "industry"
        verbose_name_plural = "industries"


class SkillTag(Term):
    """A coachable skill: used for expertise, technique tags, questions and mentoring goals."""

    class Meta(Term.Meta):
        verbose_name = "skill tag"
