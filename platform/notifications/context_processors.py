from functools import cache

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict:
    """The unread count for the bell: one query, and only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:  # templates call callables; cached per request
        from .models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": unread_notifications}
