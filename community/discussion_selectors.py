"""Reads for discussion threads; every query here is a fixed number of SQL statements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.markdown import plain_text

from .models import Message, Thread, ThreadConnection, ThreadKind, ThreadMember, ThreadReadState

PROTOCOL_VERSION = 1


def limit(name: str) -> int:
    """Discussion limits, overridable in settings.DISCUSSION_LIMITS (tests shrink them)."""
    defaults = {
        "message_chars": 4000,  # Markdown source of one message
        "frame_bytes": 16_384,  # one WebSocket frame, before parsing
        "messages_per_minute": 20,  # new messages per person, all threads and channels
        "connections_per_user": 8,  # open thread sockets per person, all processes
        "replay_max": 200,  # beyond this many changes a resume gets a resync frame
        "page_messages": 50,  # messages a thread page shows at once
        "presence_stale_seconds": 75,  # a connection unseen this long counts as gone
    }
    return int(getattr(settings, "DISCUSSION_LIMITS", {}).get(name, defaults[name]))


def messages_qs() -> QuerySet[Message]:
    return Message.objects.select_related("author", "reply_to", "reply_to__author")


def thread_get(thread_id: int) -> Thread | None:
    return Thread.objects.select_related("content_type").filter(pk=thread_id).first()


def messages_after(*, thread: Thread, after: int, limit_to: int) -> list[Message]:
    """The log after `after`: each changed message once, in the order of its latest change."""
    return list(messages_qs().filter(thread=thread, updated_seq__gt=after).order_by("updated_seq")[:limit_to])


def changes_after_count(*, thread: Thread, after: int) -> int:
    return Message.objects.filter(thread=thread, updated_seq__gt=after).count()


def messages_recent(*, thread: Thread, count: int, before_seq: int | None = None) -> list[Message]:
    """The latest `count` messages (optionally before a seq), oldest first."""
    qs = messages_qs().filter(thread=thread)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    return list(reversed(qs.order_by("-seq")[:count]))


def person_payload(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "initials": user.initials,
        "url": user.get_absolute_url(),
    }


def message_payload(message: Message) -> dict[str, Any]:
    """A message as the API and the WebSocket frames show it (needs messages_qs's joins)."""
    reply = message.reply_to
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "seq": message.seq,
        "updated_seq": message.updated_seq,
        "client_id": message.client_id,
        "author": person_payload(message.author),
        "body": message.body,
        "body_html": message.body_html,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.deleted_at is not None,
        "reply_to": (
            {
                "id": reply.pk,
                "seq": reply.seq,
                "author": reply.author.name if reply.author else "a former member",
                "excerpt": "" if reply.deleted_at else plain_text(reply.body, 140),
                "deleted": reply.deleted_at is not None,
            }
            if reply is not None
            else None
        ),
        "url": message.get_absolute_url(),
    }


def read_state_for(*, thread: Thread, user) -> ThreadReadState | None:
    return ThreadReadState.objects.filter(thread=thread, user=user).first()


def unread_in(*, thread: Thread, user) -> int | None:
    """Unread messages for `user` in one thread (None when they do not follow it)."""
    last_read = ThreadReadState.objects.filter(thread=thread, user=user).values_list("last_read_seq", flat=True)
    mark = last_read.first()
    if mark is None:
        return None
    return Message.objects.filter(thread=thread, seq__gt=mark, deleted_at__isnull=True).exclude(author=user).count()


def unread_total(user) -> int:
    """Unread messages in every thread the person follows (one query, for the navigation)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    last_read = ThreadReadState.objects.filter(thread=OuterRef("thread_id"), user=user).values("last_read_seq")[:1]
    return (
        Message.objects.filter(thread__read_states__user=user, deleted_at__isnull=True)
        .exclude(author=user)
        .filter(seq__gt=Subquery(last_read))
        .count()
    )


def followed_threads(user) -> list[Thread]:
    """Threads the person follows (read state), newest activity first, with their unread count."""
    states = ThreadReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_seq")[:1]
    return list(
        Thread.objects.filter(read_states__user=user)
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=Subquery(states), messages__deleted_at__isnull=True)
                & ~Q(messages__author=user),
                distinct=True,
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")[:50]
    )


def rooms(user) -> list[Thread]:
    """Team rooms the person may see: public ones, and private ones they are a member of."""
    states = ThreadReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_seq")[:1]
    return list(
        Thread.objects.filter(kind=ThreadKind.ROOM, archived_at__isnull=True)
        .filter(Q(is_private=False) | Q(memberships__user=user))
        .distinct()
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__seq__gt=Subquery(states), messages__deleted_at__isnull=True)
                & ~Q(messages__author=user),
                distinct=True,
            ),
            followed=Count("read_states", filter=Q(read_states__user=user), distinct=True),
        )
        .order_by("title")
    )


def recent_discussions(*, kinds: tuple[str, ...], count: int = 10) -> list[Thread]:
    """Public discussions attached to pages, most recently active first (visibility checked by callers)."""
    return list(
        Thread.objects.filter(kind__in=kinds, is_private=False, message_count__gt=0)
        .select_related("content_type")
        .prefetch_related("parent")
        .order_by(F("last_message_at").desc(nulls_last=True))[:count]
    )


def is_member(*, thread_id: int, user_id: int) -> bool:
    """One indexed lookup (the unique thread+user constraint): is the person a member now?"""
    return ThreadMember.objects.filter(thread_id=thread_id, user_id=user_id).exists()


def thread_members(thread: Thread) -> list[ThreadMember]:
    return list(thread.memberships.select_related("user").order_by("user__display_name", "user__username"))


def presence(thread: Thread) -> list[dict[str, Any]]:
    """Who is connected to the thread now (fresh connections, one row per person)."""
    fresh = timezone.now() - timedelta(seconds=limit("presence_stale_seconds"))
    rows = (
        ThreadConnection.objects.filter(thread=thread, seen_at__gte=fresh)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row.user_id, person_payload(row.user))
    return list(seen.values())


def live_connections(user) -> int:
    fresh = timezone.now() - timedelta(seconds=limit("presence_stale_seconds"))
    return ThreadConnection.objects.filter(user=user, seen_at__gte=fresh).count()


def messages_in_last_minute(user) -> tuple[int, Any]:
    """How many messages the person posted in the last minute, and the oldest one's time (one query)."""
    since = timezone.now() - timedelta(seconds=60)
    row = Message.objects.filter(author=user, created_at__gte=since).aggregate(n=Count("id"), oldest=Min("created_at"))
    return row["n"], row["oldest"]
