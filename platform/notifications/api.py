from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from core.api import COMMON_ERRORS

from . import services
from .kinds import KINDS, Delivery
from .models import Notification, NotificationPreference

router = Router(tags=["notifications"])


class ActorOut(Schema):
    id: int
    username: str
    display_name: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    actor: ActorOut | None
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class MarkReadIn(Schema):
    ids: list[int] | None = None


class MarkReadOut(Schema):
    marked: int
    unread: int


@router.get("", response={200: list[NotificationOut], **COMMON_ERRORS}, summary="Your notifications, newest first")
@paginate
def list_notifications(request: HttpRequest, unread: bool = False):
    qs = Notification.objects.for_user(request.auth)
    return qs.unread() if unread else qs


@router.post("/read", response={200: MarkReadOut, **COMMON_ERRORS}, summary="Mark notifications read")
def mark_read(request: HttpRequest, payload: MarkReadIn):
    """Mark the given ids read, or every notification when `ids` is omitted."""
    marked = services.mark_read(user=request.auth, ids=payload.ids)
    unread = Notification.objects.filter(recipient=request.auth, read_at__isnull=True).count()
    return {"marked": marked, "unread": unread}


# --- Preferences ------------------------------------------------------------------------------------


class DeliveryOut(Schema):
    value: str
    label: str


class PreferenceOut(Schema):
    kind: str
    label: str
    delivery: str = Field(..., description="immediate, daily, weekly or off (in the app only)")
    default: str


class PreferencesOut(Schema):
    items: list[PreferenceOut]
    deliveries: list[DeliveryOut]


class PreferencesIn(Schema):
    preferences: dict[str, str] = Field(
        ..., description='{"<kind>": "<delivery>"}; kinds left out keep their current setting.'
    )


def _preferences(user) -> dict:
    current = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        "items": [
            {"kind": key, "label": kind.label, "delivery": current.get(key, kind.default), "default": kind.default}
            for key, kind in KINDS.items()
        ],
        "deliveries": [{"value": value, "label": label} for value, label in Delivery.CHOICES],
    }


@router.get(
    "/preferences", response={200: PreferencesOut, **COMMON_ERRORS}, summary="How each kind of notification reaches you"
)
def get_preferences(request: HttpRequest):
    """Every kind with its e-mail delivery (in-app notifications always show). One query."""
    return _preferences(request.auth)


@router.put(
    "/preferences", response={200: PreferencesOut, **COMMON_ERRORS}, summary="Change your notification settings"
)
def put_preferences(request: HttpRequest, payload: PreferencesIn):
    """Unknown kinds or deliveries answer 422 (field `preferences.<kind>`) and nothing changes."""
    valid = {value for value, _ in Delivery.CHOICES}
    errors = {}
    for kind, delivery in payload.preferences.items():
        if kind not in KINDS:
            errors[f"preferences.{kind}"] = ["Unknown kind; GET /api/v1/notifications/preferences lists them."]
        elif delivery not in valid:
            errors[f"preferences.{kind}"] = [f"Use one of: {', '.join(sorted(valid))}."]
    if errors:
        raise ValidationError(errors)
    services.preferences_set(user=request.auth, deliveries=payload.preferences)
    return _preferences(request.auth)
