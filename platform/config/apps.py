from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """django.contrib.admin with the superusers-only site (config/admin_site.py)."""

    default_site = "config.admin_site.SuperuserAdminSite"


class SiteConfig(AppConfig):
    """Site-wide wiring that must run after every other app is ready (listed last)."""

    name = "config"
    label = "site"
    verbose_name = "Rainmaker site"

    def ready(self) -> None:
        # Moderation reaches authors and managers through Rainmaker's notifications (in the
        # app, and by e-mail per each person's preference); Wagtail's own workflow e-mails
        # would send the same news a second time, unasked.
        from wagtail.admin import signal_handlers as handlers
        from wagtail.models import TaskState, WorkflowState
        from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

        for signal, receiver, sender, uid in (
            (
                task_submitted,
                handlers.task_submission_email_notifier,
                TaskState,
                "group_approval_task_submitted_email_notification",
            ),
            (
                workflow_submitted,
                handlers.workflow_submission_email_notifier,
                WorkflowState,
                "workflow_state_submitted_email_notification",
            ),
            (
                workflow_rejected,
                handlers.workflow_rejection_email_notifier,
                WorkflowState,
                "workflow_state_rejected_email_notification",
            ),
            (
                workflow_approved,
                handlers.workflow_approval_email_notifier,
                WorkflowState,
                "workflow_state_approved_email_notification",
            ),
        ):
            signal.disconnect(receiver, sender=sender, dispatch_uid=uid)
