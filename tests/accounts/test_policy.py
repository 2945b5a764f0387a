"""The one permission policy: role predicates and their messages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts import policy

pytestmark = pytest.mark.django_db


def test_role_predicates(newhire, rainmaker, mentor, manager):
    assert policy.is_new_hire(newhire) and not policy.is_new_hire(rainmaker)
    assert policy.is_rainmaker(rainmaker) and not policy.is_rainmaker(mentor)
    assert policy.is_mentor(mentor) and not policy.is_mentor(manager)
    assert policy.is_manager(manager) and not policy.is_manager(newhire)
    assert not policy.is_rainmaker(AnonymousUser())


def test_inactive_users_have_no_roles(rainmaker):
    rainmaker.is_active = False
    assert not policy.is_rainmaker(rainmaker)


def test_invite_and_profile_rules(newhire, manager):
    assert policy.allowed(manager, "accounts.invite")
    assert not policy.allowed(newhire, "accounts.invite")
    assert policy.allowed(newhire, "accounts.edit_profile", newhire)
    assert not policy.allowed(newhire, "accounts.edit_profile", manager)
    assert policy.allowed(manager, "accounts.edit_profile", newhire)
    with pytest.raises(PermissionDenied, match=r"Only managers can invite people\."):
        policy.require(newhire, "accounts.invite")


def test_django_has_perm_goes_through_the_same_rules(newhire, manager):
    assert manager.has_perm("accounts.invite") and not newhire.has_perm("accounts.invite")


def test_managers_get_cms_access_through_wagtail_groups(client, manager, newhire):
    client.force_login(manager)
    assert client.get("/cms/").status_code == 200
    client.force_login(newhire)
    assert client.get("/cms/").status_code == 302  # Wagtail sends non-editors to its login
