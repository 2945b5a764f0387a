"""Invite-only sign-up: a manager's link works once, for one address and role, until it expires."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitation_create

pytestmark = pytest.mark.django_db


def _invite(manager, email="new.rep@example.com", role="new_hire"):
    return invitation_create(created_by=manager, email=email, role=role)


def test_manager_creates_an_invitation_and_it_is_emailed(client_for, manager, django_capture_on_commit_callbacks):
    c = client_for(manager)
    page = c.get("/accounts/invitations/")
    assert page.status_code == 200
    csrf = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/accounts/invitations/", {"email": "lee@example.com", "role": "rainmaker", "csrfmiddlewaretoken": csrf}
        )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email="lee@example.com")
    assert invitation.role == "rainmaker" and invitation.status == "pending"
    assert len(mail.outbox) == 1 and "/accounts/invite/" in mail.outbox[0].body
    assert "/accounts/invite/" in response.content.decode()  # the link is shown once to the manager


def test_only_managers_may_invite(client_for, newhire, rainmaker):
    for user in (newhire, rainmaker):
        assert client_for(user).get("/accounts/invitations/").status_code == 403


def test_invitation_form_rejects_bad_input_with_field_errors(client_for, manager):
    c = client_for(manager)
    csrf = c.get("/accounts/invitations/").cookies["csrftoken"].value
    response = c.post(
        "/accounts/invitations/", {"email": "not-an-email", "role": "overlord", "csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter a valid email address." in body and "Select a valid choice." in body
    assert 'value="not-an-email"' in body  # what was typed is kept
    assert not Invitation.objects.exists()


def test_valid_invitation_creates_the_account_with_its_role_and_signs_in(client, manager):
    issued = _invite(manager)
    page = client.get(issued.path)
    assert page.status_code == 200 and "new.rep@example.com" in page.content.decode()
    response = client.post(
        issued.path,
        {
            "username": "lee.rep",
            "display_name": "Lee Rep",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    user = User.objects.get(username="lee.rep")
    assert (
        user.email == "new.rep@example.com" and user.roles == ["new_hire"] and user.start_date == timezone.localdate()
    )
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == user and issued.invitation.status == "accepted"
    assert client.get("/api/v1/me").json()["username"] == "lee.rep"


def test_reused_invitation_is_refused(client, manager):
    issued = _invite(manager)
    data = {
        "username": "first",
        "display_name": "First",
        "password1": "a-long-unusual-passphrase-42",
        "password2": "a-long-unusual-passphrase-42",
    }
    assert client.post(issued.path, data).status_code == 302
    client.logout()
    again = client.post(issued.path, data | {"username": "second"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert not User.objects.filter(username="second").exists()


def test_expired_invitation_is_refused(client, manager):
    issued = _invite(manager)
    Invitation.objects.filter(pk=issued.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(issued.path)
    assert response.status_code == 410 and "expired" in response.content.decode()
    # Posting the sign-up form anyway creates nothing and signs no one in.
    response = client.post(
        issued.path,
        {
            "username": "late.rep",
            "display_name": "Late Rep",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not User.objects.filter(username="late.rep").exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None and issued.invitation.status == "expired"
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_and_revoked_links_are_refused(client, manager):
    assert client.get("/accounts/invite/not-a-real-token/").status_code == 410
    issued = _invite(manager)
    c = client
    c.force_login(manager)
    c.post(f"/accounts/invitations/{issued.invitation.pk}/revoke/")
    c.logout()
    response = c.get(issued.path)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_sign_up_form_errors_keep_the_input_and_create_nothing(client, manager):
    issued = _invite(manager)
    response = client.post(
        issued.path, {"username": "bad name!", "display_name": "X", "password1": "123", "password2": "456"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Use only letters, digits" in body and "The two passwords differ." in body
    assert User.objects.count() == 1  # only the manager
    response = client.post(issued.path, {"username": "ok", "display_name": "X", "password1": "123", "password2": "123"})
    assert response.status_code == 422 and "too short" in response.content.decode()
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == "pending"


def test_no_open_self_registration(client):
    assert client.get("/accounts/signup/").status_code == 404
