"""Cohort assignment end to end: `assignment_propose` for 2,000 mentees x 500 mentors through the database.

Where `bench_matching` times the maths alone, this times what a manager waits for: reading the
cohort's and the mentors' features from the database (skills, evidence, practice outcomes),
scoring, the optimal solve and storing the proposal with its explained pairs, plus the number
of SQL queries it takes (constant, not per mentee). Runs against the configured database (the
dev SQLite file by default) inside a transaction that is rolled back: nothing stays behind.
Run with `make bench ARGS=assignment` or `python -m bench assignment`.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

MENTEES, MENTORS = 2000, 500
ZONES = ["America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London", "Europe/Berlin",
         "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney"]  # fmt: skip
REGIONS = ["na", "latam", "emea", "apac"]


class _Rollback(Exception):
    pass


def _build(rng: random.Random, tag: str):
    from django.utils import timezone

    from accounts.models import User
    from mentoring.models import MenteeProfile, MentorProfile, MentorSkill
    from taxonomy.models import SkillTag

    skills = list(SkillTag.objects.order_by("pk"))
    if not skills:
        raise SystemExit("No skill tags: run `make run` (or `manage.py migrate`) first.")
    today = timezone.localdate()

    def people(role: str, label: str, count: int, days: tuple[int, int]) -> list:
        return User.objects.bulk_create(
            [
                User(
                    username=f"bench-{tag}-{role}-{k}",
                    display_name=f"{label} {k}",
                    is_mentor=role == "mentor",
                    is_new_hire=role == "hire",
                    timezone=rng.choice(ZONES),
                    region=rng.choice(REGIONS),
                    start_date=today - timedelta(days=rng.randint(*days)),
                )
                for k in range(count)
            ],
            batch_size=500,
        )

    mentors = people("mentor", "Mentor", MENTORS, (400, 3000))
    mentees = people("hire", "New hire", MENTEES, (1, 90))
    if mentors[0].pk is None:  # backends that do not return keys from bulk inserts
        mentors = list(User.objects.filter(username__startswith=f"bench-{tag}-mentor-").order_by("pk"))
        mentees = list(User.objects.filter(username__startswith=f"bench-{tag}-hire-").order_by("pk"))
    profiles = MentorProfile.objects.bulk_create(
        [
            MentorProfile(user=u, capacity=rng.randint(1, 4), accepting=True, languages=["en"], styles=[])
            for u in mentors
        ],
        batch_size=500,
    )
    if profiles[0].pk is None:
        profiles = list(MentorProfile.objects.filter(user__in=mentors).order_by("pk"))
    MentorSkill.objects.bulk_create(
        [
            MentorSkill(profile=p, skill=s, level=rng.randint(1, 3))
            for p in profiles
            for s in rng.sample(skills, min(len(skills), rng.randint(2, 5)))
        ],
        batch_size=1000,
    )
    mentee_profiles = MenteeProfile.objects.bulk_create(
        [MenteeProfile(user=u, languages=["en"]) for u in mentees], batch_size=500
    )
    if mentee_profiles[0].pk is None:
        mentee_profiles = list(MenteeProfile.objects.filter(user__in=mentees).order_by("pk"))
    through = MenteeProfile.goals.through
    through.objects.bulk_create(
        [
            through(menteeprofile_id=p.pk, skilltag_id=s.pk)
            for p in mentee_profiles
            for s in rng.sample(skills, min(len(skills), rng.randint(1, 3)))
        ],
        batch_size=1000,
    )
    return mentees, mentors


def main() -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from mentoring import services

    rng = random.Random(7)
    tag = f"{rng.getrandbits(32):08x}"
    result: dict = {}
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            mentees, _ = _build(rng, tag)
            manager = User.objects.create_user(username=f"bench-{tag}-manager", password=None, is_manager=True)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as after any bulk load
            built = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                proposal = services.assignment_propose(by=manager, mentee_ids=[u.pk for u in mentees])
            done = time.perf_counter()
            pairs = list(proposal.pairs.values_list("mentee_id", "mentor_id"))
            load: dict[int, int] = {}
            for _, mentor_id in pairs:
                load[mentor_id] = load.get(mentor_id, 0) + 1
            capacity = dict(User.objects.filter(pk__in=load).values_list("pk", "mentor_profile__capacity"))
            assert all(n <= capacity[m] for m, n in load.items()), "over capacity"
            assert len({m for m, _ in pairs}) == len(pairs), "a mentee placed twice"
            result = {
                "database": connection.vendor,
                "mentees": proposal.mentee_count,
                "mentors": proposal.mentor_count,
                "seats": proposal.seat_count,
                "placed": len(pairs),
                "unassigned": len(proposal.unassigned),
                "total_score": proposal.total_score,
                "setup_seconds": round(built - t0, 3),
                "propose_seconds": round(done - built, 3),
                "score_and_solve_ms": proposal.solve_ms,
                "sql_queries": len(queries.captured_queries),
                "note": "the whole service: features from the database, scoring, optimal solve, stored pairs",
            }
            print(
                f"  {result['mentees']} mentees x {result['mentors']} mentors ({result['seats']} seats): "
                f"propose {result['propose_seconds']} s (score+solve {result['score_and_solve_ms']} ms), "
                f"{result['sql_queries']} SQL queries, placed {result['placed']}"
            )
            raise _Rollback
    except _Rollback:
        pass
    return result


if __name__ == "__main__":
    main()
