"""State changes for people: invitations, sign-up, profiles, roles and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

from core.markdown import render_markdown

from .models import Invitation, Role, Team, User, hash_secret

# Wagtail's own groups; managers moderate, so they join "Moderators" (CMS access + publish).
MANAGER_GROUPS = ("Moderators",)


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return reverse("accounts:accept_invitation", kwargs={"token": self.token})


def user_set_roles(*, user: User, roles: list[str] | set[str]) -> User:
    """Set a user's roles and keep what follows from them in step: the CMS groups and is_staff.

    A manager is staff and joins MANAGER_GROUPS. A manager who loses the role leaves those
    groups and stops being staff (unless a superuser); staff who never were managers (given
    staff by a superuser for the CMS) stay staff. Whether the user was a manager is read from
    the stored row, not from the instance.
    """
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"Unknown role(s): {', '.join(sorted(unknown))}."})
    with transaction.atomic():
        was_manager = user.pk is not None and User.objects.filter(pk=user.pk, is_manager=True).exists()
        for role in Role.values:
            setattr(user, f"is_{role}", role in roles)
        if user.is_manager:
            user.is_staff = True
        elif was_manager and not user.is_superuser:
            user.is_staff = False
        user.save(update_fields=[f"is_{r}" for r in Role.values] + ["is_staff"])
        groups = list(Group.objects.filter(name__in=MANAGER_GROUPS))
        if user.is_manager:
            user.groups.add(*groups)
        else:
            user.groups.remove(*groups)
    return user


def profile_update(*, user: User, data: dict, expertise=None) -> User:
    """Update profile fields (validated) and re-render the bio."""
    fields = ["display_name", "title", "team", "region", "timezone", "start_date", "bio"]
    for field in fields:
        if field in data:
            setattr(user, field, data[field])
    user.bio_html = render_markdown(user.bio)
    user.full_clean(exclude=["password", "username"])
    with transaction.atomic():
        user.save(update_fields=[*[f for f in fields if f in data], "bio_html"])
        if expertise is not None:
            user.expertise.set(expertise)
    return user


def invitation_create(
    *, created_by: User, email: str, role: str, team: Team | None = None, send: bool = True
) -> IssuedInvitation:
    """Create a single-use invitation link and e-mail it; the token is shown only now."""
    email = User.objects.normalize_email(email).strip()
    if role not in Role.values:
        raise ValidationError({"role": "Choose one of the roles."})
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} already has an account."})
    token = Invitation.new_token()
    invitation = Invitation(
        email=email,
        role=role,
        team=team,
        token_hash=hash_secret(token),
        created_by=created_by,
        expires_at=Invitation.default_expiry(settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    issued = IssuedInvitation(invitation=invitation, token=token)
    if send:
        link = settings.SITE_URL.rstrip("/") + issued.path
        transaction.on_commit(
            lambda: send_mail(
                subject=f"{created_by.name} invited you to Rainmaker",
                message=(
                    f"{created_by.name} invited you to join your team on Rainmaker as "
                    f"{invitation.get_role_display().lower()}.\n\nAccept the invitation: {link}\n\n"
                    f"The link works once and expires on {invitation.expires_at:%d %B %Y}."
                ),
                from_email=None,
                recipient_list=[email],
            )
        )
    return issued


class InvitationInvalid(Exception):
    """The link is unknown, used, revoked or expired (the message says which)."""


def invitation_for_token(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("team", "created_by").filter(token_hash=hash_secret(token)).first()
    if invitation is None:
        raise InvitationInvalid("This invitation link is not valid. Ask your manager for a new one.")
    if invitation.accepted_at:
        raise InvitationInvalid("This invitation has already been used. Sign in instead, or ask for a new link.")
    if invitation.revoked_at:
        raise InvitationInvalid("This invitation was withdrawn. Ask your manager for a new one.")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation has expired. Ask your manager for a new one.")
    return invitation


def invitation_accept(*, token: str, username: str, password: str, display_name: str = "") -> User:
    """Create the invited user; the row lock makes a link usable exactly once."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise InvitationInvalid("This invitation has already been used. Sign in instead, or ask for a new link.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken; choose another."})
        user = User(username=username, email=invitation.email, display_name=display_name, team=invitation.team)
        validate_password(password, user)
        user.set_password(password)
        if invitation.role == Role.NEW_HIRE:
            user.start_date = timezone.localdate()
        user.full_clean(exclude=["password"])
        try:
            user.save()
        except IntegrityError as exc:  # a concurrent sign-up took the name
            raise ValidationError({"username": "That username is taken; choose another."}) from exc
        user_set_roles(user=user, roles={invitation.role})
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise ValidationError("An accepted invitation cannot be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def api_token_create(*, user: User, name: str = "API token") -> tuple[APIToken, str]:
    """Issue a personal API token (Wagtail's APIToken: HMAC-hashed, shown once)."""
    name = name.strip() or "API token"
    return APIToken.create_token(user=user, name=name[:255])


def api_token_revoke(*, token: APIToken) -> APIToken:
    token.revoke()
    return token


def api_token_authenticate(plaintext: str) -> User | None:
    """The active user behind a bearer token, or None (unknown, revoked, inactive)."""
    if not plaintext or not APIToken.validate_token_format(plaintext):
        return None
    token = (
        APIToken.objects.select_related("user")
        .filter(key_hash__in=APIToken.candidate_key_hashes(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: reading with a token must not write every time.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
