"""Moderation notifications from Wagtail's workflow signals, so that a decision taken in the
front-end queue and one taken in the Wagtail admin (/cms/) both reach the people concerned
through Rainmaker's notifications (in-app, e-mail per preference)."""

from __future__ import annotations

import logging

from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

logger = logging.getLogger(__name__)


def _technique(workflow_state: WorkflowState):
    from community.models import TechniquePage

    obj = workflow_state.content_object
    specific = getattr(obj, "specific", obj)
    return specific if isinstance(specific, TechniquePage) else None


def on_task_submitted(sender, instance: TaskState, user=None, **kwargs) -> None:
    from accounts.models import User
    from notifications.services import notify_many

    technique = _technique(instance.workflow_state)
    if technique is None:
        return
    who = user.name if user else "Someone"
    notify_many(
        recipients=User.objects.active().filter(is_manager=True),
        kind="technique.submitted",
        title=f"{who} submitted “{technique.title}” for review",
        url="/techniques/moderation/",
        actor=user,
        dedupe_key=f"technique.submitted:{instance.pk}",
    )


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    from notifications.services import notify

    technique = _technique(instance)
    if technique is None or technique.author is None:
        return
    technique.refresh_from_db()
    notify(
        recipient=technique.author,
        kind="technique.moderated",
        title=f"“{technique.title}” was approved and is live",
        url=technique.url or "",
        actor=user,
        body=(instance.current_task_state.comment if instance.current_task_state else "") or "",
        dedupe_key=f"technique.moderated:{instance.pk}:approved",
    )


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    from notifications.services import notify

    technique = _technique(instance)
    if technique is None or technique.author is None:
        return
    task_state = instance.current_task_state
    who = user.name if user else "A manager"
    notify(
        recipient=technique.author,
        kind="technique.moderated",
        title=f"{who} asked for changes to “{technique.title}”",
        url=f"/techniques/{technique.pk}/edit/",
        actor=user,
        body=(task_state.comment if task_state else "") or "",
        dedupe_key=f"technique.moderated:{task_state.pk if task_state else instance.pk}:rejected",
    )


def connect() -> None:
    task_submitted.connect(on_task_submitted, sender=TaskState, dispatch_uid="techniques.task_submitted")
    workflow_approved.connect(on_workflow_approved, sender=WorkflowState, dispatch_uid="techniques.approved")
    workflow_rejected.connect(on_workflow_rejected, sender=WorkflowState, dispatch_uid="techniques.rejected")
