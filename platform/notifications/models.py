from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .kinds import KINDS, Delivery


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user).select_related("actor")


class Notification(models.Model):
    class Email(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        DIGEST = "digest", "Waiting for a digest"
        DIGESTED = "digested", "Sent in a digest"
        SKIPPED = "skipped", "Not e-mailed"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=[(k, v.label) for k, v in KINDS.items()])
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True, help_text="Plain text.")
    url = models.CharField(max_length=500, blank=True, help_text="Site path to open.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=Email.choices, default=Email.SKIPPED)
    # Callers pass a key for events that must notify once (e.g. "answer:42"); repeats are no-ops.
    dedupe_key = models.CharField(max_length=120, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notif_unique_dedupe",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person wants one kind delivered by e-mail (in-app always shows)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=[(k, v.label) for k, v in KINDS.items()])
    delivery = models.CharField(max_length=10, choices=Delivery.CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} -> {self.delivery}"


class DigestRun(models.Model):
    """One digest e-mail sent: makes digests idempotent per user and period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    period_key = models.CharField(max_length=20, help_text="e.g. 2026-11-25 or 2026-W48")
    sent_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period", "period_key"], name="digest_once")]

    def __str__(self) -> str:
        return f"{self.period} digest {self.period_key} for {self.user_id}"
