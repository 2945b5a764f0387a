"""What questions and answers plug in at start-up (called from CommunityConfig.ready)."""

from __future__ import annotations


def recompute_reputation_job() -> dict:
    from . import reputation

    return reputation.recompute_all()


def ready() -> None:
    from core import periodic

    from . import sections

    sections.register()
    periodic.register("qa.recompute_reputation", recompute_reputation_job, every="daily", at_hour=3)
