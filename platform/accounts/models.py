"""People and how they get in: users with profiles and roles, invitations, API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from taxonomy.models import SkillTag


class Role(models.TextChoices):
    NEW_HIRE = "new_hire", "New hire"
    RAINMAKER = "rainmaker", "Rainmaker"
    MENTOR = "mentor", "Mentor"
    MANAGER = "manager", "Manager"


class Region(models.TextChoices):
    NORTH_AMERICA = "na", "North America"
    LATAM = "latam", "Latin America"
    EMEA = "emea", "Europe, Middle East & Africa"
    APAC = "apac", "Asia-Pacific"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a known time zone; use a name such as Europe/Berlin.",
            params={"value": value},
        )


def hash_secret(value: str) -> str:
    """Invitation links are stored only as SHA-256 digests."""
    return hashlib.sha256(value.encode()).hexdigest()


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def with_role(self, role: str) -> UserQuerySet:
        return self.filter(**{f"is_{role}": True})

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)


class RainmakerUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of the sales team; the profile lives on the user (one row, no join)."""

    display_name = models.CharField(max_length=120, blank=True)
    # Roles are independent: a rainmaker is often a mentor too.
    is_new_hire = models.BooleanField("new hire", default=False)
    is_rainmaker = models.BooleanField("rainmaker", default=False)
    is_mentor = models.BooleanField("mentor", default=False)
    is_manager = models.BooleanField("manager", default=False)

    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The manager this person reports to.",
    )
    title = models.CharField("job title", max_length=120, blank=True)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    start_date = models.DateField(
        null=True, blank=True, help_text="First day in the team (ramp time counts from here)."
    )
    bio = models.TextField("short bio", max_length=2000, blank=True, help_text="Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    expertise = models.ManyToManyField(SkillTag, blank=True, related_name="experts")

    objects = RainmakerUserManager()

    class Meta:
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        if len(words) >= 2:
            return (words[0][0] + words[-1][0]).upper()
        return self.name[:2].upper()

    @property
    def roles(self) -> list[str]:
        return [role.value for role in Role if getattr(self, f"is_{role.value}")]

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if getattr(self, f"is_{role.value}")]

    def has_role(self, role: str) -> bool:
        return bool(getattr(self, f"is_{role}", False))

    def get_absolute_url(self) -> str:
        return reverse("people:profile", kwargs={"username": self.username})

    @property
    def tenure_days(self) -> int | None:
        if not self.start_date:
            return None
        return (timezone.localdate() - self.start_date).days

    @property
    def ramp_week(self) -> int | None:
        """Week of the ramp (week 1 = the first seven days), for new hires' greetings."""
        days = self.tenure_days
        return None if days is None or days < 0 else days // 7 + 1


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that lets one e-mail address join with one role."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def default_expiry(cls, days: int) -> timezone.datetime:
        return timezone.now() + timedelta(days=days)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
