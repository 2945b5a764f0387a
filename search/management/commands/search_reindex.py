from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import services
from search.backends.base import BackendUnavailable
from search.registry import sources


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every registered source (database index, then Elasticsearch by "
        "alias switch when configured), with a progress bar."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--type", action="append", dest="types", help="Only this document type (repeatable).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")
        parser.add_argument(
            "--elasticsearch-only", action="store_true", help="Refill Elasticsearch from the database index only."
        )
        parser.add_argument(
            "--if-elasticsearch-empty",
            action="store_true",
            help="Refill Elasticsearch from the database index only if its index is missing or empty "
            "(run at start-up: a new cluster over existing data).",
        )

    def handle(
        self, *args, types=None, quiet=False, elasticsearch_only=False, if_elasticsearch_empty=False, **options
    ) -> None:
        def progress(items, desc, total):
            return tqdm(items, desc=desc, total=total, disable=quiet, unit="doc")

        if if_elasticsearch_empty:
            try:
                self.stdout.write(f"Elasticsearch: {services.es_fill_if_empty(progress=progress)}")
            except BackendUnavailable as exc:
                raise CommandError(str(exc)) from exc
            return

        if elasticsearch_only:
            self.stdout.write(f"Elasticsearch: {services.es_rebuild(progress=progress)}")
            return
        known = {s.doc_type for s in sources()}
        unknown = set(types or []) - known
        if unknown:
            raise CommandError(f"Unknown type(s): {', '.join(sorted(unknown))}. Known: {', '.join(sorted(known))}.")
        report = services.reindex(doc_types=types, progress=progress)
        for doc_type, count in report.documents.items():
            removed = report.removed.get(doc_type, 0)
            self.stdout.write(f"{doc_type}: {count} indexed" + (f", {removed} removed" if removed else ""))
        self.stdout.write(f"vocabulary: {report.vocabulary} words")
        self.stdout.write(f"elasticsearch: {report.elasticsearch}")
        pending = services.outbox_pending()
        if pending["pending"]:
            self.stdout.write(f"outbox: {pending['pending']} pending update(s) left for the worker")
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
