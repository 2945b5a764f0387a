from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from core.api import COMMON_ERRORS

from . import services
from .models import Notification

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


@router.get("", response=list[NotificationOut], summary="Your notifications, newest first")
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
