"""State changes for discussion threads: write to the database first, then broadcast.

Every change to a thread's messages takes the thread's next sequence number under a row lock
(`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so
numbers are unique, increasing, and commit in order. Live delivery happens only after the
commit (`transaction.on_commit`) and is best effort: the channel layer may drop a frame,
clients that notice a gap resume from the database, which is the log.

Other apps attach threads with these (no import of their models here):
- `thread_for_object(obj)` for a public discussion on a technique or a question;
- `thread_create_private(title=..., members=[...], parent=mentorship)` for coaching;
- `thread_add_member` / `thread_remove_member` (removal kicks live connections at once): the
  owning app's own writers. People change members by hand through `thread_add_member_by_hand`
  / `thread_remove_member_by_hand`, which refuse coaching threads: their members follow the
  mentorship (mentoring's `_coaching_thread_sync` is their only writer).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import policy
from core.markdown import find_mentions, plain_text, render_markdown
from notifications.services import notify

from . import discussion
from .discussion_selectors import PROTOCOL_VERSION, limit, message_payload, messages_in_last_minute, messages_qs
from .models import Message, Thread, ThreadConnection, ThreadKind, ThreadMember, ThreadReadState

logger = logging.getLogger(__name__)

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
MAX_MENTIONS = 20


class MembershipFollowsParent(Exception):
    """A coaching thread's members follow its mentorship: nobody adds or removes them by hand."""

    def __init__(self) -> None:
        super().__init__(
            "This coaching thread's membership follows the mentorship: its members are the mentor, "
            "the mentee and, if the mentee agreed, their manager."
        )


class RateLimited(Exception):
    """Too many messages in the last minute; `retry_after` seconds until the next is accepted."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"You can post {limit('messages_per_minute')} messages a minute; try again in {retry_after} seconds."
        )


# --- Broadcasting -------------------------------------------------------------------------


def _group_send(group: str, event: dict) -> None:
    """Best effort: the database already holds the change; a dropped frame is resumed later."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:
        logger.warning("could not broadcast to %s", group, exc_info=True)


def broadcast_on_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: _group_send(group, event))


def _frame(kind: str, message: Message) -> dict:
    return {"type": kind, "v": PROTOCOL_VERSION, "message": message_payload(message)}


# --- Threads ------------------------------------------------------------------------------


def _ensure_read_states(thread: Thread, users: Iterable) -> None:
    existing = set(ThreadReadState.objects.filter(thread=thread).values_list("user_id", flat=True))
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(thread=thread, user=u, last_read_seq=0) for u in users if u.pk not in existing],
        ignore_conflicts=True,
    )


def thread_create_room(
    *, title: str, topic: str = "", created_by, is_private: bool = False, members=(), hashtag: bool = True
) -> Thread:
    """A standalone team room ("#deal-desk"); private rooms admit `members` only."""
    title = title.strip()
    if hashtag and title and not title.startswith("#"):
        title = "#" + title.lstrip("#")
    with transaction.atomic():
        thread = Thread(
            kind=ThreadKind.ROOM, title=title, topic=topic.strip(), is_private=is_private, created_by=created_by
        )
        thread.full_clean(exclude=["created_by", "content_type"])
        if Thread.objects.filter(kind=ThreadKind.ROOM, title__iexact=title).exists():
            raise ValidationError({"title": f"A room named {title} already exists."})
        thread.save()
        people = {u.pk: u for u in [*members, *([created_by] if created_by and is_private else [])]}
        for user in people.values():
            ThreadMember.objects.create(thread=thread, user=user, added_by=created_by)
        _ensure_read_states(thread, people.values())
    return thread


