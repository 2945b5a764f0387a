"""What the techniques area needs in every database, ensured after each `migrate` (and after the
test runner's flushes): the TechniqueIndexPage at /techniques/ under the default site's root
page, the "Technique review" moderation workflow on it, and the CMS permission for managers
(Wagtail's Moderators group) to change the outcome settings.

post_migrate rather than a data migration: it also heals a database whose page tree was
flushed, and it runs after Wagtail's own default data (root page, site, groups) exists.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

INDEX_SLUG = "techniques"
WORKFLOW_NAME = "Technique review"
TASK_NAME = "Manager approval"
MODERATORS = "Moderators"


def ensure_locale() -> None:
    """Wagtail's default locale (a flushed test database has none; pages need one)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))


def ensure_site_root():
    """The default site's root page (Wagtail's welcome page), creating the tree if it is missing."""
    from wagtail.models import Page, Site

    ensure_locale()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = root.get_children().first()
    if home is None:
        home = root.add_child(instance=Page(title="Rainmaker", slug="home", live=True))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Rainmaker")
    return home


def ensure_index_page():
    from community.models import TechniqueIndexPage

    existing = TechniqueIndexPage.objects.first()
    if existing is not None:
        return existing
    home = ensure_site_root()
    index = TechniqueIndexPage(
        title="Techniques",
        slug=INDEX_SLUG,
        intro="Deal techniques from the team's rainmakers, with what they achieve on real deals.",
        live=True,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    logger.info("created the techniques index page at %s", index.url_path)
    return index


def ensure_workflow(index) -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    group, _ = Group.objects.get_or_create(name=MODERATORS)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME)
            task.groups.set([group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})


def ensure_settings_permission() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from community.models import OutcomeSettings

    # Created here too: auth's own post_migrate handler may not have run for this app yet.
    perm, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(OutcomeSettings),
        codename="change_outcomesettings",
        defaults={"name": "Can change outcomes"},
    )
    group = Group.objects.filter(name=MODERATORS).first()
    if group:
        group.permissions.add(perm)


def ensure_all(**kwargs) -> None:
    """post_migrate receiver (runs once per app; acts only for community)."""
    app_config = kwargs.get("app_config")
    if app_config is not None and app_config.label != "community":
        return
    using = kwargs.get("using", "default")
    with transaction.atomic(using=using):
        index = ensure_index_page()
        ensure_workflow(index)
        ensure_settings_permission()
