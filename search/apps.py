from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search service over whatever registers with it, with database and Elasticsearch backends."""

    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from core import health, periodic

        from .health import check_search
        from .tasks import retry_outbox

        health.register_check("search", check_search)
        periodic.register("search.retry_outbox", retry_outbox, every="hourly")