def thread_for_object(
    obj,
    *,
    kind: str | None = None,
    title: str | None = None,
    private: bool | None = None,
    members: Iterable = (),
    created_by=None,
    create: bool = True,
) -> Thread | None:
    """The one discussion thread of `obj` (a technique, a question, a mentorship), created on first use.

    The kind defaults to the one registered for obj's model (community.discussion); threads of
    a private kind (mentorships) are private and admit `members` only.
    """
    content_type = ContentType.objects.get_for_model(obj)
    thread = Thread.objects.filter(content_type=content_type, object_id=obj.pk).first()
    if thread is not None or not create:
        return thread
    entry = discussion.kind_for_object(obj)
    kind = kind or (entry.kind if entry else obj._meta.model_name)
    is_private = private if private is not None else bool(entry and entry.private)
    title = title or (entry.title(obj) if entry else str(obj))
    try:
        with transaction.atomic():
            thread = Thread(
                kind=kind,
                title=title[:200],
                is_private=is_private,
                content_type=content_type,
                object_id=obj.pk,
                created_by=created_by,
            )
            thread.full_clean(exclude=["created_by", "content_type"])
            thread.save()
            people = {u.pk: u for u in members}
            for user in people.values():
                ThreadMember.objects.create(thread=thread, user=user, added_by=created_by)
            _ensure_read_states(thread, people.values())
    except IntegrityError:  # created by a concurrent request: use that one
        return Thread.objects.get(content_type=content_type, object_id=obj.pk)
    return thread


def thread_create_private(
    *, title: str, members: Iterable, kind: str = ThreadKind.MENTORSHIP, parent=None, created_by=None
) -> Thread:
    """A private thread (coaching) that admits `members` only; attached to `parent` when given."""
    members = list(members)
    if parent is not None:
        return thread_for_object(parent, kind=kind, title=title, private=True, members=members, created_by=created_by)  # type: ignore[return-value]
    return thread_create_room(title=title, created_by=created_by, is_private=True, members=members, hashtag=False)


def thread_archive(*, thread: Thread, detail: str = "") -> bool:
    """Make `thread` read-only: its members still read it; nobody posts, edits or deletes.

    Used when a mentorship ends (its coaching thread stays as the record of the coaching).
    Connected clients get an `archived` frame after the commit and turn their composer off; a
    client that missed it is refused on its next send (the policy reads `archived_at`).
    Idempotent: returns False when the thread was already archived.
    """
    now = timezone.now()
    if not Thread.objects.filter(pk=thread.pk, archived_at__isnull=True).update(archived_at=now):
        thread.refresh_from_db(fields=["archived_at"])
        return False
    thread.archived_at = now
    frame = {
        "type": "archived",
        "v": PROTOCOL_VERSION,
        "archived_at": now.isoformat(),
        "detail": detail or "This discussion is archived: it stays readable, but no new messages can be posted.",
    }
    broadcast_on_commit(thread.group_name, {"type": "thread.event", "frame": frame})
    return True


def thread_members_follow_parent(thread: Thread) -> bool:
    """Coaching threads: their members are the mentorship's (the pair, the consented manager)."""
    return thread.kind == ThreadKind.MENTORSHIP


def thread_members_editable(*, thread: Thread, by) -> None:
    """May `by` change `thread`'s members by hand? Raises MembershipFollowsParent for a coaching
    thread (whoever asks), PermissionDenied for someone who is not a manager."""
    if thread_members_follow_parent(thread):
        raise MembershipFollowsParent()
    policy.require(by, "discussion.manage_members", thread)


def thread_add_member_by_hand(*, thread: Thread, user, by) -> ThreadMember:
    """A manager adds someone to a room (never to a coaching thread)."""
    thread_members_editable(thread=thread, by=by)
    return thread_add_member(thread=thread, user=user, added_by=by)


def thread_remove_member_by_hand(*, thread: Thread, user, by) -> bool:
    """A manager removes someone from a room (never from a coaching thread)."""
    thread_members_editable(thread=thread, by=by)
    return thread_remove_member(thread=thread, user=user)


