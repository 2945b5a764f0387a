"""People over the API: the caller's profile (/me), the team directory (/people), invitations
(managers) and the caller's own API tokens (/me/tokens).

The same services and policy rules as the pages under /accounts/ and /people/.
"""

# No `from __future__ import annotations` here: django-ninja evaluates a paginated view's parameter
# types in the pagination wrapper's module, where names such as the Literal aliases below are unknown.

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from wagtail.models import APIToken

from core.api import COMMON_ERRORS, ErrorOut, PersonRefOut, TermOut, lookup, state_conflict
from taxonomy.models import SkillTag

from . import policy, selectors, services
from .models import Team, User

router = Router(tags=["people"])

RoleName = Literal["new_hire", "rainmaker", "mentor", "manager"]  # accounts.models.Role
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]  # selectors.INVITATION_STATUSES
ERRORS = {**COMMON_ERRORS, 409: ErrorOut}


# --- Schemas ------------------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str


class _PersonFields(Schema):
    """How a user's fields read in the API (shared by the directory and the profile)."""

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_expertise(obj) -> list:
        return list(obj.expertise.all())


class PersonOut(_PersonFields):
    """A team member as the people directory shows them (no e-mail address)."""

    id: int
    username: str
    display_name: str
    url: str
    initials: str
    roles: list[str]
    title: str
    team: TeamOut | None
    region: str
    timezone: str
    expertise: list[TermOut]


class PersonDetailOut(PersonOut):
    """A profile page's facts."""

    start_date: date | None
    bio: str
    bio_html: str
    manager: PersonRefOut | None


class ProfileOut(_PersonFields):
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
    expertise: list[TermOut]
    initials: str


class ProfileIn(Schema):
    """Only the fields sent change."""

    display_name: str = Field(None, max_length=120)
    title: str = Field(None, max_length=120)
    team: int | str | None = Field(None, description="Team id or slug; null for no team.")
    region: str = Field(None, description="na, latam, emea, apac, or an empty string.")
    timezone: str = Field(None, max_length=64, description="An IANA name such as Europe/Berlin.")
    start_date: date | None = None
    bio: str = Field(None, max_length=2000, description="Markdown.")
    expertise: list[int | str] = Field(
        None, max_length=50, description="Skill tag ids or slugs; questions about them are routed to you."
    )


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    role_label: str
    team: TeamOut | None
    status: str = Field(..., description="pending, accepted, revoked or expired")
    created_by: PersonRefOut
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: PersonRefOut | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()


class InvitationCreatedOut(InvitationOut):
    link: str = Field(..., description="The single-use sign-up link: shown only now (only its hash is stored).")


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    role: RoleName
    team: int | str | None = Field(None, description="Team id or slug.")
    send: bool = Field(True, description="E-mail the link to the address (false: you pass the link on yourself).")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The token's first characters, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_created_at(obj) -> datetime:
        return obj.created

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.revoked_at is None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The token itself: shown only now (only an HMAC of it is stored).")


class TokenIn(Schema):
    name: str = Field("API token", max_length=100, description="What uses it, e.g. 'CRM sync'.")


# --- The caller ---------------------------------------------------------------------------------


@router.get("/me", response={200: ProfileOut, **COMMON_ERRORS}, summary="The caller's profile and roles")
def me(request: HttpRequest):
    return selectors.profile_get(username=request.auth.username)


@router.patch("/me", response={200: ProfileOut, **COMMON_ERRORS}, summary="Update your profile")
def update_me(request: HttpRequest, payload: ProfileIn):
    """Send only the fields to change; the bio is Markdown and comes back as `bio` and `bio_html`."""
    user = request.auth
    policy.require(user, "accounts.edit_profile", user)
    data = payload.model_dump(exclude_unset=True)
    expertise = None
    if "expertise" in data:
        values = data.pop("expertise") or []
        expertise = [lookup(SkillTag.objects.active(), v, field="expertise", label="skill tag") for v in values]
    if "team" in data:
        data["team"] = lookup(Team.objects.all(), data["team"], field="team", label="team", by_name=True)
    services.profile_update(user=user, data=data, expertise=expertise)
    return selectors.profile_get(username=user.username)


