"""E-mail for notifications: at once, or gathered into daily and weekly digests."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .kinds import KINDS, Delivery
from .models import DigestRun, Notification

logger = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.SITE_URL.rstrip("/") + url
    return url


@task()
def send_notification_email(notification_id: int) -> str:
    n = Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    if n is None or n.email_status != Notification.Email.PENDING:
        return "skipped"
    send_mail(
        subject=f"[Rainmaker] {n.title}",
        message=render_to_string(
            "notifications/email.txt", {"n": n, "link": _absolute(n.url), "site": settings.SITE_URL}
        ),
        from_email=None,
        recipient_list=[n.recipient.email],
    )
    Notification.objects.filter(pk=n.pk).update(email_status=Notification.Email.SENT)
    return "sent"


def _period_key(period: str, now) -> str:
    if period == Delivery.WEEKLY:
        year, week, _ = now.isocalendar()
        return f"{year}-W{week:02d}"
    return now.date().isoformat()


def send_digests(period: str) -> int:
    """One e-mail per person with their waiting notifications of kinds set to `period`."""
    now = timezone.now()
    key = _period_key(period, now)
    since = now - (timedelta(days=7) if period == Delivery.WEEKLY else timedelta(days=1))
    user_model = get_user_model()
    sent = 0
    waiting = (
        Notification.objects.filter(email_status=Notification.Email.DIGEST, created_at__gte=since - timedelta(days=7))
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user in user_model.objects.filter(pk__in=list(waiting), is_active=True):
        from .services import delivery_for

        kinds = [k for k in KINDS if delivery_for(user, k) == period]
        items = list(
            Notification.objects.filter(recipient=user, email_status=Notification.Email.DIGEST, kind__in=kinds)
            .select_related("actor")
            .order_by("created_at")[:100]
        )
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestRun.objects.create(user=user, period=period, period_key=key, count=len(items))
                Notification.objects.filter(pk__in=[i.pk for i in items]).update(
                    email_status=Notification.Email.DIGESTED
                )
                label = "weekly" if period == Delivery.WEEKLY else "daily"
                body = render_to_string(
                    "notifications/digest.txt",
                    {
                        "user": user,
                        "items": [(i, _absolute(i.url)) for i in items],
                        "label": label,
                        "settings_link": _absolute("/notifications/settings/"),
                    },
                )
                send_mail(
                    subject=f"[Rainmaker] Your {label} digest: {len(items)} update{'s' if len(items) != 1 else ''}",
                    message=body,
                    from_email=None,
                    recipient_list=[user.email],
                )
        except IntegrityError:
            continue  # this period's digest already went out
        sent += 1
    logger.info("sent %s %s digests", sent, period)
    return sent


def send_daily_digests() -> int:
    return send_digests(Delivery.DAILY)


def send_weekly_digests() -> int:
    return send_digests(Delivery.WEEKLY)
