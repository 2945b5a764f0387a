"""`seed_demo`: a deterministic, realistic team with the four fixed sign-ins."""

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