# --- People ---------------------------------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **COMMON_ERRORS}, summary="The team directory")
@paginate
def list_people(request: HttpRequest, q: str = Query("", max_length=100), role: RoleName | None = None):
    """Active members by name. `q` matches name, username or job title; `role` is one of
    new_hire, rainmaker, mentor, manager."""
    policy.require(request.auth, "accounts.view_people")
    return selectors.people_list(q=q.strip(), role=role or "")


@router.get("/people/{username}", response={200: PersonDetailOut, **COMMON_ERRORS}, summary="A person's profile")
def get_person(request: HttpRequest, username: str):
    policy.require(request.auth, "accounts.view_people")
    try:
        return selectors.profile_get(username=username)
    except User.DoesNotExist as exc:
        raise Http404("No such person.") from exc


# --- Invitations (managers) -------------------------------------------------------------------------


@router.get("/invitations", response={200: list[InvitationOut], **COMMON_ERRORS}, summary="Invitations sent (managers)")
@paginate
def list_invitations(request: HttpRequest, status: InvitationStatus | None = None):
    """Newest first; `status` filters: pending, accepted, revoked or expired."""
    policy.require(request.auth, "accounts.invite")
    return selectors.invitations_list(status=status or "")


@router.post(
    "/invitations",
    response={201: InvitationCreatedOut, **COMMON_ERRORS},
    summary="Invite someone by e-mail (managers)",
)
def create_invitation(request: HttpRequest, payload: InvitationIn):
    """A single-use link that expires; the answer carries it once (`link`). With `send` it is also
    e-mailed. Someone who already has an account answers 422 on `email`."""
    policy.require(request.auth, "accounts.invite")
    team = lookup(Team.objects.all(), payload.team, field="team", label="team")
    issued = services.invitation_create(
        created_by=request.auth, email=payload.email, role=payload.role, team=team, send=payload.send
    )
    invitation = selectors.invitations_list().get(pk=issued.invitation.pk)
    invitation.link = request.build_absolute_uri(issued.path)
    return Status(201, invitation)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, **ERRORS},
    summary="Withdraw an invitation (managers)",
)
def revoke_invitation(request: HttpRequest, invitation_id: int):
    """The link stops working at once. An accepted invitation cannot be withdrawn (409)."""
    policy.require(request.auth, "accounts.invite")
    invitation = get_object_or_404(selectors.invitations_list(), pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as exc:
        raise state_conflict(exc) from exc
    return invitation


# --- API tokens (the caller's own) ------------------------------------------------------------------


@router.get("/me/tokens", response={200: list[TokenOut], **COMMON_ERRORS}, summary="Your API tokens")
@paginate
def list_tokens(request: HttpRequest):
    """Newest first, revoked ones included (`active` false). The tokens themselves are never shown again."""
    return selectors.api_tokens_for(user=request.auth)


@router.post("/me/tokens", response={201: TokenCreatedOut, **COMMON_ERRORS}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn):
    """The answer carries the token once (`token`); calls with `Authorization: Bearer <token>` act as you."""
    token, plaintext = services.api_token_create(user=request.auth, name=payload.name)
    token.token = plaintext
    return Status(201, token)


@router.post(
    "/me/tokens/{token_id}/revoke", response={200: TokenOut, **COMMON_ERRORS}, summary="Revoke one of your tokens"
)
def revoke_token(request: HttpRequest, token_id: int):
    """Calls with it answer 401 from now on (revoking the token you call with is allowed)."""
    token = get_object_or_404(APIToken, pk=token_id, user=request.auth)
    if token.revoked_at is None:
        services.api_token_revoke(token=token)
    return token
