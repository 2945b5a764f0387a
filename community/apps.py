from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Techniques and their measured outcomes, questions and answers, live discussion."""

    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # --- Discussion threads ---
        from core import sections

        from . import discussion, discussion_views

        discussion.register_builtin_kinds()
        # The discussion panel under a technique page and (after merge) a question page:
        # their templates render `core.sections.render("technique"|"question", request, obj)`.
        for slot in ("technique", "question"):
            sections.register(
                slot,
                "discussion",
                template="community/discussion/panel.html",
                context=discussion_views.panel_section,
                order=900,
            )
