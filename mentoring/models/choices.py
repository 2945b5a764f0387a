"""Vocabularies shared by profiles, matching and the forms."""

from __future__ import annotations

from django.db import models

# Languages a coaching conversation can happen in (ISO 639-1 codes).
LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("sv", "Swedish"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("zh", "Mandarin"),
    ("yo", "Yoruba"),
]
LANGUAGE_NAMES = dict(LANGUAGES)


class SkillLevel(models.IntegerChoices):
    BASICS = 1, "Can coach the basics"
    STRONG = 2, "Strong"
    EXPERT = 3, "Expert"


class CoachingStyle(models.TextChoices):
    DEAL_REVIEWS = "deal_reviews", "Deal reviews on live opportunities"
    ROLE_PLAY = "role_play", "Role-play and call practice"
    STRUCTURED = "structured", "A structured weekly plan"
    AD_HOC = "ad_hoc", "As needed, mostly written questions"


class PreferredTime(models.TextChoices):
    """When the mentee likes to meet, in their own local time (hours are [start, end))."""

    MORNING = "morning", "Mornings (8:00 to 12:00)"
    MIDDAY = "midday", "Around lunch (11:00 to 14:00)"
    AFTERNOON = "afternoon", "Afternoons (13:00 to 18:00)"
    ANY = "any", "Any time in working hours (8:00 to 18:00)"


PREFERRED_HOURS: dict[str, tuple[int, int]] = {
    PreferredTime.MORNING: (8, 12),
    PreferredTime.MIDDAY: (11, 14),
    PreferredTime.AFTERNOON: (13, 18),
    PreferredTime.ANY: (8, 18),
}


# The parts of a match score, in the order pages show them.
PART_LABELS: dict[str, str] = {
    "coverage": "Coaches your goals and gaps",
    "techniques": "Proven techniques",
    "answers": "Accepted answers",
    "results": "Own results",
    "timezone": "Time-zone overlap",
    "region_language": "Region and language",
    "diversity": "New connection",
    "style": "Coaching style",
}
