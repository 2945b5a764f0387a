from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from search import evaluation
from search.backends import registry as backends
from search.backends.base import BackendUnavailable

DEMO_SET = Path(settings.BASE_DIR) / "tests" / "search" / "relevance" / "demo.json"
STARTER_SET = Path(settings.BASE_DIR) / "tests" / "search" / "relevance" / "starter.json"


class Command(BaseCommand):
    help = "Print MRR and nDCG@10 of search on a relevance set, per backend."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--set",
            dest="path",
            help="Relevance set (JSON). Default: tests/search/relevance/demo.json, else starter.json.",
        )
        parser.add_argument("--verbose", action="store_true", help="One line per query.")
        parser.add_argument("--min-ndcg", type=float, help="Fail when a backend's nDCG@10 is below this.")

    def handle(self, *args, path=None, verbose=False, min_ndcg=None, **options) -> None:
        chosen = Path(path) if path else (DEMO_SET if DEMO_SET.exists() else STARTER_SET)
        if not chosen.exists():
            raise CommandError(f"No relevance set at {chosen}.")
        relevance = evaluation.load_set(chosen)
        corpus = relevance.corpus
        shown = chosen.relative_to(settings.BASE_DIR) if chosen.is_relative_to(settings.BASE_DIR) else chosen
        self.stdout.write(
            f"Relevance set: {shown} ({len(relevance.cases)} queries; "
            + (f"its own corpus of {len(corpus)} documents" if corpus else "the current index")
            + ")"
        )
        reports, skipped = [], {}
        with transaction.atomic():
            db = backends.database()
            if corpus is not None:
                # Evaluate on the set's corpus alone, inside a transaction rolled back at the end.
                from search.models import SearchDocument

                SearchDocument.objects.all().delete()
                db.write(corpus)
                db.rebuild_vocabulary()
            reports.append(evaluation.evaluate(relevance.cases, evaluation.backend_ranker(db), backend=db.label))
            es = backends.elasticsearch()
            if es is None:
                skipped["elasticsearch"] = "ELASTICSEARCH_URL is not set"
            else:
                try:
                    reports.append(self._elasticsearch(es, relevance))
                except BackendUnavailable as exc:
                    skipped["elasticsearch"] = f"unreachable ({exc})"
            transaction.set_rollback(True)

        self.stdout.write(f"{'backend':<24}{'MRR':>8}{'nDCG@10':>10}{'queries':>9}")
        for report in reports:
            self.stdout.write(f"{report.backend:<24}{report.mrr:>8.3f}{report.ndcg:>10.3f}{len(report.results):>9}")
        for name, reason in skipped.items():
            self.stdout.write(f"{name:<24}skipped: {reason}")
        for report in reports:
            kinds = ", ".join(f"{k} {v:.2f} (n={n})" for k, (n, v) in report.by_kind().items())
            self.stdout.write(f"{report.backend} nDCG@10 by kind: {kinds}")
            if verbose:
                for r in report.results:
                    top = " | ".join(r.ranked[:3]) or "(nothing)"
                    self.stdout.write(
                        f"  {r.ndcg:5.2f}  RR {r.reciprocal_rank:4.2f}  [{r.case.kind}] {r.case.query!r} -> {top}"
                    )
        if min_ndcg is not None:
            low = [r.backend for r in reports if r.ndcg < min_ndcg]
            if low:
                raise CommandError(f"nDCG@10 below {min_ndcg} on: {', '.join(low)}")

    def _elasticsearch(self, es, relevance):
        if relevance.corpus is None:
            return evaluation.evaluate(relevance.cases, evaluation.backend_ranker(es), backend=es.label)
        from search.backends.elasticsearch import ElasticsearchBackend

        temporary = ElasticsearchBackend(url=es.url, index=f"{es.alias}-eval", timeout=es.timeout)
        temporary.rebuild(relevance.corpus, total=len(relevance.corpus))
        try:
            return evaluation.evaluate(relevance.cases, evaluation.backend_ranker(temporary), backend=es.label)
        finally:
            for name in temporary.client.indices.get_alias(name=temporary.alias):
                temporary.client.indices.delete(index=name, ignore_unavailable=True)
