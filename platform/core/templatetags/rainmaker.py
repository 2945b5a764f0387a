"""Template helpers available in every template (registered as a builtin in settings)."""

from __future__ import annotations

import hashlib

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.markdown import plain_text, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str | None) -> str:
    """Render Markdown through the shared sanitizer (for text not stored pre-rendered)."""
    return mark_safe(render_markdown(source))


@register.filter
def cleaned(html: str | None) -> str:
    """Mark stored `*_html` as safe: it was produced by core.markdown.render_markdown."""
    return mark_safe(html or "")


@register.filter
def plaintext(source: str | None, limit: int = 200) -> str:
    return plain_text(source, limit)


AVATAR_HUES = [210, 150, 25, 280, 340, 190, 45, 120]


@register.simple_tag
def avatar(user, size: str = "md") -> str:
    """Initials in a coloured circle; colour stable per user, text for screen readers."""
    if user is None:
        return ""
    name = getattr(user, "name", None) or getattr(user, "username", "?")
    initials = getattr(user, "initials", None) or name[:2].upper()
    digest = hashlib.sha256(str(getattr(user, "pk", name)).encode()).digest()
    hue = AVATAR_HUES[digest[0] % len(AVATAR_HUES)]
    return format_html(
        '<span class="avatar avatar--{}" style="--avatar-hue:{}" aria-hidden="true">{}</span>',
        size,
        hue,
        initials,
    )


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.4567 -> '46%'; None -> an en dash (never a made-up number)."""
    if value is None:
        return "\u2013"  # en dash: no number, never a made-up one
    return f"{value * 100:.{digits}f}%"


@register.filter
def signed_points(value: float | None, digits: int = 0) -> str:
    """A difference of rates in percentage points: 0.12 -> '+12 pts'."""
    if value is None:
        return "\u2013"  # en dash: no number, never a made-up one
    return f"{value * 100:+.{digits}f} pts"
