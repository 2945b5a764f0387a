from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Techniques and their measured outcomes, questions and answers, live discussion."""

    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from community.techniques import wiring as techniques_wiring

        techniques_wiring.setup()
