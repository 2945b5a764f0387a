"""Background work for discussion threads.

Notifications of new messages are created in the posting process right after the commit
(`discussion_services.message_notify`): they are few (at most 20 mentions, a private thread's
handful of members), and creating them there lets the bell's live push go out from the
process that serves the web pages, which matters with the in-memory channel layer of
`make run`, where a push from the task worker reaches only the worker itself. This task runs
the same function for notifications queued by an earlier version.
"""

from __future__ import annotations

from django_tasks import task


@task()
def notify_message(message_id: int, mentioned_ids: list[int], only_mentions: bool = False) -> int:
    from .discussion_services import message_notify

    return message_notify(message_id=message_id, mentioned_ids=mentioned_ids, only_mentions=only_mentions)
