"""Read paths for people."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import APIToken

from .models import Invitation, User


def people_list(*, q: str = "", role: str = "") -> QuerySet[User]:
    qs = User.objects.active().select_related("team").prefetch_related("expertise")
    if role:
        qs = qs.with_role(role)
    if q:
        qs = qs.filter(Q(display_name__icontains=q) | Q(username__icontains=q) | Q(title__icontains=q))
    return qs.order_by("display_name", "username")


def profile_get(*, username: str) -> User:
    return User.objects.active().select_related("team", "manager").prefetch_related("expertise").get(username=username)


def invitations_recent() -> QuerySet[Invitation]:
    return invitations_list()[:50]


INVITATION_STATUSES = ("pending", "accepted", "revoked", "expired")


def invitations_list(*, status: str = "") -> QuerySet[Invitation]:
    """Invitations, newest first, optionally in one status (see Invitation.status)."""
    qs = Invitation.objects.select_related("team", "created_by", "accepted_by").order_by("-created_at", "-pk")
    if status == "pending":
        return qs.pending()
    if status == "accepted":
        return qs.filter(accepted_at__isnull=False)
    if status == "revoked":
        return qs.filter(accepted_at__isnull=True, revoked_at__isnull=False)
    if status == "expired":
        return qs.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=timezone.now())
    return qs


def api_tokens_for(*, user: User) -> QuerySet[APIToken]:
    return APIToken.objects.filter(user=user).order_by("-created")
