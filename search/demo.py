"""Demo data: build the search index once everything else is seeded (the last seeder)."""

from __future__ import annotations

from core.demo import DemoContext

from . import services


def seed(ctx: DemoContext) -> None:
    def progress(items, desc, total):
        return ctx.progress(items, desc=desc, total=total)

    report = services.reindex(progress=progress)
    counts = ", ".join(f"{n} {t}" for t, n in report.documents.items()) or "nothing to index yet"
    ctx.log(f"  search index: {counts}; vocabulary {report.vocabulary} words")
