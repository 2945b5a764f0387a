"""Periodic jobs on the durable task queue, without cron.

A registered job runs as the task `run_periodic(name)`; each run enqueues the next one with
`run_after` set to the next due time, so the schedule lives in the queue's table and
survives restarts. `python manage.py schedule_periodic` (run before every worker starts)
enqueues any job that has no pending run, so a lost chain heals itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[], object]
    every: str  # "hourly", "daily" or "weekly"
    at_hour: int = 0

    def next_run(self, now: datetime) -> datetime:
        if self.every == "hourly":
            return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        candidate = now.replace(hour=self.at_hour, minute=0, second=0, microsecond=0)
        if self.every == "daily":
            return candidate if candidate > now else candidate + timedelta(days=1)
        if self.every == "weekly":  # Mondays
            days_ahead = (7 - now.weekday()) % 7
            candidate = candidate + timedelta(days=days_ahead)
            return candidate if candidate > now else candidate + timedelta(days=7)
        raise ValueError(f"Unknown period {self.every!r}")


JOBS: dict[str, PeriodicJob] = {}


def register(name: str, func: Callable[[], object], *, every: str, at_hour: int = 0) -> None:
    JOBS[name] = PeriodicJob(name, func, every, at_hour)


@task()
def run_periodic(name: str) -> None:
    job = JOBS.get(name)
    if job is None:
        logger.warning("periodic job %s is no longer registered; dropping it", name)
        return
    try:
        job.func()
    finally:
        schedule(name)


def schedule(name: str) -> None:
    job = JOBS[name]
    run_periodic.using(run_after=job.next_run(timezone.now())).enqueue(name)


def ensure_scheduled() -> list[str]:
    """Enqueue every registered job that has no pending run; returns those scheduled."""
    from django_tasks_db.models import DBTaskResult

    pending = set(
        DBTaskResult.objects.filter(task_path=run_periodic.module_path, status__in=["READY", "RUNNING"]).values_list(
            "args_kwargs__args__0", flat=True
        )
    )
    scheduled = []
    for name in JOBS:
        if name not in pending:
            schedule(name)
            scheduled.append(name)
    return scheduled
