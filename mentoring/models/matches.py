"""Stored matching results: per-mentee ranked scores and cohort assignment proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .choices import PART_LABELS


class MatchScore(models.Model):
    """One mentee-mentor score with its explainable parts and reasons in words.

    Computed by services.matches_refresh (after profile changes, lifecycle changes and
    daily), never per request; the ranked list reads these rows and filters by the
    mentor's remaining capacity at read time.
    """

    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_scores")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="0-100")
    parts = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "mentor_id"]
        constraints = [models.UniqueConstraint(fields=["mentee", "mentor"], name="match_score_unique_pair")]
        indexes = [models.Index(fields=["mentee", "-score"], name="match_score_mentee_rank")]

    def __str__(self) -> str:
        return f"{self.mentee_id}->{self.mentor_id}: {self.score:.0f}"

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)

    @property
    def part_rows(self) -> list[dict]:
        return [{"key": k, "label": label, "value": self.parts.get(k, 0.0)} for k, label in PART_LABELS.items()]


class AssignmentProposal(models.Model):
    """A programme-wide cohort assignment, solved optimally and waiting for a manager."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed"
        DISCARDED = "discarded", "Discarded"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    include_active = models.BooleanField(default=False, help_text="Mentees already in a mentorship were re-matched.")
    params = models.JSONField(default=dict, blank=True)
    total_score = models.FloatField(default=0)
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    seat_count = models.PositiveIntegerField(default=0)
    solve_ms = models.FloatField(default=0)
    # [{"mentee_id", "name", "reason"}] for mentees the solver could not place.
    unassigned = models.JSONField(default=list, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # [{"pair_id", "mentee", "mentor", "reason"}] for pairs skipped at confirmation.
    skipped = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Assignment proposal #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:assignment", kwargs={"pk": self.pk})

    @property
    def confirming(self) -> bool:
        """Being confirmed in the background (a large cohort)."""
        return self.status == self.Status.PROPOSED and bool((self.params or {}).get("confirming"))


class ProposedPair(models.Model):
    proposal = models.ForeignKey(AssignmentProposal, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    # The mentorship created when the manager confirmed this pair.
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "mentee"], name="proposed_pair_one_per_mentee")]

    def __str__(self) -> str:
        return f"{self.mentee_id}->{self.mentor_id}"
