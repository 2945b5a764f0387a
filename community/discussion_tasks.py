"""Notifications for discussion messages, after the message is committed (off the send path)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from accounts import policy
from core.markdown import plain_text
from notifications.services import notify

from .models import Message, ThreadReadState


@task()
def notify_message(message_id: int, mentioned_ids: list[int], only_mentions: bool = False) -> int:
    """@mentions notify the people named (if they can see the thread); in private threads the
    other members hear of new messages once per unread batch (not once per message)."""
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
