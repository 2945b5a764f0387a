"""Discussion services: sequence numbers, idempotency, attachments, membership, read state, notifications."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts import policy
from community import discussion_selectors as selectors
from community import discussion_services as services
from community.models import Message, Thread, ThreadKind, ThreadReadState
from notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_change_takes_the_next_sequence_number(room, newhire, rainmaker):
    m1, created = services.message_post(thread=room, author=newhire, body="First")
    m2, _ = services.message_post(thread=room, author=rainmaker, body="Second", reply_to_id=m1.pk)
    assert created and (m1.seq, m2.seq) == (1, 2) and m2.reply_to_id == m1.pk
    services.message_edit(message=m1, user=newhire, body="First, edited")
    services.message_delete(message=m2, user=rainmaker)
    m1.refresh_from_db()
    m2.refresh_from_db()
    assert (m1.seq, m1.updated_seq, m2.seq, m2.updated_seq) == (1, 3, 2, 4)
    assert m1.edited_at and m2.deleted_at and m2.body == "" and m2.body_html == ""
    room.refresh_from_db()
    assert room.last_seq == 4 and room.message_count == 1
    # The log after 2: each changed message once, ordered by its latest change.
    assert [(m.pk, m.updated_seq) for m in selectors.messages_after(thread=room, after=2, limit_to=10)] == [
        (m1.pk, 3),
        (m2.pk, 4),
    ]


def test_client_id_makes_posting_idempotent(room, newhire, rainmaker):
    first, created = services.message_post(thread=room, author=newhire, body="Sent twice", client_id="abc-1")
    again, created_again = services.message_post(thread=room, author=newhire, body="Sent twice", client_id="abc-1")
    assert created and not created_again and again.pk == first.pk
    other, created_other = services.message_post(thread=room, author=rainmaker, body="Mine", client_id="abc-1")
    assert created_other and other.pk != first.pk  # client ids are per author
    assert Message.objects.count() == 2


def test_bodies_are_markdown_cleaned_and_bounded(room, newhire, settings):
    m, _ = services.message_post(
        thread=room, author=newhire, body="<script>alert(1)</script> **bold** [x](javascript:alert(1))"
    )
    assert "<script>" not in m.body_html and "<strong>bold</strong>" in m.body_html and "javascript:" not in m.body_html
    settings.DISCUSSION_LIMITS = {"message_chars": 10}
    with pytest.raises(ValidationError, match="at most 10 characters"):
        services.message_post(thread=room, author=newhire, body="x" * 11)
    with pytest.raises(ValidationError):
        services.message_post(thread=room, author=newhire, body="   ")


def test_only_the_author_edits_and_the_author_or_a_manager_deletes(room, newhire, rainmaker, manager):
    m, _ = services.message_post(thread=room, author=newhire, body="Draft pricing")
    with pytest.raises(PermissionDenied):
        services.message_edit(message=m, user=rainmaker, body="changed")
    with pytest.raises(PermissionDenied):
        services.message_delete(message=m, user=rainmaker)
    services.message_delete(message=m, user=manager)
    with pytest.raises(ValidationError):
        services.message_edit(message=m, user=newhire, body="too late")


def test_mentions_notify_people_who_can_see_the_thread(
    coach_thread, room, mentor, newhire, rainmaker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=room, author=rainmaker, body="@newhire have a look, and @nobody")
    n = Notification.objects.get(recipient=newhire, kind="mention")
    assert n.title == "Marcus Reyes mentioned you in #deal-desk" and n.url.endswith("#m-1")
    # A mention in a private thread never reaches a non-member.
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=coach_thread, author=mentor, body="Ask @rainmaker about this")
    assert not Notification.objects.filter(recipient=rainmaker).exists()


def test_private_thread_members_hear_of_new_messages_once_per_unread_batch(
    coach_thread, mentor, newhire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=coach_thread, author=mentor, body="How did the discovery call go?")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=coach_thread, author=mentor, body="And did you ask about budget?")
    assert Notification.objects.filter(recipient=newhire, kind="thread.message").count() == 1
    services.thread_mark_read(thread=Thread.objects.get(pk=coach_thread.pk), user=newhire)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(thread=coach_thread, author=mentor, body="Let's review Thursday.")
    assert Notification.objects.filter(recipient=newhire, kind="thread.message").count() == 2
    assert not Notification.objects.filter(recipient=mentor).exists()


def test_read_state_and_unread_counts(room, coach_thread, newhire, rainmaker, mentor):
    assert selectors.unread_total(newhire) == 0
    services.message_post(thread=coach_thread, author=mentor, body="One")
    services.message_post(thread=coach_thread, author=mentor, body="Two")
    services.message_post(thread=room, author=rainmaker, body="Not followed yet")
    assert selectors.unread_total(newhire) == 2  # members follow their private threads
    services.thread_mark_read(thread=room, user=newhire)  # opening a room follows it
    services.message_post(thread=room, author=rainmaker, body="Now it counts")
    services.message_post(thread=room, author=newhire, body="My own message never counts")
    assert selectors.unread_total(newhire) == 2  # posting marks the thread read up to your message
    services.message_post(thread=room, author=rainmaker, body="After yours")
    assert selectors.unread_total(newhire) == 3
    assert selectors.unread_in(thread=room, user=newhire) == 1
    coach_thread.refresh_from_db()
    services.thread_mark_read(thread=coach_thread, user=newhire, seq=1)
    assert selectors.unread_total(newhire) == 2
    services.thread_mark_read(thread=coach_thread, user=newhire, seq=0)  # never moves back
    assert ThreadReadState.objects.get(thread=coach_thread, user=newhire).last_read_seq == 1


def test_thread_for_object_attaches_one_thread_to_a_technique(make_technique, rainmaker, newhire, manager):
    published = make_technique(author=rainmaker)
    thread = services.thread_for_object(published)
    assert thread.kind == ThreadKind.TECHNIQUE and not thread.is_private and thread.title == published.title
    assert services.thread_for_object(published).pk == thread.pk
    assert policy.allowed(newhire, "discussion.view_thread", thread)
    draft = make_technique(author=rainmaker, live=False, title="Reframe the pricing objection")
    draft_thread = services.thread_for_object(draft)
    assert policy.allowed(rainmaker, "discussion.view_thread", draft_thread)  # its author
    assert policy.allowed(manager, "discussion.view_thread", draft_thread)
    assert not policy.allowed(newhire, "discussion.view_thread", draft_thread)


def test_private_threads_admit_members_and_removal_revokes(coach_thread, mentor, newhire, manager, outsider):
    assert policy.allowed(newhire, "discussion.view_thread", coach_thread)
    assert not policy.allowed(outsider, "discussion.view_thread", coach_thread)
    assert not policy.allowed(manager, "discussion.view_thread", coach_thread)
    services.thread_add_member(thread=coach_thread, user=outsider, added_by=manager)
    fresh = Thread.objects.get(pk=coach_thread.pk)
    assert policy.allowed(outsider, "discussion.view_thread", fresh)
    assert services.thread_remove_member(thread=fresh, user=outsider)
    fresh = Thread.objects.get(pk=coach_thread.pk)
    assert not policy.allowed(outsider, "discussion.view_thread", fresh)
    assert not ThreadReadState.objects.filter(thread=fresh, user=outsider).exists()


def test_private_thread_attached_to_any_parent_without_importing_it(mentor, newhire):
    """A mentorship is any model instance: here a user row stands in for the parent."""
    parent = make_user("stand.in")
    thread = services.thread_create_private(title="Coaching", members=[mentor, newhire], parent=parent)
    assert thread.is_private and thread.content_type.model == "user" and thread.object_id == parent.pk
    assert services.thread_for_object(parent).pk == thread.pk


def test_rooms_are_unique_by_name(manager):
    services.thread_create_room(title="#enablement", created_by=manager)
    with pytest.raises(ValidationError):
        services.thread_create_room(title="enablement", created_by=manager)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_unique_consecutive_sequence_numbers(manager):
    """Eight writers post at once: the row lock gives 1..N with no gap and no repeat."""
    room = services.thread_create_room(title="#load", created_by=manager)
    authors = [make_user(f"writer{i}") for i in range(8)]
    barrier = threading.Barrier(len(authors))
    errors: list[BaseException] = []

    def write(author) -> None:
        try:
            barrier.wait()
            for i in range(5):
                services.message_post(thread=room, author=author, body=f"update {i}", client_id=f"c{i}")
                # ...and a retry of the same send, racing the others.
                services.message_post(thread=room, author=author, body=f"update {i}", client_id=f"c{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(a,)) for a in authors]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert not errors
    seqs = sorted(Message.objects.filter(thread=room).values_list("seq", flat=True))
    assert seqs == list(range(1, 41))
    room.refresh_from_db()
    assert room.last_seq == 40 and room.message_count == 40


def _all_at_once(jobs) -> list:
    """Run each job in its own thread (and database connection), released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except BaseException as exc:  # reported by the caller
            results[i] = exc
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_per_minute_limit_holds_when_one_person_posts_in_many_threads_at_once(manager, settings):
    """Eight posts by one person at once, each in another room, with a limit of 3: exactly 3 are
    stored (the count runs under the author's row lock, inside the posting transaction)."""
    settings.DISCUSSION_LIMITS = {"messages_per_minute": 3}
    author = make_user("fast.typer")
    rooms = [services.thread_create_room(title=f"#room-{i}", created_by=manager) for i in range(8)]
    results = _all_at_once(
        [
            lambda room=room: services.message_post(thread=room, author=author, body="Same news everywhere")
            for room in rooms
        ]
    )
    limited = [r for r in results if isinstance(r, services.RateLimited)]
    assert not [r for r in results if isinstance(r, BaseException) and r not in limited], results
    assert Message.objects.filter(author=author).count() == 3 and len(limited) == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_connection_limit_holds_when_sockets_open_at_once(room, newhire, settings):
    """Eight sockets of one person open at once with a limit of 3: exactly 3 are admitted."""
    from community.models import ThreadConnection

    settings.DISCUSSION_LIMITS = {"connections_per_user": 3}
    results = _all_at_once(
        [lambda i=i: services.connection_open(thread=room, user=newhire, channel_name=f"socket-{i}") for i in range(8)]
    )
    assert sorted(results, key=str) == [False] * 5 + [True] * 3, results
    assert ThreadConnection.objects.filter(user=newhire).count() == 3


def test_a_message_is_saved_first_and_broadcast_only_after_the_commit(
    room, newhire, monkeypatch, django_capture_on_commit_callbacks
):
    """The database is the log: nothing reaches the channel layer before the row is committed,
    and a rolled-back post never reaches it at all."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(services, "_group_send", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, created = services.message_post(thread=room, author=newhire, body="Saved first", client_id="c-1")
    assert created and sent == []  # still inside the transaction: nothing broadcast
    for callback in callbacks:
        callback()
    frames = [event["frame"] for group, event in sent if group == room.group_name and event.get("frame")]
    assert [f["message"]["id"] for f in frames if f["type"] == "message"] == [message.pk]

    sent.clear()
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.message_post(thread=room, author=newhire, body="Rolled back", client_id="c-2")
        raise RuntimeError("the request failed after the post")
    assert sent == [] and not Message.objects.filter(client_id="c-2").exists()
