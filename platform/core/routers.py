"""API endpoints that belong to no feature: the Markdown preview used by every editor."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from core.api import COMMON_ERRORS

from .markdown import find_mentions, render_markdown

router = Router(tags=["markdown"])


class PreviewIn(Schema):
    body: str = Field(..., max_length=50_000)


class PreviewOut(Schema):
    body_html: str


@router.post("/preview", response={200: PreviewOut, **COMMON_ERRORS}, summary="Render Markdown as it will be shown")
def preview(request: HttpRequest, payload: PreviewIn):
    from django.contrib.auth import get_user_model

    mentioned = find_mentions(payload.body)
    known = []
    if mentioned:
        known = list(
            get_user_model().objects.filter(username__in=mentioned, is_active=True).values_list("username", flat=True)
        )
    return {"body_html": render_markdown(payload.body, known_usernames=known)}
