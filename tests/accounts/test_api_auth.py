"""API authentication: bearer tokens (good, bad, revoked, missing) and the session with CSRF."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_me_with_a_good_token(api_for, rainmaker):
    response = api_for(rainmaker).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "rainmaker" and body["roles"] == ["rainmaker"] and body["url"] == "/people/rainmaker/"


def test_bad_token_is_401_with_a_json_detail(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer wagtail_notatoken"})
    assert response.status_code == 401
    assert "API token is not valid" in response.json()["detail"]


def test_missing_credentials_is_401_with_instructions(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "create_api_token" in response.json()["detail"]


def test_revoked_token_and_inactive_user_are_refused(client, rainmaker):
    token, plaintext = api_token_create(user=rainmaker)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    api_token_revoke(token=token)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    _, plaintext = api_token_create(user=rainmaker)
    rainmaker.is_active = False
    rainmaker.save()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401


def test_tokens_are_stored_hashed(rainmaker):
    token, plaintext = api_token_create(user=rainmaker)
    assert plaintext not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_session_auth_needs_csrf_on_unsafe_methods(newhire):
    c = Client(enforce_csrf_checks=True)
    c.force_login(newhire)
    assert c.get("/api/v1/me").status_code == 200
    refused = c.post("/api/v1/markdown/preview", {"body": "**hi**"}, content_type="application/json")
    assert refused.status_code == 403
    csrf = c.get("/accounts/profile/").cookies["csrftoken"].value
    ok = c.post(
        "/api/v1/markdown/preview", {"body": "**hi**"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert ok.status_code == 200 and ok.json()["body_html"] == "<p><strong>hi</strong></p>"


def test_create_api_token_prints_the_token_as_its_last_word(rainmaker, client):
    out = StringIO()
    call_command("create_api_token", "rainmaker", stdout=out)
    token = out.getvalue().split()[-1]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "rainmaker"


def test_create_api_token_for_an_unknown_user_fails_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user named 'ghost'"):
        call_command("create_api_token", "ghost")


def test_token_page_creates_and_revokes(client_for, newhire):
    c = client_for(newhire)
    csrf = c.get("/accounts/tokens/").cookies["csrftoken"].value
    page = c.post("/accounts/tokens/", {"name": "CRM sync", "csrfmiddlewaretoken": csrf})
    token = newhire.api_tokens.get()
    assert page.status_code == 200 and token.prefix in page.content.decode()
    c.post(f"/accounts/tokens/{token.pk}/revoke/", {"csrfmiddlewaretoken": csrf})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_errors_are_json(api_for, newhire):
    api = api_for(newhire)
    missing = api.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404
    bad = api.post("/api/v1/markdown/preview", {"nobody": 1})
    assert bad.status_code == 422
    body = bad.json()
    assert body["errors"][0]["field"] == "body" and "body" in body["detail"]
    malformed = api.client.post(
        "/api/v1/markdown/preview", "{not json", content_type="application/json", headers=api.headers
    )
    assert malformed.status_code in (400, 422) and "detail" in malformed.json()


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.") and "/api/v1/me" in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200
