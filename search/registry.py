"""Where apps plug into search: document sources and deal-context providers.

An app declares, in its own package, a `DocumentSource` subclass that names its model and
turns instances into `Document`s, and registers it from its AppConfig.ready():

    from search.registry import register
    register(TechniqueSource())

Registering connects post_save/post_delete of the model (and of any `dependencies`) to the
index outbox, so saving an object re-indexes it after the transaction commits. Search never
imports the app's models: the source hands them over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from .documents import Document


class DocumentSource:
    """Turns one model's instances into search documents.

    Subclasses set `doc_type`, `label` (shown in the type facet) and `model`, and implement
    `to_document`. `get_queryset` selects what a full reindex walks (with the joins that
    `to_document` needs); `to_documents` may batch extra reads for many objects at once.
    `to_document` returns None for an object nobody may find (deleted, spam): it is then
    removed from the index. Drafts and private posts are documents with RESTRICTED visibility.
    """

    doc_type: str = ""
    label: str = ""
    label_plural: str = ""
    model: type[models.Model]
    # Shown within its parent document (an answer within its question): a match ranks and
    # shows the parent, with the match inside it, even when the parent itself does not match.
    shown_within_parent: bool = False
    # Other models whose changes alter this source's documents: (model, fn(instance) -> ids).
    dependencies: Sequence[tuple[type[models.Model], Callable[[Any], Iterable[int]]]] = ()

    def get_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def to_document(self, obj: Any) -> Document | None:
        raise NotImplementedError

    def to_documents(self, objs: Sequence[Any]) -> list[Document | None]:
        return [self.to_document(obj) for obj in objs]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.doc_type}>"


_SOURCES: dict[str, DocumentSource] = {}

# Labels for document types without a registered source (e.g. relevance corpora).
DEFAULT_LABELS = {"technique": "Technique", "question": "Question", "answer": "Answer", "thread": "Discussion"}


def register(source: DocumentSource, *, connect_signals: bool = True) -> DocumentSource:
    if not source.doc_type:
        raise ValueError(f"{source!r} has no doc_type")
    _SOURCES[source.doc_type] = source
    if connect_signals:
        _connect(source)
    return source


def unregister(doc_type: str) -> None:
    source = _SOURCES.pop(doc_type, None)
    if source is not None:
        for model in {source.model, *(m for m, _ in source.dependencies)}:
            post_save.disconnect(sender=model, dispatch_uid=f"search:{doc_type}:{model._meta.label}:save")
            post_delete.disconnect(sender=model, dispatch_uid=f"search:{doc_type}:{model._meta.label}:delete")


def get_source(doc_type: str) -> DocumentSource | None:
    return _SOURCES.get(doc_type)


def sources() -> list[DocumentSource]:
    return list(_SOURCES.values())


# Types shown within their parent when no source is registered for them (relevance corpora).
DEFAULT_WITHIN_PARENT = frozenset({"answer"})


def shown_within_parent(doc_type: str) -> bool:
    source = _SOURCES.get(doc_type)
    if source is not None:
        return source.shown_within_parent
    return doc_type in DEFAULT_WITHIN_PARENT


def type_label(doc_type: str, *, plural: bool = False) -> str:
    source = _SOURCES.get(doc_type)
    if source is not None:
        return (source.label_plural or f"{source.label}s") if plural else source.label
    label = DEFAULT_LABELS.get(doc_type, doc_type.replace("_", " ").capitalize())
    return f"{label}s" if plural else label


def _connect(source: DocumentSource) -> None:
    from . import services  # services imports the models; registering happens in ready()

    doc_type = source.doc_type

    def on_save(sender, instance, raw=False, **kwargs) -> None:
        if raw:  # loaddata: the fixture's other rows may not exist yet
            return
        services.schedule(doc_type, [instance.pk])

    def on_delete(sender, instance, **kwargs) -> None:
        services.schedule(doc_type, [instance.pk])

    uid = f"search:{doc_type}:{source.model._meta.label}"
    post_save.connect(on_save, sender=source.model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(on_delete, sender=source.model, weak=False, dispatch_uid=f"{uid}:delete")

    for model, resolve in source.dependencies:

        def on_dependency(sender, instance, raw=False, _resolve=resolve, **kwargs) -> None:
            if raw:
                return
            ids = [i for i in _resolve(instance) if i is not None]
            if ids:
                services.schedule(doc_type, ids)

        uid = f"search:{doc_type}:{model._meta.label}"
        post_save.connect(on_dependency, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(on_dependency, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


# --- "For my deal" ------------------------------------------------------------------------


@dataclass(frozen=True)
class DealContext:
    """The deal a searcher is working on: results narrow to it and favour what worked there."""

    key: str  # stable id for URLs (e.g. the deal's id)
    label: str  # "Acme renewal (Negotiation, $80k)"
    stage: str = ""  # stage slug
    industry: str = ""  # industry slug
    size: str = ""  # size band (search.conf.deal_size_band)

    def context_keys(self) -> list[str]:
        keys = []
        if self.stage:
            keys.append(f"stage:{self.stage}")
        if self.industry:
            keys.append(f"industry:{self.industry}")
        if self.size:
            keys.append(f"size:{self.size}")
        return keys


_DEAL_PROVIDERS: list[Callable[[Any], list[DealContext]]] = []


def register_deal_provider(provider: Callable[[Any], list[DealContext]]) -> None:
    """`provider(user)` lists the user's open deals (community registers one)."""
    if provider not in _DEAL_PROVIDERS:
        _DEAL_PROVIDERS.append(provider)


def deals_for(user: Any) -> list[DealContext]:
    out: list[DealContext] = []
    for provider in _DEAL_PROVIDERS:
        out.extend(provider(user))
    return out
