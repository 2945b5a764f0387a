from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app shares: the Markdown sanitizer, API conventions, task helpers."""

    name = "core"
    verbose_name = "Rainmaker core"
