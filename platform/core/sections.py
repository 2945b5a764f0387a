"""Pages assembled from parts that several apps contribute.

The home page and the profile page show what is new across the product (techniques,
questions, mentoring...). The apps that own that content register a section here from
their AppConfig.ready(); the page renders the sections in order. This keeps imports
one-way: accounts never imports community, yet the profile shows a person's techniques.

A section's `context` callable receives the request and the page's subject (the profile's
user, or None on the home page) and returns the template context, or None to hide the
section. Each callable must run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    slot: str
    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict | None]
    order: int = 100


_REGISTRY: dict[str, dict[str, Section]] = {}


def register(slot: str, key: str, *, template: str, context: Callable, order: int = 100) -> None:
    _REGISTRY.setdefault(slot, {})[key] = Section(slot, key, template, context, order)


def render(slot: str, request: HttpRequest, subject: Any = None) -> list[dict]:
    """The visible sections of `slot`, each as {"key", "template", "context"}."""
    out = []
    for section in sorted(_REGISTRY.get(slot, {}).values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, subject)
        if context is not None:
            out.append({"key": section.key, "template": section.template, "context": context})
    return out
