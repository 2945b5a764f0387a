"""Small factories for tests: real rows in the real database, named like the demo team."""

from __future__ import annotations

import itertools

from accounts.models import User
from accounts.services import user_set_roles

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, *, roles: tuple[str, ...] = (), password: str = PASSWORD, **fields) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    user = User.objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@example.com"),
        password=password,
        display_name=fields.pop("display_name", username.replace(".", " ").title()),
        **fields,
    )
    if roles:
        user_set_roles(user=user, roles=set(roles))
    return user
