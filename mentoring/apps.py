from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """Mentor-mentee matching, the mentorship lifecycle and whether mentoring shortens ramp time."""

    name = "mentoring"
    verbose_name = "Mentoring"
