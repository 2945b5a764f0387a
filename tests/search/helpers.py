"""Helpers for the search tests."""

from __future__ import annotations

from search.documents import Document, Term


def doc(doc_type: str, object_id: int, title: str, body: str = "", **fields) -> Document:
    """A document with sensible defaults; Terms may be given as labels."""
    for name in ("stage", "evidence"):
        if isinstance(fields.get(name), str):
            fields[name] = Term(fields[name].lower().replace(" ", "-"), fields[name])
    for name in ("tags", "personas", "industries"):
        if name in fields:
            fields[name] = tuple(
                Term(v.lower().replace(" ", "-"), v) if isinstance(v, str) else v for v in fields[name]
            )
    fields.setdefault("url", f"/{doc_type}s/{object_id}/")
    return Document(type=doc_type, id=object_id, title=title, body=body, **fields)
