"""The document contract: what an app hands to search for one of its objects.

Search knows no app's models. An app registers a DocumentSource (see search.registry) that
turns its model instances into `Document`s; everything search stores, ranks, filters,
highlights and hides comes from these fields.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum


class Visibility(StrEnum):
    """Who may see a document in results.

    MEMBERS: every signed-in, active member. RESTRICTED: only the users in `allowed_users`
    and the roles in `allowed_roles` (drafts: the author and managers; hidden posts:
    moderators; private threads: their participants). Something nobody may find is not
    indexed at all: its source returns None and the document is removed.
    """

    MEMBERS = "members"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Term:
    """A facet value: the stable value used in filters and URLs, and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Document:
    # Identity: (type, id) is unique; `type` is the source's doc_type ("technique", ...).
    type: str
    id: int
    title: str
    url: str
    # Searchable text (plain text, no markup): title weighs most, then tags, then body.
    body: str = ""
    tags: tuple[Term, ...] = ()
    # Facets and the "for my deal" context.
    stage: Term | None = None
    personas: tuple[Term, ...] = ()
    industries: tuple[Term, ...] = ()
    # Deal size bands it is about (labels of settings.SEARCH["DEAL_SIZE_BANDS"]); none: any size.
    deal_sizes: tuple[str, ...] = ()
    evidence: Term | None = None
    # Quality signals blended with text relevance (search.ranking).
    votes: int = 0
    answers: int = 0
    accepted: bool = False
    # In [-1, 1]: > 0 shown to work (e.g. the lower bound of a technique's lift), < 0 shown to hurt.
    evidence_strength: float = 0.0
    published_at: datetime | None = None
    # Deal contexts where it worked: "stage:<slug>", "industry:<slug>", "size:<band>".
    worked_in: tuple[str, ...] = ()
    # Who may see it.
    visibility: Visibility = Visibility.MEMBERS
    allowed_users: tuple[int, ...] = ()
    allowed_roles: tuple[str, ...] = ()
    # Display: the key signal ("12 votes · accepted", "Proven · +9 pts"), author, and for
    # answers the question they belong to (results show answers within their question).
    signal: str = ""
    author_id: int | None = None
    parent_type: str = ""
    parent_id: int | None = None
    parent_title: str = ""
    # Matched by its body alone: its title and terms are its parent's, shown and filtered on but
    # not its own words (an answer carries its question's title and tags; were they searchable,
    # every answer of a matching question would match too).
    body_only: bool = False

    @property
    def key(self) -> str:
        return make_key(self.type, self.id)

    @property
    def tags_text(self) -> str:
        """Words indexed with the tag weight: tags, stage, personas and industries."""
        terms = [*self.tags, *self.personas, *self.industries]
        if self.stage:
            terms.append(self.stage)
        return " · ".join(t.label for t in terms)

    @property
    def indexed_title(self) -> str:
        """The title as full-text search sees it ('' for body-only documents)."""
        return "" if self.body_only else self.title

    @property
    def indexed_tags_text(self) -> str:
        return "" if self.body_only else self.tags_text

    def principals(self) -> list[str]:
        """Access principals of a restricted document ("user:12", "role:manager")."""
        if self.visibility == Visibility.MEMBERS:
            return []
        return [f"user:{u}" for u in self.allowed_users] + [f"role:{r}" for r in self.allowed_roles]

    def facets(self) -> list[tuple[str, str, str]]:
        """(facet, value, label) rows for faceted counts and multi-valued filters."""
        rows: list[tuple[str, str, str]] = []
        if self.stage:
            rows.append(("stage", self.stage.value, self.stage.label))
        if self.evidence:
            rows.append(("evidence", self.evidence.value, self.evidence.label))
        rows += [("persona", t.value, t.label) for t in self.personas]
        rows += [("tag", t.value, t.label) for t in self.tags]
        rows += [("industry", t.value, t.label) for t in self.industries]
        rows += [("size", band, band) for band in self.deal_sizes]
        return list(dict.fromkeys(rows))

    def content_hash(self) -> str:
        """A fingerprint of everything indexed; `search_check` compares it to find stale rows."""
        data = asdict(self)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        """Build a document from plain JSON (relevance corpora, fixtures, the stored copy).

        Keys this version does not know are ignored: a document stored by a newer release
        stays readable by an older process during a rolling deploy.
        """
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}

        def term(value) -> Term | None:
            if value is None or isinstance(value, Term):
                return value
            if isinstance(value, str):
                from django.utils.text import slugify

                return Term(value=slugify(value), label=value)
            return Term(**value)

        for name in ("stage", "evidence"):
            data[name] = term(data.get(name))
        for name in ("tags", "personas", "industries"):
            data[name] = tuple(term(v) for v in data.get(name, ()))
        for name in ("worked_in", "deal_sizes", "allowed_users", "allowed_roles"):
            data[name] = tuple(data.get(name, ()))
        if isinstance(data.get("published_at"), str):
            data["published_at"] = datetime.fromisoformat(data["published_at"])
        data["visibility"] = Visibility(data.get("visibility", Visibility.MEMBERS))
        return cls(**data)


def make_key(doc_type: str, object_id: int | str) -> str:
    return f"{doc_type}:{object_id}"


def split_key(key: str) -> tuple[str, int]:
    doc_type, _, object_id = key.partition(":")
    return doc_type, int(object_id)


@dataclass
class Signals:
    """The quality signals of one candidate, as the ranking reads them."""

    votes: int = 0
    answers: int = 0
    accepted: bool = False
    evidence_strength: float = 0.0
    published_at: datetime | None = None
    worked_in: tuple[str, ...] = field(default_factory=tuple)
