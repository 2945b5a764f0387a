"""The backend-neutral interface and the value objects that cross it.

A backend stores documents (`write`), answers one query pass (`search_once`: text in one
mode, filters, facets, a page), proposes corrections for unknown words, completes titles
(`suggest`) and finds similar documents. The query strategy shared by every backend (try
all words, then the corrected words, then any word; blend relevance with quality) lives in
search.selectors, so backends only say what matches and how well.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from ..documents import Document, Term
from ..querytext import ParsedQuery
from ..registry import DealContext, type_label

# Highlight markers: private-use characters that never occur in text. Backends wrap matches
# in them; `highlight_html` escapes everything else and turns them into <mark>.
MARK_START = "\ue000"
MARK_END = "\ue001"

FACETS = ("type", "stage", "persona", "tag", "evidence")
FILTERABLE = (*FACETS, "industry")


class BackendUnavailable(Exception):
    """The backend cannot answer (Elasticsearch unreachable): callers fall back."""


class DocumentsRefused(BackendUnavailable):
    """The index answered but refused some documents (a mapping error, say): retrying them
    one by one isolates the bad ones."""


def highlight_html(text: str) -> SafeString:
    """Escape everything, then turn the markers into <mark>: the only markup a snippet has."""
    escaped = html.escape(text or "", quote=False)
    escaped = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # Unbalanced markers (a fragment cut inside a match) would leave an open <mark>.
    opened = escaped.count("<mark>") - escaped.count("</mark>")
    return mark_safe(escaped + "</mark>" * max(opened, 0))


def plain_snippet(text: str, length: int = 220) -> SafeString:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0] + " …"
    return mark_safe(html.escape(text, quote=False))


@dataclass
class SearchRequest:
    parsed: ParsedQuery
    principals: list[str]  # "members", "user:<id>", "role:<role>"; see selectors.principals_for
    filters: dict[str, list[str]] = field(default_factory=dict)
    deal: DealContext | None = None
    deal_filter: bool = False  # narrow to the deal's stage, industry and size (else only boost)
    page: int = 1
    page_size: int = 10
    exclude_keys: tuple[str, ...] = ()
    facets: bool = True
    now: datetime | None = None


@dataclass
class Hit:
    key: str
    type: str
    id: int
    title: str
    url: str
    score: float = 0.0
    title_html: str = ""
    snippet_html: str = ""
    signal: str = ""
    stage: Term | None = None
    tags: list[Term] = field(default_factory=list)
    evidence: Term | None = None
    votes: int = 0
    answers: int = 0
    accepted: bool = False
    parent_type: str = ""
    parent_id: int | None = None
    parent_title: str = ""
    parent_url: str = ""
    children: list[Hit] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return type_label(self.type)

    @property
    def parent_key(self) -> str:
        return f"{self.parent_type}:{self.parent_id}" if self.parent_type and self.parent_id else ""

    @classmethod
    def from_data(cls, data: dict[str, Any], *, score: float = 0.0, title_hl: str = "", snippet_hl: str = "") -> Hit:
        doc = Document.from_dict(data)
        return cls(
            key=doc.key,
            type=doc.type,
            id=doc.id,
            title=doc.title,
            url=doc.url,
            score=score,
            title_html=highlight_html(title_hl or doc.title),
            snippet_html=highlight_html(snippet_hl)
            if snippet_hl and MARK_START in snippet_hl
            else plain_snippet(doc.body),
            signal=doc.signal,
            stage=doc.stage,
            tags=list(doc.tags),
            evidence=doc.evidence,
            votes=doc.votes,
            answers=doc.answers,
            accepted=doc.accepted,
            parent_type=doc.parent_type,
            parent_id=doc.parent_id,
            parent_title=doc.parent_title,
            parent_url=data.get("parent_url", "") or doc.url.split("#", 1)[0],
        )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 10
    ranked: int = 0  # how many candidates were scored (<= total)
    backend: str = ""
    mode: str = "all"  # "all" words, or "any" word (relaxed)
    suggestion: str | None = None  # "did you mean" text
    corrected_from: str | None = None  # results are for `suggestion`, not what was typed
    notice: str | None = None  # e.g. "results may be incomplete" after a fallback

    @property
    def pages(self) -> int:
        reachable = min(self.total, self.ranked or self.total)
        return max(1, -(-reachable // self.page_size))


@dataclass
class Suggestion:
    type: str
    id: int
    title: str
    url: str

    @property
    def type_label(self) -> str:
        return type_label(self.type)


class SearchBackend:
    """What every backend implements."""

    name = "base"

    # --- Writing --------------------------------------------------------------------------
    def write(self, documents: list[Document], removed: Iterable[str] = ()) -> None:
        raise NotImplementedError

    def rebuild(self, documents: Iterable[Document], *, total: int, progress: Callable | None = None) -> int:
        raise NotImplementedError

    # --- Reading --------------------------------------------------------------------------
    def search_once(self, request: SearchRequest, *, mode: str) -> SearchResults:
        raise NotImplementedError

    def correction_options(self, words: list[str], principals: list[str]) -> dict[str, list[str]]:
        """{unknown word: known words close to it, best first} for the words that match nothing
        `principals` may see.

        A word is "known" only when it matches a document the searcher may see, and a
        correction is only ever a word that does: "did you mean" never reveals a word that
        occurs only in a draft, a hidden post or a private thread.
        """
        raise NotImplementedError

    def corrections(self, words: list[str], principals: list[str]) -> dict[str, str]:
        """{unknown word: the closest known word} (the first of `correction_options`)."""
        return {word: options[0] for word, options in self.correction_options(words, principals).items() if options}

    def count(self, request: SearchRequest, *, mode: str) -> int:
        """How many documents match (visible, filtered), without ranking anything."""
        raise NotImplementedError

    def suggest(self, text: str, principals: list[str], *, limit: int) -> list[Suggestion]:
        raise NotImplementedError

    def document_text(self, key: str, principals: list[str]) -> str | None:
        """Title and tags of a visible document, to find ones like it (None if not visible)."""
        raise NotImplementedError

    def similar(
        self, *, key: str | None, text: str | None, principals: list[str], types: list[str], limit: int
    ) -> list[Hit]:
        """Documents like `key` (its title and tags) or like `text`, as an any-word query."""
        from django.utils import timezone

        from ..querytext import parse

        if key:
            text = self.document_text(key, principals)
            if text is None:
                return []
        request = SearchRequest(
            parsed=parse(text or ""),
            principals=principals,
            filters={"type": types} if types else {},
            page_size=limit,
            exclude_keys=(key,) if key else (),
            facets=False,
            now=timezone.now(),
        )
        if request.parsed.is_empty:
            return []
        return self.search_once(request, mode="any").hits

    # --- Operations -----------------------------------------------------------------------
    def check(self) -> None:
        """Raise with a useful message when the backend cannot serve."""
        raise NotImplementedError

    def indexed_hashes(self, doc_type: str | None = None) -> dict[str, str]:
        """{key: content hash} of what the backend holds (search_check)."""
        raise NotImplementedError
