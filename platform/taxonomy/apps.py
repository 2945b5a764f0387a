from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _restore_defaults(sender, using="default", **kwargs) -> None:
    """Put the default vocabulary back when a table is empty after `migrate` or `flush`.

    Migration 0002 loads the defaults once; a flush (as transactional tests do) empties the
    tables and then sends post_migrate, so the defaults come back. Tables that have rows are
    left alone, so managers' edits are never overwritten.
    """
    from django.utils.text import slugify

    from . import defaults
    from .models import BuyerPersona, Industry, SalesStage, SkillTag

    for model, rows in (
        (SalesStage, defaults.STAGES),
        (BuyerPersona, defaults.PERSONAS),
        (Industry, defaults.INDUSTRIES),
        (SkillTag, defaults.SKILLS),
    ):
        if model.objects.using(using).exists():
            continue
        model.objects.using(using).bulk_create(
            model(
                name=row[0] if isinstance(row, tuple) else row,
                description=row[1] if isinstance(row, tuple) else "",
                slug=slugify(row[0] if isinstance(row, tuple) else row)[:80],
                sort_order=order * 10,
            )
            for order, row in enumerate(rows, start=1)
        )


class TaxonomyConfig(AppConfig):
    """The shared vocabulary: sales stages, buyer personas, industries and skill tags."""

    name = "taxonomy"
    verbose_name = "Taxonomy"

    def ready(self) -> None:
        post_migrate.connect(_restore_defaults, sender=self, dispatch_uid="taxonomy-defaults")
