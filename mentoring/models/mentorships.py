"""Mentorships and their lifecycle: request -> accepted/declined -> active -> completed or ended early."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class MentorshipQuerySet(models.QuerySet):
    def active(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.ACTIVE)

    def pending(self) -> MentorshipQuerySet:
        return self.filter(status=Mentorship.Status.REQUESTED)

    def occupying(self) -> MentorshipQuerySet:
        """Mentorships that take one of the mentor's seats (active, or asked and awaiting an answer)."""
        return self.filter(status__in=Mentorship.SEATED)

    def involving(self, user) -> MentorshipQuerySet:
        return self.filter(Q(mentor=user) | Q(mentee=user))


class Mentorship(models.Model):
    """One mentor coaching one mentee, from the request to its end.

    A request is a Mentorship in status `requested` (asked by the mentee, or by a manager who
    confirmed a cohort assignment); the mentor accepts (-> active) or declines with a reason.
    Goals, check-ins and fit ratings hang off it and are private to the pair (and to the
    mentee's manager when `manager_access` is on).

    Coaching thread: a private, members-only discussion thread is attached to the mentorship
    when it becomes active (`services._coaching_thread_open`, through community's generic
    thread parent); its members follow `private_member_ids()`.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    class Origin(models.TextChoices):
        REQUEST = "request", "Asked by the mentee"
        ASSIGNMENT = "assignment", "Proposed by a manager"
        REMATCH = "rematch", "Re-match after a fit check"

    class Fit(models.TextChoices):
        UNRATED = "", "Not rated yet"
        GOOD = "good", "Good fit"
        POOR = "poor", "Poor fit"

    SEATED = (Status.REQUESTED, Status.ACTIVE)
    CLOSED = (Status.COMPLETED, Status.ENDED_EARLY)

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_mentorships")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_mentorships")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.REQUEST)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=2000, blank=True, help_text="Markdown: what the mentee hopes for.")
    message_html = models.TextField(blank=True, editable=False)
    # What the matcher said when the request was made (a snapshot: scores move later).
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    decline_reason = models.TextField(max_length=1000, blank=True)
    end_reason = models.TextField(max_length=1000, blank=True)
    # The mentee decides whether their manager sees goals, check-ins and (later) the thread.
    manager_access = models.BooleanField(default=False)
    fit = models.CharField(max_length=4, choices=Fit.choices, blank=True, default=Fit.UNRATED)
    # When this mentorship replaces another (re-match or reassignment), the one it replaces:
    # that one ends when this one becomes active.
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one open (requested or active) mentorship per pair...
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["requested", "active"]),
                name="mentorship_one_open_per_pair",
            ),
            # ...and at most one active mentor per mentee.
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(status="active"), name="mentorship_one_active_per_mentee"
            ),
            models.CheckConstraint(condition=~Q(mentee=models.F("mentor")), name="mentorship_not_self"),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
            models.Index(fields=["mentee", "status"], name="mentorship_mentee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.status in (self.Status.REQUESTED, self.Status.DECLINED, self.Status.WITHDRAWN):
            return reverse("mentoring:request", kwargs={"pk": self.pk})
        return reverse("mentoring:mentorship", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.SEATED

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def mentee_manager_id(self) -> int | None:
        return getattr(self.mentee, "manager_id", None)

    def private_member_ids(self) -> set[int]:
        """Who may see goals, check-ins and the coaching thread: the pair, and the mentee's
        manager if the mentee agreed."""
        ids = {self.mentor_id, self.mentee_id}
        if self.manager_access and self.mentee_manager_id:
            ids.add(self.mentee_manager_id)
        return ids

    def other(self, user) -> object:
        return self.mentee if user.pk == self.mentor_id else self.mentor


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    skill = models.ForeignKey("taxonomy.SkillTag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.target_date is not None
            and self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
            and self.target_date < timezone.localdate()
        )


class CheckIn(models.Model):
    """A scheduled coaching conversation; after it happens, its notes and next steps."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    agenda = models.CharField(max_length=300, blank=True)
    notes = models.TextField(max_length=8000, blank=True, help_text="Markdown.")
    notes_html = models.TextField(blank=True, editable=False)
    next_steps = models.TextField(max_length=4000, blank=True, help_text="Markdown.")
    next_steps_html = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"Check-in {self.scheduled_for:%Y-%m-%d %H:%M}"


class FitRating(models.Model):
    """After the first check-in, each side says how well the pairing works (1-5)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="fit_ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mentorship", "rater"], name="fit_rating_once_per_rater")]

    def __str__(self) -> str:
        return f"{self.rater} rated {self.rating}/5"
