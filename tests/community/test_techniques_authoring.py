"""Authoring → moderation → publish, from the front end, with Wagtail's own workflow."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import WorkflowState

from community.models import TechniquePage
from community.techniques import services
from notifications.models import Notification
from tests.community.techniques_helpers import browser, clean_outcome_settings_cache, draft, persona, stage  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def share_form(**overrides):
    data = {
        "title": "Multi-thread before the proposal",
        "summary": "Three contacts before pricing halves the slip rate.",
        "stage": str(stage("proposal").pk),
        "personas": [str(persona().pk)],
        "situation": "Only one contact knows about the deal.",
        "approach": "Ask your champion who else **feels** the pain.",
        "talk_track_context": "",
        "talk_track": "",
        "objection_1": "We're happy with our current vendor.",
        "reply_1": "That's great: what would they need to do better for you to look?",
        "pitfalls": "",
    }
    data.update(overrides)
    return data


def test_a_rainmaker_shares_a_technique_a_manager_approves_it_and_it_goes_live(client_for, rainmaker, manager):
    author = browser(client_for, rainmaker)
    response = author.post("/techniques/share/", share_form())
    assert response.status_code == 302
    page = TechniquePage.objects.get(title="Multi-thread before the proposal")
    assert response["Location"] == f"/techniques/{page.pk}/draft/"
    assert not page.live and page.author == rainmaker
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == "in_progress" and state.workflow.name == "Technique review"
    # Managers are told; the draft is invisible to the others.
    assert Notification.objects.filter(recipient=manager, kind="technique.submitted").exists()
    assert browser(client_for, make_user("someone")).get(f"/techniques/{page.pk}/draft/").status_code == 404
    assert author.get(f"/techniques/{page.pk}/draft/").status_code == 200

    mod = browser(client_for, manager)
    queue = mod.get("/techniques/moderation/")
    assert "Multi-thread before the proposal" in queue.content.decode()
    response = mod.post(f"/techniques/moderation/{page.pk}/", {"action": "approve", "comment": ""})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live and page.first_published_at is not None
    assert page.url == "/techniques/multi-thread-before-the-proposal/"
    assert WorkflowState.objects.for_instance(page).get().status == "approved"
    note = Notification.objects.get(recipient=rainmaker, kind="technique.moderated")
    assert "approved" in note.title and note.url == page.url
    html = author.get(page.url).content.decode()
    assert "Multi-thread before the proposal" in html and "happy with our current vendor" in html


def test_rejection_needs_a_comment_and_the_author_can_resubmit(client_for, rainmaker, manager):
    page = services.technique_submit(author=rainmaker, draft=draft(title="Price last"))
    mod = browser(client_for, manager)
    response = mod.post(f"/techniques/moderation/{page.pk}/", {"action": "reject", "comment": ""})
    assert response.status_code == 422 and "Tell the author what to change" in response.content.decode()
    response = mod.post(f"/techniques/moderation/{page.pk}/", {"action": "reject", "comment": "Add a talk track."})
    assert response.status_code == 302
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == "needs_changes"
    note = Notification.objects.get(recipient=rainmaker, kind="technique.moderated")
    assert note.body == "Add a talk track." and note.url == f"/techniques/{page.pk}/edit/"

    author = browser(client_for, rainmaker)
    edit_page = author.get(f"/techniques/{page.pk}/edit/").content.decode()
    assert "Add a talk track." in edit_page and "Price last" in edit_page
    form = share_form(title="Price last, value first", talk_track="“Before we talk price…”")
    assert author.post(f"/techniques/{page.pk}/edit/", form).status_code == 302
    state.refresh_from_db()
    assert state.status == "in_progress"
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    assert page.live and page.title == "Price last, value first"


def test_edits_of_a_live_technique_are_revisions_and_the_page_says_updated(client_for, rainmaker, manager):
    page = services.technique_submit(author=rainmaker, draft=draft(title="Mutual action plan"))
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    TechniquePage.objects.filter(pk=page.pk).update(first_published_at=page.first_published_at.replace(year=2025))
    author = browser(client_for, rainmaker)
    assert author.post(f"/techniques/{page.pk}/edit/", share_form(title="Mutual action plan v2")).status_code == 302
    page.refresh_from_db()
    assert page.title == "Mutual action plan" and page.has_unpublished_changes  # live version stays
    assert page.revisions.count() == 2
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    assert page.title == "Mutual action plan v2" and page.was_updated
    html = author.get(page.url).content.decode()
    assert "Updated" in html and "Marcus Reyes" in html


def test_evidence_fields_survive_publishing_a_revision(rainmaker, manager):
    page = services.technique_submit(author=rainmaker, draft=draft())
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    TechniquePage.objects.filter(pk=page.pk).update(evidence="proven", uses_count=99, success_rate=0.5)
    page.refresh_from_db()
    services.technique_update(technique=page, editor=rainmaker, draft=draft(title="New title"))
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    assert (page.title, page.evidence, page.uses_count, page.success_rate) == ("New title", "proven", 99, 0.5)


def test_only_rainmakers_submit(client_for, newhire, mentor, api_for):
    for user in (newhire, mentor):
        assert browser(client_for, user).get("/techniques/share/").status_code == 403
        assert browser(client_for, user).post("/techniques/share/", share_form()).status_code == 403
        with pytest.raises(PermissionDenied):
            services.technique_submit(author=user, draft=draft())
    assert not TechniquePage.objects.exists()


def test_only_managers_moderate(client_for, rainmaker, newhire):
    page = services.technique_submit(author=rainmaker, draft=draft())
    other = make_user("other.rainmaker", roles=("rainmaker",))
    for user in (rainmaker, other, newhire):
        assert browser(client_for, user).get("/techniques/moderation/").status_code == 403
        response = browser(client_for, user).post(f"/techniques/moderation/{page.pk}/", {"action": "approve"})
        assert response.status_code == 403
    page.refresh_from_db()
    assert not page.live


def test_drafts_are_invisible_to_others(client_for, rainmaker, newhire, manager):
    page = services.technique_submit(author=rainmaker, draft=draft(title="Secret sauce"))
    reader = browser(client_for, newhire)
    assert reader.get("/techniques/secret-sauce/").status_code == 404
    assert "Secret sauce" not in reader.get("/techniques/").content.decode()
    assert reader.get(f"/techniques/{page.pk}/draft/").status_code == 404
    assert reader.get(f"/techniques/{page.pk}/edit/").status_code == 404
    assert browser(client_for, manager).get(f"/techniques/{page.pk}/draft/").status_code == 200


def test_share_form_errors_keep_what_was_typed(client_for, rainmaker):
    response = browser(client_for, rainmaker).post(
        "/techniques/share/", share_form(title="", situation="", objection_1="Too expensive", reply_1="")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required" in html and "Add your reply to this objection" in html
    assert "Ask your champion who else" in html  # kept
    assert not TechniquePage.objects.exists()


def test_reserved_and_duplicate_titles_get_safe_slugs(rainmaker):
    first = services.technique_submit(author=rainmaker, draft=draft(title="Share"))
    second = services.technique_submit(author=rainmaker, draft=draft(title="Share"))
    assert first.slug == "share-technique" and second.slug == "share-technique-2"


def test_anonymous_visitors_are_sent_to_sign_in(client, rainmaker):
    assert client.get("/techniques/").status_code == 302
    assert client.get("/techniques/share/").status_code == 302


def test_anonymous_visitors_of_a_published_technique_are_sent_to_sign_in(client, make_technique, rainmaker):
    page = make_technique(author=rainmaker, title="Published for the team")
    response = client.get(page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") and page.url in response["Location"]


def test_managers_use_the_cms_editor_and_the_outcome_settings(client_for, rainmaker, manager):
    page = services.technique_submit(author=rainmaker, draft=draft(title="In the CMS"))
    mod = browser(client_for, manager)
    assert mod.get(f"/cms/pages/{page.pk}/edit/").status_code == 200
    settings_page = mod.get("/cms/settings/community/outcomesettings/", follow=True)
    assert settings_page.status_code == 200
    # The row's id is not always 1 (PostgreSQL sequences survive rolled-back tests): follow the redirect.
    edit_url = settings_page.redirect_chain[-1][0]
    response = mod.post(edit_url, {"success_responses": ["won"], "min_sample_size": "30"})
    assert response.status_code == 302
    from community.models import OutcomeSettings

    assert OutcomeSettings.current() == {"success_responses": ["won"], "min_sample_size": 30}
    assert browser(client_for, rainmaker).get("/cms/settings/community/outcomesettings/").status_code == 302


def test_a_front_end_edit_keeps_cms_blocks_and_every_objection(client_for, rainmaker, manager):
    objections = [(f"Objection {i}", f"Reply {i}") for i in range(1, 5)]
    page = services.technique_submit(author=rainmaker, draft=draft(title="Many objections", objections=objections))
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    page.body.append(("quote", {"quote": "Works every time.", "attribution": "A customer"}))
    page.save_revision().publish()
    author = browser(client_for, rainmaker)
    html = author.get(f"/techniques/{page.pk}/edit/").content.decode()
    assert 'name="objection_4"' in html and "Objection 4" in html
    form = share_form(title="Many objections, edited")
    form.update({f"objection_{i}": f"Objection {i}" for i in range(1, 5)})
    form.update({f"reply_{i}": f"Reply {i}" for i in range(1, 5)})
    assert author.post(f"/techniques/{page.pk}/edit/", form).status_code == 302
    latest = TechniquePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    kinds = [b.block_type for b in latest.body]
    assert kinds.count("objection") == 4 and kinds[-1] == "quote"


def test_moderation_news_arrives_once_not_also_as_wagtail_emails(
    client_for, rainmaker, manager, django_capture_on_commit_callbacks
):
    """Our notifications carry moderation news; Wagtail's own workflow e-mails are switched off."""
    from django.core import mail

    from notifications.services import preferences_set

    preferences_set(user=manager, deliveries={"technique.submitted": "immediate"})
    with django_capture_on_commit_callbacks(execute=True):
        browser(client_for, rainmaker).post("/techniques/share/", share_form())
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 1 and subjects[0].startswith("[Rainmaker]"), subjects