def thread_add_member(*, thread: Thread, user, added_by=None) -> ThreadMember:
    """Add `user` (no permission check: the owning app's writer, or the by-hand path above)."""
    with transaction.atomic():
        member, _ = ThreadMember.objects.get_or_create(thread=thread, user=user, defaults={"added_by": added_by})
        _ensure_read_states(thread, [user])
    thread.__dict__.pop("_member_ids", None)
    return member


def thread_remove_member(*, thread: Thread, user) -> bool:
    """Remove `user`; their open connections to the thread are closed at once (after commit).

    The kick goes to a group only that user's connections to this thread have joined, so it
    reaches every server process; a consumer that gets it leaves the thread's group before
    handling anything else, so no message posted after the removal reaches it.
    """
    with transaction.atomic():
        deleted, _ = ThreadMember.objects.filter(thread=thread, user=user).delete()
        if thread.is_private:
            ThreadReadState.objects.filter(thread=thread, user=user).delete()
        ThreadConnection.objects.filter(thread=thread, user=user).delete()
        broadcast_on_commit(
            thread.member_group_name(user.pk),
            {"type": "thread.kick", "detail": "You were removed from this discussion."},
        )
        _broadcast_presence_on_commit(thread)
    thread.__dict__.pop("_member_ids", None)
    return bool(deleted)


# --- Messages -----------------------------------------------------------------------------


def _clean_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message first."})
    if len(body) > limit("message_chars"):
        raise ValidationError(
            {"body": f"A message can be at most {limit('message_chars')} characters (this one has {len(body)})."}
        )
    return body


def _mentioned_users(body: str) -> list:
    names = list(find_mentions(body))[:MAX_MENTIONS]
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    return list(get_user_model().objects.filter(query, is_active=True))


