"""`seed_demo`: a deterministic, realistic team with the four fixed sign-ins."""

from datetime import UTC
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_team_and_prints_the_sign_ins(client):
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    assert User.objects.count() >= 30
    for username, role in [
        ("newhire", "new_hire"),
        ("rainmaker", "rainmaker"),
        ("mentor", "mentor"),
        ("manager", "manager"),
    ]:
        user = User.objects.get(username=username)
        assert user.roles == [role]
        assert client.login(username=username, password="rainmaker-demo")
    assert User.objects.get(username="manager").is_staff
    for role in ("new_hire", "rainmaker", "mentor", "manager"):
        assert User.objects.with_role(role).count() >= 3
    text = out.getvalue()
    assert "rainmaker-demo" in text and "newhire" in text


def test_seed_demo_if_empty_keeps_existing_data(newhire):
    out = StringIO()
    call_command("seed_demo", "--if-empty", "--quiet", stdout=out)
    assert User.objects.count() == 1 and "keeping it" in out.getvalue()


def test_seed_demo_refuses_to_load_twice():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_demo", "--quiet", stdout=StringIO())


def _people() -> list[tuple]:
    """What the people seeder decided, in a comparable form."""
    return [
        (
            u.username,
            u.display_name,
            tuple(u.roles),
            u.team.name if u.team else None,
            u.region,
            u.timezone,
            u.start_date,
            tuple(sorted(s.name for s in u.expertise.all())),
            u.manager.username if u.manager else None,
            u.is_staff,
            tuple(sorted(g.name for g in u.groups.all())),
        )
        for u in User.objects.select_related("team", "manager").prefetch_related("expertise", "groups").order_by("pk")
    ]


def _seed_people(*, seed: int, scale: int = 2, quiet: bool = True) -> list[tuple]:
    """Run the first seeder alone (the whole `seed_demo` takes about a minute) on an empty team."""
    from datetime import datetime

    from accounts import demo
    from accounts.models import Team
    from core.demo import DemoContext

    User.objects.all().delete()
    Team.objects.all().delete()
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    demo.seed(DemoContext(scale=scale, seed=seed, quiet=quiet, now=now))
    return _people()


def test_the_same_seed_builds_the_same_people_and_another_seed_other_synthetic_ones():
    """--scale 2 is where the seeded generator picks names, roles, start dates and skills."""
    first = _seed_people(seed=7)
    assert _seed_people(seed=7) == first
    other = _seed_people(seed=8)
    fixed = {row[0] for row in first if "." not in row[0] or not row[0].rsplit(".", 1)[-1].isdigit()}
    assert {row[0] for row in other} >= fixed  # the hand-written team is always there
    assert [row for row in other if row[0] not in fixed] != [row for row in first if row[0] not in fixed]


def test_scale_multiplies_the_synthetic_people_and_shows_progress(capfd):
    from accounts.demo import ALUMNI, FIXED, OTHERS

    base = len(FIXED) + len(OTHERS) + len(ALUMNI)
    assert len(_seed_people(seed=7, scale=1)) == base
    capfd.readouterr()
    assert len(_seed_people(seed=7, scale=2, quiet=False)) == base + len(OTHERS)
    progress = capfd.readouterr().err  # tqdm draws on stderr
    total = base + len(OTHERS)
    assert "people:" in progress and f"/{total} [" in progress  # the bar counts every row (then clears)


def test_scale_must_be_a_positive_whole_number():
    with pytest.raises(CommandError, match="--scale must be 1 or more"):
        call_command("seed_demo", "--scale", "0", "--quiet", stdout=StringIO())
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("seed_demo", "--scale", "two", "--quiet", stdout=StringIO())
    assert not User.objects.exists()
