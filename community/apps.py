from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Techniques and their measured outcomes, questions and answers, live discussion."""

    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # --- Questions and answers: home/profile sections and the daily reputation recompute ---
        from community.qa import setup as qa_setup

        qa_setup.ready()
