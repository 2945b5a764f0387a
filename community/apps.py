from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Techniques and their measured outcomes, questions and answers, live discussion."""

    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # --- Techniques and outcomes: workflow, statistics, sections, settings ---
        from community.techniques import wiring as techniques_wiring

        techniques_wiring.setup()
        # --- Questions and answers: home/profile sections and the daily reputation recompute ---
        from community.qa import setup as qa_setup

        qa_setup.ready()
        # --- Discussion threads ---
        from core import sections

        from . import discussion, discussion_views

        discussion.register_builtin_kinds()
        # The discussion panel under a technique, a question and a mentorship page: each renders
        # `core.sections.render("technique"|"question"|"mentorship", request, obj)`. Coaching
        # threads show only once mentoring created them (members only).
        for slot in ("technique", "question", "mentorship"):
            sections.register(
                slot,
                "discussion",
                template="community/discussion/panel.html",
                context=discussion_views.panel_section,
                order=900,
            )
        # --- Search: document sources for techniques, questions, answers and discussions ---
        from .search_sources import register_sources

        register_sources()
