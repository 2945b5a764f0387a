"""The unread-discussions badge in the navigation (one query per page, only when shown)."""

from __future__ import annotations

from django import template

from community.discussion_selectors import unread_total

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion_unread(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_discussion_unread"):
        request._discussion_unread = unread_total(user)
    return request._discussion_unread
