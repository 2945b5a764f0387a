"""The team's vocabulary over the API: the ids and slugs that other endpoints accept.

Stages, personas, industries and skill tags are edited by managers in the CMS (snippets);
integrations read them here to fill `stage`, `persona`, `tags`, `skills` and similar fields.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from core.api import COMMON_ERRORS

from .models import BuyerPersona, Industry, SalesStage, SkillTag

router = Router(tags=["taxonomy"])


class TaxonomyTermOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    is_active: bool


class TaxonomyOut(Schema):
    stages: list[TaxonomyTermOut]
    personas: list[TaxonomyTermOut]
    industries: list[TaxonomyTermOut]
    skills: list[TaxonomyTermOut]


@router.get("", response={200: TaxonomyOut, **COMMON_ERRORS}, summary="Sales stages, personas, industries and skills")
def taxonomy(request: HttpRequest, include_retired: bool = False):
    """In the order pages show them (stages in the order deals move through). Retired terms stay on
    old content; they are listed only with `include_retired=true`. Four queries."""

    def terms(model) -> list:
        qs = model.objects.order_by("sort_order", "name")
        return list(qs if include_retired else qs.active())

    return {
        "stages": terms(SalesStage),
        "personas": terms(BuyerPersona),
        "industries": terms(Industry),
        "skills": terms(SkillTag),
    }
