"""Notifications: in-app always, e-mail per preference, digests, the API and the bell."""

import pytest
from django.core import mail

from notifications.models import DigestRun, Notification
from notifications.services import mark_read, notify, preferences_set
from notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def test_notify_writes_and_emails_immediate_kinds(newhire, rainmaker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(
            recipient=newhire,
            kind="qa.answer",
            title="Marcus answered your question",
            url="/questions/1/",
            actor=rainmaker,
        )
    assert n.email_status == "sent" or Notification.objects.get(pk=n.pk).email_status == "sent"
    assert len(mail.outbox) == 1 and "Marcus answered" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/questions/1/" in mail.outbox[0].body or "/questions/1/" in mail.outbox[0].body


def test_no_notification_for_your_own_action_or_a_repeat(newhire):
    assert notify(recipient=newhire, kind="mention", title="x", actor=newhire) is None
    assert notify(recipient=newhire, kind="mention", title="x", dedupe_key="m:1") is not None
    assert notify(recipient=newhire, kind="mention", title="x", dedupe_key="m:1") is None
    assert Notification.objects.count() == 1


def test_unknown_kind_is_a_programming_error(newhire):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(recipient=newhire, kind="nope", title="x")


def test_daily_digest_groups_waiting_notifications_once(newhire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=newhire, kind="qa.comment", title="A comment on your question")
        notify(recipient=newhire, kind="technique.reviewed", title="Your technique was endorsed")
    assert mail.outbox == []  # daily kinds wait
    assert send_digests("daily") == 1
    assert len(mail.outbox) == 1 and "2 updates" in mail.outbox[0].subject
    assert "A comment on your question" in mail.outbox[0].body
    assert send_digests("daily") == 0  # idempotent
    assert DigestRun.objects.count() == 1


def test_preferences_turn_email_off(newhire, django_capture_on_commit_callbacks):
    preferences_set(user=newhire, deliveries={"qa.answer": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=newhire, kind="qa.answer", title="Answer")
    assert mail.outbox == [] and Notification.objects.get().email_status == "skipped"


def test_bell_inbox_and_mark_read(client_for, newhire):
    notify(recipient=newhire, kind="mention", title="Dana mentioned you", url="/people/manager/")
    c = client_for(newhire)
    home = c.get("/").content.decode()
    assert 'class="bell__count" >1<' in home.replace("  ", " ") or ">1</span>" in home
    inbox = c.get("/notifications/")
    assert "Dana mentioned you" in inbox.content.decode()
    n = Notification.objects.get()
    opened = c.get(f"/notifications/{n.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/people/manager/"
    n.refresh_from_db()
    assert n.is_read


def test_notifications_api(api_for, newhire, manager):
    for i in range(3):
        notify(recipient=newhire, kind="mention", title=f"Mention {i}")
    notify(recipient=manager, kind="mention", title="Not yours")
    api = api_for(newhire)
    body = api.get("/api/v1/notifications?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert all(item["title"].startswith("Mention") for item in body["items"])
    marked = api.post("/api/v1/notifications/read", {}).json()
    assert marked == {"marked": 3, "unread": 0}
    assert api.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert mark_read(user=manager) == 1


def test_preferences_page_validates(client_for, newhire):
    c = client_for(newhire)
    csrf = c.get("/notifications/settings/").cookies["csrftoken"].value
    bad = c.post("/notifications/settings/", {"qa.answer": "hourly", "csrfmiddlewaretoken": csrf})
    assert bad.status_code == 422
