"""The demo-data pipeline behind `manage.py seed_demo`.

Each app contributes a seeder (a function taking a DemoContext) listed in
settings.DEMO_SEEDERS, run in order: people first, then techniques and outcomes, questions,
threads, mentoring. Everything is drawn from one seeded random generator, so the same
command always builds the same team; `--scale N` makes the synthetic parts N times larger
for benchmarks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.utils import timezone
from tqdm import tqdm

T = TypeVar("T")

DEMO_PASSWORD = "rainmaker-demo"  # noqa: S105 - documented demo sign-in, refused in production
DEMO_SIGN_INS = ["newhire", "rainmaker", "mentor", "manager"]


@dataclass
class DemoContext:
    scale: int = 1
    seed: int = 20261125
    quiet: bool = False
    stdout: Any = None
    now: datetime = field(default_factory=timezone.now)
    rng: random.Random = field(init=False)
    # Seeders share what later seeders need (e.g. "users_by_role", "techniques").
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def log(self, message: str) -> None:
        if self.stdout is not None and not self.quiet:
            self.stdout.write(message)

    def refresh_planner_stats(self) -> None:
        """After a bulk load, tell PostgreSQL's planner how big the tables now are (ANALYZE).

        Without it the planner keeps the statistics of the empty database (or of a load that
        was rolled back: zero rows, many pages) and picks nested loops over what are now
        thousands of rows, turning the seeders' own reads (routing, matching) from milliseconds
        into minutes. ANALYZE may run inside the seeding transaction and counts its rows.
        SQLite needs nothing (its planner does not use stored row counts this way).
        """
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def progress(self, items: Iterable[T], *, desc: str, total: int | None = None) -> Iterator[T]:
        """A tqdm progress bar (silent when quiet, e.g. in tests)."""
        return iter(tqdm(items, desc=desc, total=total, disable=self.quiet, unit="row", leave=False))
