from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import api_token_create
from tests.factories import make_user


@pytest.fixture
def newhire(db):
    return make_user("newhire", roles=("new_hire",), display_name="Nina Patel")


@pytest.fixture
def rainmaker(db):
    return make_user("rainmaker", roles=("rainmaker",), display_name="Marcus Reyes")


@pytest.fixture
def mentor(db):
    return make_user("mentor", roles=("mentor",), display_name="Sofia Lindqvist")


@pytest.fixture
def manager(db):
    return make_user("manager", roles=("manager",), display_name="Dana Okafor")


@pytest.fixture
def client_for():
    """A browser-like client signed in as `user` (CSRF enforced, like a real browser)."""

    def make(user) -> Client:
        c = Client(enforce_csrf_checks=True)
        c.force_login(user)
        return c

    return make


class ApiClient:
    """Calls the JSON API with a bearer token, the way integrations do."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, data=None, **kwargs):
        fn = getattr(self.client, method)
        if data is not None and method != "get" and "content_type" not in kwargs and not kwargs.get("multipart"):
            kwargs["content_type"] = "application/json"
        kwargs.pop("multipart", None)
        return (
            fn(path, data, headers=self.headers, **kwargs)
            if data is not None
            else fn(path, headers=self.headers, **kwargs)
        )

    def get(self, path, data=None, **kw):
        return self._call("get", path, data, **kw)

    def post(self, path, data=None, **kw):
        return self._call("post", path, data, **kw)

    def put(self, path, data=None, **kw):
        return self._call("put", path, data, **kw)

    def patch(self, path, data=None, **kw):
        return self._call("patch", path, data, **kw)

    def delete(self, path, data=None, **kw):
        return self._call("delete", path, data, **kw)


@pytest.fixture
def api_for(db):
    """`api_for(user)` → an API client authenticated with a fresh token of `user`."""

    def make(user) -> ApiClient:
        if user is None:
            return ApiClient(None)
        _, token = api_token_create(user=user, name="tests")
        return ApiClient(token)

    return make
