"""API authentication: a bearer token or the browser session (with CSRF)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .services import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError(message="The API token is not valid (unknown, revoked or its user is inactive).")
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Django's session; unsafe methods need the CSRF token like any form."""

    def __call__(self, request: HttpRequest):
        if request.headers.get("Authorization"):
            return None  # a bearer header was sent: let the bearer check answer
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no credentials at all: 401 (a CSRF check first would answer 403)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            return user
        return None


API_AUTH = [BearerTokenAuth(), ActiveSessionAuth()]
