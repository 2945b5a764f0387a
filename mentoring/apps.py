from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """Mentor-mentee matching, the mentorship lifecycle and whether mentoring shortens ramp time."""

    name = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from core import periodic, sections

        from . import sections as mentoring_sections
        from . import signals, tasks  # noqa: F401  (signals: coaching threads follow the mentee's manager)

        sections.register(
            "home",
            "mentoring",
            template="mentoring/sections/home.html",
            context=mentoring_sections.home_context,
            order=30,
        )
        sections.register(
            "profile",
            "mentoring",
            template="mentoring/sections/profile.html",
            context=mentoring_sections.profile_context,
            order=30,
        )
        # The coaching thread hangs off the mentorship: private, members only.
        from community.discussion import register_parent_kind

        register_parent_kind(
            "mentorship",
            model="mentoring.mentorship",
            private=True,
            url=lambda m: m.get_absolute_url(),
            title=lambda m: f"{m.mentee.name}'s mentorship with {m.mentor.name}",
        )
        periodic.register("mentoring.refresh_matches", tasks.refresh_all_matches, every="daily", at_hour=3)
        periodic.register("mentoring.programme", tasks.warm_programme, every="hourly")