def _lock_person(user) -> None:
    """Serialise one person's posts (or connections) across threads and processes (inside a
    transaction). FOR NO KEY UPDATE: rows that merely reference the user (their notifications,
    read states) are not blocked. SQLite's IMMEDIATE transactions serialise every writer anyway."""
    list(get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk", flat=True))


def _check_rate(author) -> None:
    """Inside the transaction, after `_lock_person(author)`: the count sees every committed post."""
    count, oldest = messages_in_last_minute(author)
    if count >= limit("messages_per_minute"):
        wait = 60 - (timezone.now() - oldest).total_seconds() if oldest else 60
        raise RateLimited(max(1, math.ceil(wait)))


def _next_seq(thread_id: int) -> tuple[Thread, int]:
    """Lock the thread row and take its next sequence number (inside a transaction)."""
    locked = Thread.objects.select_for_update().only("pk", "last_seq", "is_private", "kind").get(pk=thread_id)
    return locked, locked.last_seq + 1


def _mark_read_locked(thread_id: int, user, seq: int) -> None:
    updated = ThreadReadState.objects.filter(thread_id=thread_id, user=user, last_read_seq__lt=seq).update(
        last_read_seq=seq, updated_at=timezone.now()
    )
    if not updated:
        ThreadReadState.objects.get_or_create(thread_id=thread_id, user=user, defaults={"last_read_seq": seq})


def message_post(
    *, thread: Thread, author, body: str, client_id: str = "", reply_to_id: int | None = None
) -> tuple[Message, bool]:
    """Post a message; returns (message, created). A repeated `client_id` returns the original.

    The caller has checked "discussion.post". Raises ValidationError for a bad body or reply,
    RateLimited past the per-minute limit.
    """
    client_id = (client_id or "").strip()
    if client_id and not CLIENT_ID_RE.match(client_id):
        raise ValidationError({"client_id": "Use 1-64 letters, digits, '.', '_', ':' or '-'."})
    if client_id:
        existing = messages_qs().filter(thread=thread, author=author, client_id=client_id).first()
        if existing is not None:
            return existing, False
    body = _clean_body(body)
    mentioned = _mentioned_users(body)
    with transaction.atomic():
        # Locks in one order: the author, then the thread. The author's lock makes the
        # per-minute count exact under concurrency (two posts at once cannot both see 19).
        _lock_person(author)
        locked, seq = _next_seq(thread.pk)
        if client_id:  # a concurrent retry may have won while we waited for the lock
            existing = messages_qs().filter(thread=thread, author=author, client_id=client_id).first()
            if existing is not None:
                return existing, False
        _check_rate(author)
        reply_to = None
        if reply_to_id is not None:
            reply_to = Message.objects.select_related("author").filter(pk=reply_to_id, thread=thread).first()
            if reply_to is None:
                raise ValidationError({"reply_to": "You can only reply to a message of this discussion."})
        now = timezone.now()
        message = Message(
            thread=thread,
            author=author,
            client_id=client_id,
            seq=seq,
            updated_seq=seq,
            body=body,
            body_html=render_markdown(body, known_usernames=[u.username for u in mentioned]),
            reply_to=reply_to,
            created_at=now,
        )
        message.full_clean(exclude=["thread", "author", "reply_to"], validate_unique=False, validate_constraints=False)
        message.save()
        Thread.objects.filter(pk=thread.pk).update(
            last_seq=seq, last_message_at=now, message_count=F("message_count") + 1
        )
        _mark_read_locked(thread.pk, author, seq)
        thread.last_seq, thread.last_message_at = seq, now
        broadcast_on_commit(thread.group_name, {"type": "thread.event", "frame": _frame("message", message)})
        if mentioned or locked.is_private:  # nothing to notify otherwise
            _notify_on_commit(message.pk, [u.pk for u in mentioned])
    return message, True


def message_edit(*, message: Message, user, body: str) -> Message:
    """The author rewrites a message; it is shown as edited and takes a new sequence number."""
    policy.require(user, "discussion.edit_message", message)
    if message.deleted_at is not None:
        raise ValidationError({"body": "A deleted message cannot be edited."})
    body = _clean_body(body)
    if body == message.body:
        return message
    before = {u.pk for u in _mentioned_users(message.body)}
    mentioned = _mentioned_users(body)
    with transaction.atomic():
        _, seq = _next_seq(message.thread_id)
        now = timezone.now()
        message.body = body
        message.body_html = render_markdown(body, known_usernames=[u.username for u in mentioned])
        message.edited_at = now
        message.updated_seq = seq
        message.save(update_fields=["body", "body_html", "edited_at", "updated_seq"])
        Thread.objects.filter(pk=message.thread_id).update(last_seq=seq)
        _mark_read_locked(message.thread_id, user, seq)
        broadcast_on_commit(
            Thread(pk=message.thread_id).group_name, {"type": "thread.event", "frame": _frame("edit", message)}
        )
        new_mentions = [u.pk for u in mentioned if u.pk not in before]
        if new_mentions:
            _notify_on_commit(message.pk, new_mentions, only_mentions=True)
    return message


def message_delete(*, message: Message, user) -> Message:
    """The author (or a manager, except in a coaching thread) deletes a message: its text is
    removed, a marker stays."""
    policy.require(user, "discussion.delete_message", message)
    if message.deleted_at is not None:
        return message
    with transaction.atomic():
        _, seq = _next_seq(message.thread_id)
        message.body = ""
        message.body_html = ""
        message.deleted_at = timezone.now()
        message.updated_seq = seq
        message.save(update_fields=["body", "body_html", "deleted_at", "updated_seq"])
        Thread.objects.filter(pk=message.thread_id).update(last_seq=seq, message_count=F("message_count") - 1)
        broadcast_on_commit(
            Thread(pk=message.thread_id).group_name, {"type": "thread.event", "frame": _frame("delete", message)}
        )
    return message


# --- Notifications ------------------------------------------------------------------------


def _notify_on_commit(message_id: int, mentioned_ids: list[int], *, only_mentions: bool = False) -> None:
    """Notify in this process once the message is committed (robust: a failure is logged, the
    post stands). Bounded work: at most MAX_MENTIONS mentions plus a private thread's members."""
    transaction.on_commit(
        lambda: message_notify(message_id=message_id, mentioned_ids=mentioned_ids, only_mentions=only_mentions),
        robust=True,
    )


def message_notify(*, message_id: int, mentioned_ids: list[int], only_mentions: bool = False) -> int:
    """@mentions notify the people named (if they can see the thread); in private threads the
    other members hear of new messages once per unread batch (not once per message).

    Runs in the posting process after the commit (see `_notify_on_commit`), so the bell's push
    leaves from the process that serves the pages."""
    message = Message.objects.select_related("thread", "author").filter(pk=message_id).first()
    if message is None or message.deleted_at is not None:
        return 0
    thread, author = message.thread, message.author
    who = author.name if author else "Someone"
    excerpt = plain_text(message.body, 200)
    url = message.get_absolute_url()
    sent = 0
    mentioned = list(get_user_model().objects.filter(pk__in=mentioned_ids, is_active=True))
    for user in mentioned:
        if not policy.allowed(user, "discussion.view_thread", thread):
            continue  # never leak a private thread through a mention
        if notify(
            recipient=user,
            kind="mention",
            title=f"{who} mentioned you in {thread.title}",
            url=url,
            actor=author,
            body=excerpt,
            dedupe_key=f"thread-mention-{message.pk}-{user.pk}",
        ):
            sent += 1
    if only_mentions or not thread.is_private:
        return sent
    skip = {u.pk for u in mentioned} | ({author.pk} if author else set())
    states = ThreadReadState.objects.filter(thread=thread, user__thread_memberships__thread=thread).select_related(
        "user"
    )
    for state in states:
        if state.user_id in skip or not state.user.is_active:
            continue
        # One notification per batch of unread messages: the key changes once they read.
        if notify(
            recipient=state.user,
            kind="thread.message",
            title=f"{who} wrote in {thread.title}",
            url=url,
            actor=author,
            body=excerpt,
            dedupe_key=f"thread-{thread.pk}-user-{state.user_id}-after-{state.last_read_seq}",
        ):
            sent += 1
    return sent


# --- Read state, presence -----------------------------------------------------------------


def thread_mark_read(*, thread: Thread, user, seq: int | None = None) -> int:
    """Move the person's read mark forward (never back); returns the new mark."""
    target = thread.last_seq if seq is None else max(0, min(int(seq), thread.last_seq))
    _mark_read_locked(thread.pk, user, target)
    return target


def connection_open(*, thread: Thread, user, channel_name: str) -> bool:
    """Register a live connection; False when the person already has too many open."""
    from .discussion_selectors import live_connections

    now = timezone.now()
    ThreadConnection.objects.filter(seen_at__lt=now - timedelta(hours=1)).delete()  # crashed processes
    with transaction.atomic():
        _lock_person(user)  # count-then-insert, one connection at a time per person
        if live_connections(user) >= limit("connections_per_user"):
            return False
        ThreadConnection.objects.update_or_create(
            channel_name=channel_name, defaults={"thread": thread, "user": user, "seen_at": now}
        )
    return True


def connection_touch(*, channel_name: str) -> None:
    ThreadConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def connection_close(*, channel_name: str) -> int | None:
    """Forget a connection; returns its thread id (to tell the others who left)."""
    row = ThreadConnection.objects.filter(channel_name=channel_name).values_list("thread_id", flat=True).first()
    ThreadConnection.objects.filter(channel_name=channel_name).delete()
    return row


def presence_frame(thread: Thread) -> dict:
    from .discussion_selectors import presence

    return {"type": "presence", "v": PROTOCOL_VERSION, "thread": thread.pk, "users": presence(thread)}


def _broadcast_presence_on_commit(thread: Thread) -> None:
    transaction.on_commit(
        lambda: _group_send(thread.group_name, {"type": "thread.event", "frame": presence_frame(thread)})
    )


def broadcast_presence(thread: Thread) -> None:
    _group_send(thread.group_name, {"type": "thread.event", "frame": presence_frame(thread)})
