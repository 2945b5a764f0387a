from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Techniques and their measured outcomes, questions and answers, live discussion."""

    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from .search_sources import register_sources

        register_sources()
