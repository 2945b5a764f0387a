"""A mentorship that ends keeps its coaching thread as a read-only record: web, API and WebSocket."""

import importlib

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.apps import apps

from community.discussion_services import message_post, thread_for_object
from community.models import Message, Thread
from mentoring import services
from mentoring.models import Mentorship
from tests.community.conftest import communicator, join, receive
from tests.factories import make_user
from tests.mentoring.helpers import active_pair, make_mentee

pytestmark = pytest.mark.django_db


def _pair():
    pair = active_pair()
    pair.first, _ = message_post(
        thread=pair.thread, author=pair.mentee, body="Recap of my **pricing** call", client_id="c1"
    )
    return pair


@pytest.fixture
def pair(db):
    return _pair()


@pytest.mark.parametrize("how", ["complete", "end_early"])
def test_ending_a_mentorship_archives_its_coaching_thread(pair, how):
    if how == "complete":
        services.mentorship_complete(mentorship=pair.m, by=pair.mentor, note="Goals met.")
    else:
        services.mentorship_end_early(mentorship=pair.m, by=pair.mentee, reason="Our time zones do not overlap.")
    thread = Thread.objects.get(pk=pair.thread.pk)
    pair.m.refresh_from_db()
    assert thread.archived_at is not None and thread.archived_at >= pair.m.ended_at
    # The record stays: same members, same messages.
    assert thread.has_member(pair.mentor) and thread.has_member(pair.mentee)
    assert Message.objects.filter(thread=thread).count() == 1


def test_members_read_an_archived_thread_on_the_web_but_cannot_write(pair, client_for):
    services.mentorship_complete(mentorship=pair.m, by=pair.mentor)
    c = client_for(pair.mentee)
    page = c.get(f"/discussions/{pair.thread.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>pricing</strong>" in html
    assert "This mentorship has ended, and its coaching thread was archived" in html
    assert "data-thread-form" not in html and 'data-action="edit"' not in html and 'data-action="delete"' not in html
    assert 'data-can-post="0"' in html
    # The mentorship page embeds the same read-only thread.
    embedded = c.get(f"/mentoring/mentorships/{pair.m.pk}/").content.decode()
    assert "coaching thread was archived" in embedded and "data-thread-form" not in embedded
    # A form posted from a page opened before the end: refused, and what was written comes back.
    token = c.cookies["csrftoken"].value
    posted = c.post(
        f"/discussions/{pair.thread.pk}/post/",
        {"body": "One more <script>x</script> question", "client_id": "late-1", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 409
    body = posted.content.decode()
    assert "Your message was not posted" in body
    assert "One more &lt;script&gt;x&lt;/script&gt; question" in body and "<script>x</script>" not in body
    assert not Message.objects.filter(client_id="late-1").exists()
    # Editing and deleting are closed too.
    edit = c.post(
        f"/discussions/{pair.thread.pk}/messages/{pair.first.pk}/edit/", {"body": "x", "csrfmiddlewaretoken": token}
    )
    assert edit.status_code == 403
    assert (
        c.post(
            f"/discussions/{pair.thread.pk}/messages/{pair.first.pk}/delete/", {"csrfmiddlewaretoken": token}
        ).status_code
        == 403
    )
    pair.first.refresh_from_db()
    assert pair.first.body == "Recap of my **pricing** call" and pair.first.deleted_at is None


def test_the_api_reads_an_archived_thread_and_refuses_writes_with_a_reason(pair, api_for):
    services.mentorship_end_early(mentorship=pair.m, by=pair.mentor, reason="Re-matching after the fit check.")
    api = api_for(pair.mentee)
    base = f"/api/v1/threads/{pair.thread.pk}"
    info = api.get(base).json()
    assert info["archived_at"] is not None
    listed = api.get(f"{base}/messages").json()
    assert [m["body"] for m in listed["items"]] == ["Recap of my **pricing** call"]
    refused = api.post(f"{base}/messages", {"body": "Still there?", "client_id": "late-2"})
    assert refused.status_code == 403 and "archived" in refused.json()["detail"]
    assert api.patch(f"{base}/messages/{pair.first.pk}", {"body": "changed"}).status_code == 403
    assert api.delete(f"{base}/messages/{pair.first.pk}").status_code == 403
    assert Message.objects.filter(thread=pair.thread).count() == 1
    # Reading state still works: it changes nothing in the record.
    assert api.post(f"{base}/read", {}).status_code == 200
    # Outsiders still see nothing at all.
    outsider = make_user("olivia", roles=("rainmaker",))
    assert api_for(outsider).get(f"{base}/messages").status_code == 403


def test_an_open_mentorship_thread_has_no_archived_at(pair, api_for):
    assert api_for(pair.mentee).get(f"/api/v1/threads/{pair.thread.pk}").json()["archived_at"] is None


@pytest.mark.django_db(transaction=True)
def test_connected_members_are_told_at_once_and_their_sends_are_refused():
    pair = _pair()

    async def scenario():
        comm = communicator(pair.thread.pk, user=pair.mentee)
        try:
            hello = await join(comm, last_seq=1)
            assert hello["thread"]["archived_at"] is None
            await receive(comm, "replayed")
            await database_sync_to_async(services.mentorship_complete)(mentorship=pair.m, by=pair.mentor)
            frame = await receive(comm, "archived")
            assert frame["archived_at"] and "completed" in frame["detail"]
            await comm.send_json_to({"type": "message", "client_id": "ws-late", "body": "After the end"})
            error = await receive(comm, "error")
            assert error["code"] == "forbidden" and error["ref"] == "ws-late" and "archived" in error["detail"]
            await comm.send_json_to({"type": "ping"})
            assert (await comm.receive_json_from(timeout=3))["type"] in ("pong", "presence")
        finally:
            await comm.disconnect()
        # A later connection still reads the history and learns at once that it is read-only.
        again = communicator(pair.thread.pk, user=pair.mentee)
        try:
            hello = await join(again, last_seq=0)
            assert hello["thread"]["archived_at"]
            replayed = await receive(again, "message")
            assert replayed["message"]["body"] == "Recap of my **pricing** call"
        finally:
            await again.disconnect()

    async_to_sync(scenario)()
    assert not Message.objects.filter(client_id="ws-late").exists()


def test_the_migration_archives_threads_of_mentorships_that_had_already_ended(pair):
    services.mentorship_complete(mentorship=pair.m, by=pair.mentor)
    Thread.objects.filter(pk=pair.thread.pk).update(archived_at=None)  # as before this release
    open_pair_mentee = make_mentee("omar")
    other, _ = services.mentorship_request(mentee=open_pair_mentee, mentor=pair.mentor, requested_by=open_pair_mentee)
    services.mentorship_accept(mentorship=other, by=pair.mentor)
    migration = importlib.import_module("mentoring.migrations.0002_archive_ended_coaching_threads")
    migration.archive(apps, None)
    pair.m.refresh_from_db()
    assert Thread.objects.get(pk=pair.thread.pk).archived_at == pair.m.ended_at
    assert thread_for_object(Mentorship.objects.get(pk=other.pk), create=False).archived_at is None
