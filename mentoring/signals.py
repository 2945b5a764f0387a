"""Keep coaching threads private when the org chart changes.

A mentee who agreed to share a mentorship shares it with THEIR manager: when someone's manager
changes (Django or Wagtail admin, a script), the new manager joins the coaching threads the mentee
shared and the old one leaves at once (their open sockets close). Saves that name other fields
(`update_fields` without "manager", e.g. the last-login stamp) cost nothing.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User


@receiver(post_save, sender=User, dispatch_uid="mentoring.manager_changed")
def coaching_threads_follow_the_manager(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and "manager" not in update_fields):
        return
    from .models import Mentorship
    from .services import _coaching_thread_sync

    for mentorship in Mentorship.objects.filter(mentee_id=instance.pk, manager_access=True).select_related("mentee"):
        _coaching_thread_sync(mentorship)
