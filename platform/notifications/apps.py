from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications, e-mail per preference and daily/weekly digests."""

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from core import periodic

        from . import tasks

        periodic.register("notifications.daily_digest", tasks.send_daily_digests, every="daily", at_hour=7)
        periodic.register("notifications.weekly_digest", tasks.send_weekly_digests, every="weekly", at_hour=7)