def test_a_manager_approves_a_submission_in_the_wagtail_admin_and_the_author_is_told(client_for, rainmaker, manager):
    """The CMS path: the manager opens the page in /cms/, posts Wagtail's own workflow action
    (approve, with a comment) for the task waiting on it; the page goes live and the author gets
    the same notification as from the front-end queue."""
    assert browser(client_for, rainmaker).post("/techniques/share/", share_form()).status_code == 302
    page = TechniquePage.objects.get(title="Multi-thread before the proposal")
    task_state = WorkflowState.objects.for_instance(page).get().current_task_state
    assert task_state.status == "in_progress"
    url = f"/cms/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    # Only moderators: the author cannot approve their own submission through the CMS.
    browser(client_for, rainmaker).post(url, {"comment": "Approving myself"})
    page.refresh_from_db()
    assert not page.live
    mod = browser(client_for, manager)
    assert "Multi-thread before the proposal" in mod.get(f"/cms/pages/{page.pk}/edit/").content.decode()
    response = mod.post(url, {"comment": "Clear and well argued."})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live and page.first_published_at is not None and not page.has_unpublished_changes
    assert WorkflowState.objects.for_instance(page).get().status == "approved"
    task_state.refresh_from_db()
    assert task_state.status == "approved" and task_state.finished_by == manager
    note = Notification.objects.get(recipient=rainmaker, kind="technique.moderated")
    assert "approved" in note.title and note.url == page.url
    html = browser(client_for, make_user("reader")).get(page.url).content.decode()
    assert "Multi-thread before the proposal" in html
