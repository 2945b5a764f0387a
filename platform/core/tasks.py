"""Helpers for background work on django-tasks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the surrounding transaction commits (at once outside one).

    Work that reads what the transaction wrote (indexing, e-mail, statistics) must not run
    before the rows are visible, nor run at all when the transaction rolls back.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
