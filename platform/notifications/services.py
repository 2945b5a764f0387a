"""Notifying people: write the notification, then e-mail and push it after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.tasks import enqueue_on_commit

from .kinds import Delivery, get_kind
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    """The channel-layer group that reaches every open connection of one user."""
    return f"user-{user_id}"


def delivery_for(user, kind: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return pref or get_kind(kind).default


def _email_status(delivery: str, recipient) -> str:
    if not recipient.email or delivery == Delivery.OFF:
        return Notification.Email.SKIPPED
    if delivery == Delivery.IMMEDIATE:
        return Notification.Email.PENDING
    return Notification.Email.DIGEST


def notify(
    *,
    recipient,
    kind: str,
    title: str,
    url: str = "",
    actor=None,
    body: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Notify one person; returns None when it is their own action or a repeat of `dedupe_key`."""
    get_kind(kind)
    if actor is not None and actor.pk == recipient.pk:
        return None
    delivery = delivery_for(recipient, kind)
    notification = Notification(
        recipient=recipient,
        actor=actor,
        kind=kind,
        title=title[:255],
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email_status=_email_status(delivery, recipient),
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None  # dedupe_key seen before
    if notification.email_status == Notification.Email.PENDING:
        from .tasks import send_notification_email

        enqueue_on_commit(send_notification_email, notification.pk)
    transaction.on_commit(lambda: push(notification))
    return notification


def notify_many(*, recipients: Iterable, **kwargs) -> list[Notification]:
    out = []
    for recipient in recipients:
        n = notify(recipient=recipient, **kwargs)
        if n is not None:
            out.append(n)
    return out


def push(notification: Notification) -> None:
    """Tell the recipient's open pages (bell counter, toast); best effort, never raises.

    The database row is the record; a push that the channel layer drops only delays the
    counter until the next page load or poll.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            user_group(notification.recipient_id),
            {
                "type": "notification.created",
                "id": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "url": notification.url,
                "created_at": notification.created_at.isoformat(),
            },
        )
    except Exception:  # the channel layer is a convenience, not the record
        logger.warning("could not push notification %s", notification.pk, exc_info=True)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a user's notifications read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def preferences_set(*, user, deliveries: dict[str, str]) -> None:
    valid = {value for value, _ in Delivery.CHOICES}
    with transaction.atomic():
        for kind, delivery in deliveries.items():
            get_kind(kind)
            if delivery not in valid:
                raise ValueError(f"Unknown delivery {delivery!r}")
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
