"""Django's admin (/django-admin/): superusers only, and role edits keep the groups in step."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "a-long-unusual-passphrase-42")


def test_staff_managers_are_kept_out_of_the_django_admin(client, manager):
    assert manager.is_staff and not manager.is_superuser
    client.force_login(manager)
    for path in ("/django-admin/", "/django-admin/accounts/user/", f"/django-admin/accounts/user/{manager.pk}/change/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/django-admin/login/"), path
    assert client.get("/cms/").status_code == 200  # the CMS is still theirs


def test_superusers_use_the_django_admin(client, superuser, newhire):
    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200
    page = client.get("/django-admin/accounts/user/")
    assert page.status_code == 200 and "newhire" in page.content.decode()


def _change(client, user: User, **flags: bool):
    """POST the admin's change form for `user` as it stands, with the given flags changed."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "display_name": user.display_name,
        "timezone": user.timezone,
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    current = {
        name: getattr(user, name)
        for name in ("is_active", "is_staff", "is_superuser", "is_new_hire", "is_rainmaker", "is_mentor", "is_manager")
    }
    data |= {name: "on" for name, on in (current | flags).items() if on}
    response = client.post(f"/django-admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    return user


def test_a_role_change_in_the_admin_updates_groups_and_staff(client, superuser):
    moderators = Group.objects.get(name="Moderators")
    rep = make_user("lee", roles=("rainmaker",))
    client.force_login(superuser)
    rep = _change(client, rep, is_manager=True)
    assert rep.roles == ["rainmaker", "manager"] and rep.is_staff
    assert moderators in rep.groups.all()
    # Unticking the role (is_staff left ticked, Moderators left selected) demotes fully.
    rep = _change(client, rep, is_manager=False)
    assert rep.roles == ["rainmaker"] and not rep.is_staff
    assert moderators not in rep.groups.all()


def test_the_groups_that_follow_from_a_role_win_over_the_form(client, superuser, manager):
    client.force_login(superuser)
    manager.groups.clear()  # the form is posted with Moderators unselected
    manager = _change(client, manager)
    assert Group.objects.get(name="Moderators") in manager.groups.all() and manager.is_staff
