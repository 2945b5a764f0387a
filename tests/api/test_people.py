"""People over the API: the directory, profiles, editing your own, invitations and API tokens."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Invitation, Team
from accounts.services import api_token_create, invitation_accept, invitation_create
from taxonomy.models import SkillTag
from tests.factories import make_user

pytestmark = pytest.mark.django_db


# --- Directory and profiles ------------------------------------------------------------------------


def test_people_lists_members_with_filters_and_no_email(api_for, newhire, rainmaker, mentor):
    rainmaker.title = "Senior Enterprise AE"
    rainmaker.save()
    make_user("gone", roles=("rainmaker",), is_active=False)
    api = api_for(newhire)
    body = api.get("/api/v1/people").json()
    assert body["count"] == 3
    first = body["items"][0]
    assert set(first) >= {"id", "username", "display_name", "url", "roles", "team", "expertise"}
    assert "email" not in first
    assert [p["username"] for p in api.get("/api/v1/people?role=rainmaker").json()["items"]] == ["rainmaker"]
    assert [p["username"] for p in api.get("/api/v1/people?q=enterprise").json()["items"]] == ["rainmaker"]


def test_people_bad_role_is_422(api_for, newhire):
    r = api_for(newhire).get("/api/v1/people?role=wizard")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "role"


def test_a_profile_with_bio_and_manager(api_for, newhire, manager):
    newhire.manager = manager
    newhire.bio = "Ex-**SDR**."
    newhire.bio_html = "<p>Ex-<strong>SDR</strong>.</p>"
    newhire.save()
    body = api_for(manager).get("/api/v1/people/newhire").json()
    assert body["bio_html"] == "<p>Ex-<strong>SDR</strong>.</p>" and body["manager"]["username"] == "manager"
    assert body["url"] == "/people/newhire/" and "email" not in body


def test_unknown_or_inactive_person_is_404(api_for, newhire):
    make_user("gone", is_active=False)
    api = api_for(newhire)
    assert api.get("/api/v1/people/nobody").status_code == 404
    assert api.get("/api/v1/people/gone").json()["detail"] == "No such person."


# --- PATCH /me ------------------------------------------------------------------------------------------


def test_patch_me_changes_only_what_is_sent(api_for, newhire):
    team = Team.objects.create(name="Mid-Market EMEA", slug="mid-market-emea")
    newhire.title = "AE"
    newhire.save()
    r = api_for(newhire).patch(
        "/api/v1/me",
        {"bio": "Closing my **first** deal.", "team": "mid-market-emea", "expertise": ["negotiation", "Prospecting"]},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["bio"] == "Closing my **first** deal." and "<strong>first</strong>" in body["bio_html"]
    assert body["team"] == {"id": team.pk, "name": "Mid-Market EMEA"} and body["title"] == "AE"
    assert sorted(s["slug"] for s in body["expertise"]) == ["negotiation", "prospecting"]
    newhire.refresh_from_db()
    assert newhire.team == team and newhire.expertise.count() == 2


def test_patch_me_escapes_html_in_the_bio(api_for, newhire):
    body = api_for(newhire).patch("/api/v1/me", {"bio": "<script>alert(1)</script>hi"}).json()
    assert "<script>" not in body["bio_html"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"region": "moon"}, "region"),
        ({"expertise": ["basket-weaving"]}, "expertise"),
        ({"team": "nope"}, "team"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"start_date": "not a date"}, "start_date"),
    ],
)
def test_patch_me_bad_input_is_422_and_changes_nothing(api_for, newhire, payload, field):
    r = api_for(newhire).patch("/api/v1/me", payload)
    assert r.status_code == 422, r.content
    assert field in [e["field"] for e in r.json()["errors"]]
    newhire.refresh_from_db()
    assert newhire.timezone == "UTC" and newhire.region == "" and newhire.team is None


# --- Invitations ------------------------------------------------------------------------------------------


def test_a_manager_invites_lists_and_revokes(api_for, manager, django_capture_on_commit_callbacks):
    api = api_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/invitations", {"email": "Dev.New@Example.com", "role": "new_hire"})
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["status"] == "pending" and created["email"] == "Dev.New@example.com"
    assert created["link"].startswith("http://testserver/accounts/invite/")
    path = created["link"].removeprefix("http://testserver")
    assert len(mail.outbox) == 1 and path in mail.outbox[0].body
    listed = api.get("/api/v1/invitations?status=pending").json()
    assert listed["count"] == 1 and "link" not in listed["items"][0]
    r = api.post(f"/api/v1/invitations/{created['id']}/revoke")
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert api.get("/api/v1/invitations?status=pending").json()["count"] == 0
    assert api.get("/api/v1/invitations?status=revoked").json()["count"] == 1


def test_invitation_without_send_is_not_emailed(api_for, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(manager).post(
            "/api/v1/invitations", {"email": "quiet@example.com", "role": "mentor", "send": False}
        )
    assert r.status_code == 201 and mail.outbox == []


def test_revoking_an_accepted_invitation_is_409(api_for, manager):
    issued = invitation_create(created_by=manager, email="ana@example.com", role="new_hire", send=False)
    invitation_accept(token=issued.token, username="ana", password="a-long-Passphrase-42")
    r = api_for(manager).post(f"/api/v1/invitations/{issued.invitation.pk}/revoke")
    assert r.status_code == 409 and "accepted" in r.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "role": "new_hire"}, "email"),
        ({"email": "newhire@example.com", "role": "new_hire"}, "email"),  # already has an account
        ({"email": "x@example.com", "role": "wizard"}, "role"),
        ({"email": "x@example.com", "role": "new_hire", "team": "nope"}, "team"),
        ({"role": "new_hire"}, "email"),
    ],
)
def test_invitation_bad_input_is_422(api_for, manager, newhire, payload, field):
    r = api_for(manager).post("/api/v1/invitations", payload)
    assert r.status_code == 422, r.content
    assert field in [e["field"] for e in r.json()["errors"]]
    assert not Invitation.objects.exists()


def test_only_managers_handle_invitations(api_for, rainmaker, manager):
    issued = invitation_create(created_by=manager, email="ana@example.com", role="new_hire", send=False)
    api = api_for(rainmaker)
    for r in (
        api.get("/api/v1/invitations"),
        api.post("/api/v1/invitations", {"email": "x@example.com", "role": "new_hire"}),
        api.post(f"/api/v1/invitations/{issued.invitation.pk}/revoke"),
    ):
        assert r.status_code == 403 and r.json()["detail"] == "Only managers can invite people."
    assert api_for(manager).post("/api/v1/invitations/999999/revoke").status_code == 404
    assert api_for(manager).get("/api/v1/invitations?status=lost").status_code == 422


# --- API tokens -------------------------------------------------------------------------------------------


def test_create_use_list_and_revoke_a_token(api_for, newhire, client):
    r = api_for(newhire).post("/api/v1/me/tokens", {"name": "CRM sync"})
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["active"] and created["token"].startswith(created["prefix"])
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "newhire"
    listed = client.get("/api/v1/me/tokens", headers=headers).json()
    assert {t["name"] for t in listed["items"]} == {"CRM sync", "tests"}
    assert all("token" not in t for t in listed["items"])
    r = client.post(f"/api/v1/me/tokens/{created['id']}/revoke", headers=headers)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_are_personal(api_for, newhire, rainmaker):
    theirs, _ = api_token_create(user=rainmaker, name="theirs")
    api = api_for(newhire)
    assert api.post(f"/api/v1/me/tokens/{theirs.pk}/revoke").status_code == 404
    assert "theirs" not in {t["name"] for t in api.get("/api/v1/me/tokens").json()["items"]}
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_token_name_too_long_is_422(api_for, newhire):
    r = api_for(newhire).post("/api/v1/me/tokens", {"name": "x" * 101})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"


def test_skills_of_the_directory_are_the_active_ones(api_for, newhire):
    retired = SkillTag.objects.create(name="Cold calling 1998", is_active=False)
    r = api_for(newhire).patch("/api/v1/me", {"expertise": [retired.slug]})
    assert r.status_code == 422
