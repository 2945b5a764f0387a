"""Mentor and mentee profiles: what a mentor coaches and for whom, what a mentee wants to grow."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import LANGUAGE_NAMES, CoachingStyle, PreferredTime, SkillLevel


def validate_languages(value: list) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Languages must be a list of language codes.")
    unknown = [v for v in value if v not in LANGUAGE_NAMES]
    if unknown:
        raise ValidationError(
            "Unknown language code(s): %(codes)s. Use codes such as en, es, de.", params={"codes": ", ".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each language can be listed once.")


def validate_styles(value: list) -> None:
    if not isinstance(value, list) or any(v not in CoachingStyle.values for v in value):
        raise ValidationError(
            "Styles must be a list of: %(styles)s.", params={"styles": ", ".join(CoachingStyle.values)}
        )


class MentorProfile(models.Model):
    """A mentor's offer: skills with a level, capacity, availability, languages and style.

    Timezone and region are the user's own (accounts.User) so there is one source of truth.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    capacity = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="The most mentees you coach at once (1 to 20).",
    )
    accepting = models.BooleanField(
        default=True, help_text="Untick to stop new requests and proposals (your current mentees stay)."
    )
    languages = models.JSONField(default=list, blank=True, validators=[validate_languages])
    styles = models.JSONField(
        "coaching styles", default=list, blank=True, validators=[validate_styles], help_text="How you like to coach."
    )
    how_i_coach = models.TextField("how I coach", max_length=2000, blank=True, help_text="Markdown, a few sentences.")
    how_i_coach_html = models.TextField(blank=True, editable=False)
    skills = models.ManyToManyField("taxonomy.SkillTag", through="MentorSkill", related_name="mentor_profiles")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__display_name"]

    def __str__(self) -> str:
        return f"Mentor profile of {self.user}"

    @property
    def language_names(self) -> list[str]:
        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]

    @property
    def style_labels(self) -> list[str]:
        return [CoachingStyle(s).label for s in self.styles if s in CoachingStyle.values]


class MentorSkill(models.Model):
    profile = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey("taxonomy.SkillTag", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=SkillLevel.choices, default=SkillLevel.STRONG)

    class Meta:
        ordering = ["-level", "skill__sort_order", "skill__name"]
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="mentor_skill_unique")]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


class MenteeProfile(models.Model):
    """What a mentee (usually a new hire) wants to grow, how and when they like to be coached.

    `inferred_gaps` is written by the matching refresh from practice outcomes (stages where
    their success rate lags the rest of the team, with sample sizes); never typed by anyone.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profile")
    goals = models.ManyToManyField(
        "taxonomy.SkillTag", blank=True, related_name="mentee_profiles", help_text="Skills you want to grow."
    )
    preferred_style = models.CharField(
        max_length=20, choices=CoachingStyle.choices, blank=True, help_text="Leave empty if any style suits you."
    )
    preferred_time = models.CharField(max_length=20, choices=PreferredTime.choices, default=PreferredTime.ANY)
    languages = models.JSONField(
        default=list, blank=True, validators=[validate_languages], help_text="The first is the one you prefer."
    )
    about = models.TextField(
        "what I want help with", max_length=2000, blank=True, help_text="Markdown; shown to mentors you ask."
    )
    about_html = models.TextField(blank=True, editable=False)
    share_with_manager = models.BooleanField(
        default=False,
        help_text="Let your manager see your mentorships' goals and check-ins (you can change this per mentorship).",
    )
    inferred_gaps = models.JSONField(default=list, blank=True, editable=False)
    matches_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__display_name"]

    def __str__(self) -> str:
        return f"Mentee profile of {self.user}"

    @property
    def language_names(self) -> list[str]:
        return [LANGUAGE_NAMES.get(code, code) for code in self.languages]
