"""Template helpers of the techniques pages (`{% load techniques_tags %}`)."""

from __future__ import annotations

from django import template

from community.models import Evidence, Response

register = template.Library()


@register.filter
def evidence_label(value: str) -> str:
    try:
        return Evidence(value).label
    except ValueError:
        return value


@register.filter
def response_label(value: str) -> str:
    try:
        return Response(value).label
    except ValueError:
        return value


@register.filter
def response_labels(values) -> str:
    return ", ".join(response_label(v).lower() for v in values or ())


@register.filter
def is_success(value: str, success) -> bool:
    return value in (success or ())
