from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    """The shared vocabulary: sales stages, buyer personas, industries and skill tags."""

    name = "taxonomy"
    verbose_name = "Taxonomy"
