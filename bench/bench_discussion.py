"""Discussion threads: posting throughput and the cost of a resume (replay) and the unread count.

Runs against the configured database (the dev SQLite file by default) in a throw-away room and
with throw-away people, all removed afterwards. Numbers are medians of repeated runs.
"""

from __future__ import annotations

import statistics
import time
import uuid


def main() -> dict:
    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from community import discussion_selectors as selectors
    from community import discussion_services as services

    settings.DISCUSSION_LIMITS = {"messages_per_minute": 10**6}  # measure the path, not the limiter
    tag = uuid.uuid4().hex[:8]
    people = [User.objects.create_user(username=f"bench-{tag}-{i}", password=None) for i in range(5)]
    room = services.thread_create_room(title=f"bench-{tag}", created_by=people[0])
    posts = 400
    try:
        started = time.perf_counter()
        for i in range(posts):
            services.message_post(
                thread=room, author=people[i % 5], body=f"Update {i} on **Acme** renewal", client_id=f"b{i}"
            )
        post_seconds = time.perf_counter() - started
        services.thread_mark_read(thread=room, user=people[0], seq=10)

        def timed(fn, repeat: int = 30) -> float:
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - t0) * 1000)
            return round(statistics.median(samples), 2)

        return {
            "database": connection.vendor,
            "messages_posted": posts,
            "posts_per_second": round(posts / post_seconds, 1),
            "replay_200_after_0_ms_median": timed(lambda: selectors.messages_after(thread=room, after=0, limit_to=200)),
            "replay_10_after_390_ms_median": timed(
                lambda: selectors.messages_after(thread=room, after=390, limit_to=200)
            ),
            "unread_total_ms_median": timed(lambda: selectors.unread_total(people[0])),
            "note": "one process, in-memory layer; a post = row lock, Markdown, insert, on-commit broadcast",
        }
    finally:
        room.delete()
        User.objects.filter(pk__in=[p.pk for p in people]).delete()
