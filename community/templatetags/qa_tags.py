"""Template helpers for the question pages."""

from __future__ import annotations

from django import template
from django.core.exceptions import ObjectDoesNotExist

register = template.Library()


@register.filter
def rep(user) -> int:
    """A person's reputation (0 when they have none yet); no query when select_related."""
    if user is None:
        return 0
    try:
        return user.reputation.points
    except (ObjectDoesNotExist, AttributeError):
        return 0


@register.filter
def compact(n: int) -> str:
    """1234 -> 1.2k (for reputation badges)."""
    n = int(n or 0)
    if abs(n) >= 10_000:
        return f"{n / 1000:.0f}k"
    if abs(n) >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)
