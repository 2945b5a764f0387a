"""Fixtures for the search suite: documents written straight to the index, and technique pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import services
from search.backends import registry as backends
from search.documents import Document
from search.evaluation import load_corpus

RELEVANCE = Path(__file__).parent / "relevance"


@pytest.fixture
def index(db):
    """`index(doc, ...)` writes documents to the index now (every backend configured)."""

    def write(*documents: Document) -> None:
        services.write(list(documents))

    return write


@pytest.fixture
def corpus(db):
    """The starter relevance corpus, indexed."""
    documents = load_corpus(RELEVANCE / "starter_corpus.json")
    db_backend = backends.database()
    db_backend.write(documents)
    db_backend.rebuild_vocabulary()
    return documents


@pytest.fixture
def technique_factory(db):
    """`technique_factory(title=..., stage="negotiation", ...)` creates a live TechniquePage."""
    from wagtail.models import Page

    from community.models import TechniqueIndexPage, TechniquePage
    from taxonomy.models import SalesStage, SkillTag

    root = Page.get_first_root_node()
    parent = TechniqueIndexPage.objects.first() or root.add_child(
        instance=TechniqueIndexPage(title="Techniques", slug="techniques")
    )

    def make(
        title: str = "Reframe a price objection as the cost of inaction",
        *,
        stage: str = "negotiation",
        summary: str = "Turn a discount request into a value conversation.",
        body: str = "When procurement pushes back on price, restate the cost of doing nothing.",
        skills: tuple[str, ...] = (),
        live: bool = True,
        author=None,
        **fields,
    ) -> TechniquePage:
        page = TechniquePage(
            title=title,
            slug=fields.pop("slug", None) or title.lower().replace(" ", "-")[:50],
            summary=summary,
            stage=SalesStage.objects.get(slug=stage),
            body=[("approach", body)],
            author=author,
            live=live,
            **fields,
        )
        parent.add_child(instance=page)
        if skills:
            page.skills.set(SkillTag.objects.filter(name__in=skills))
            page.save()
        return page

    return make
