from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from core.api import COMMON_ERRORS

router = Router(tags=["people"])


class SkillOut(Schema):
    id: int
    name: str
    slug: str


class TeamOut(Schema):
    id: int
    name: str


class ProfileOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    url: str
    roles: list[str]
    is_staff: bool
    title: str
    team: TeamOut | None
    region: str
    timezone: str
    start_date: date | None
    bio: str
    bio_html: str
    expertise: list[SkillOut]
    initials: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_expertise(obj) -> list:
        return list(obj.expertise.all())


@router.get("/me", response={200: ProfileOut, **COMMON_ERRORS}, summary="The caller's profile and roles")
def me(request: HttpRequest):
    from .selectors import profile_get

    return profile_get(username=request.auth.username)
