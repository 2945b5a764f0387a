from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search service over whatever registers with it, with database and Elasticsearch backends."""

    name = "search"
    verbose_name = "Search"
