"""Capacity holds under concurrent requests (row lock on the mentor's profile), on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentoring import services
from mentoring.models import Mentorship

from .helpers import make_mentee, make_mentor


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_exceed_capacity():
    sofia = make_mentor("sofia", capacity=2)
    hires = [make_mentee(f"hire{i}") for i in range(8)]
    barrier = threading.Barrier(len(hires))
    outcomes: list[str] = []

    def ask(hire) -> None:
        barrier.wait()
        try:
            services.mentorship_request(mentee=hire, mentor=sofia, requested_by=hire)
            outcomes.append("ok")
        except services.Conflict:
            outcomes.append("full")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=ask, args=(h,)) for h in hires]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * 6 + ["ok"] * 2
    assert Mentorship.objects.filter(mentor=sofia, status="requested").count() == 2
