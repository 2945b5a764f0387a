from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import services

SHOW = 20


class Command(BaseCommand):
    help = "Report documents missing from, stale in or orphaned in the search index (and Elasticsearch)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help="Re-index what the check finds.")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, fix=False, quiet=False, **options) -> None:
        def progress(items, desc, total):
            return tqdm(items, desc=desc, total=total, disable=quiet, unit="doc")

        report = services.check(progress=progress)
        for doc_type, count in report.checked.items():
            self.stdout.write(f"{doc_type}: {count} should be indexed")
        self._list("missing from the index", report.missing)
        self._list("stale in the index", report.stale)
        self._list("in the index but should not be", report.orphaned)
        if report.elasticsearch_error:
            self.stdout.write(f"elasticsearch: unreachable ({report.elasticsearch_error})")
        for name, keys in report.elasticsearch.items():
            self._list(f"elasticsearch: {name}", keys)
        outbox = report.outbox
        self.stdout.write(
            f"outbox: {outbox['pending']} pending, {outbox['failing']} failing (retried with back-off), "
            f"{outbox['due']} due now"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The search index is consistent."))
            return
        if fix:
            fixed = services.repair(report)
            again = services.check()
            if again.ok:
                self.stdout.write(self.style.SUCCESS(f"Fixed {fixed} document(s); the index is consistent."))
                return
            raise CommandError("Some problems remain after re-indexing; see the outbox errors above.")
        raise CommandError("The search index is inconsistent: run `manage.py search_check --fix` or search_reindex.")

    def _list(self, label: str, keys: list[str]) -> None:
        if not keys:
            return
        shown = ", ".join(keys[:SHOW]) + (f" and {len(keys) - SHOW} more" if len(keys) > SHOW else "")
        self.stdout.write(self.style.WARNING(f"{len(keys)} {label}: {shown}"))
