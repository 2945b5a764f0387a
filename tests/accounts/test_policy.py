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


def test_qa_role_rules(newhire, rainmaker, mentor, manager):
    """Who questions are routed to, and whose posts skip new-account limits and whose flags count."""
    from tests.factories import make_user

    root = make_user("root.admin", is_superuser=True)
    assert [policy.allowed(u, "qa.answerer") for u in (newhire, rainmaker, mentor, manager)] == [
        False,
        True,
        True,
        False,
    ]
    assert [policy.allowed(u, "qa.trusted_role") for u in (newhire, rainmaker, mentor, manager, root)] == [
        False,
        True,
        True,
        True,
        True,
    ]
    assert not policy.allowed(AnonymousUser(), "qa.trusted_role")
    assert policy.allowed(root, "qa.moderate")  # a superuser moderates (and sees hidden posts in lists)


def test_django_has_perm_goes_through_the_same_rules(newhire, manager):
    assert manager.has_perm("accounts.invite") and not newhire.has_perm("accounts.invite")


def test_managers_get_cms_access_through_wagtail_groups(client, manager, newhire):
    client.force_login(manager)
    assert client.get("/cms/").status_code == 200
    client.force_login(newhire)
    assert client.get("/cms/").status_code == 302  # Wagtail sends non-editors to its login


def test_a_demoted_manager_stops_being_staff_unless_superuser(db):
    from django.contrib.auth.models import Group

    from accounts.services import user_set_roles
    from tests.factories import make_user

    moderators = Group.objects.get(name="Moderators")
    dana = make_user("dana", roles=("manager", "mentor"))
    assert dana.is_staff and moderators in dana.groups.all()
    user_set_roles(user=dana, roles={"mentor"})
    dana.refresh_from_db()
    assert not dana.is_staff and moderators not in dana.groups.all()
    # Staff who never were managers (given staff for the CMS) keep it; so do superusers.
    editor = make_user("editor", is_staff=True)
    user_set_roles(user=editor, roles={"rainmaker"})
    editor.refresh_from_db()
    assert editor.is_staff
    boss = make_user("boss", roles=("manager",), is_superuser=True)
    user_set_roles(user=boss, roles=set())
    boss.refresh_from_db()
    assert boss.is_staff and moderators not in boss.groups.all()


def test_practices_view_rep(newhire, rainmaker, mentor, manager):
    """The rep, any manager, and the rep's mentor only while their mentorship is active."""
    from mentoring.models import Mentorship

    assert policy.allowed(newhire, "practices.view_rep", newhire)
    assert policy.allowed(manager, "practices.view_rep", newhire)
    assert not policy.allowed(rainmaker, "practices.view_rep", newhire)
    assert not policy.allowed(mentor, "practices.view_rep", newhire)
    assert not policy.allowed(AnonymousUser(), "practices.view_rep", newhire)
    m = Mentorship.objects.create(mentee=newhire, mentor=mentor, requested_by=newhire, status="active")
    assert policy.allowed(mentor, "practices.view_rep", newhire)
    assert not policy.allowed(newhire, "practices.view_rep", mentor)  # not the other way round
    assert not policy.allowed(mentor, "practices.view_rep", rainmaker)
    mentor.is_active = False
    assert not policy.allowed(mentor, "practices.view_rep", newhire)
    mentor.is_active = True
    for status in ("requested", "declined", "withdrawn", "completed", "ended_early"):
        m.status = status
        m.save(update_fields=["status"])
        assert not policy.allowed(mentor, "practices.view_rep", newhire), status
    with pytest.raises(PermissionDenied, match="active mentorship"):
        policy.require(mentor, "practices.view_rep", newhire)


def test_practices_use_deal(newhire, rainmaker, manager):
    from community.models import Deal

    theirs = Deal.objects.create(external_id="D-1", name="Theirs", owner=rainmaker)
    assert policy.allowed(rainmaker, "practices.use_deal", theirs)
    assert policy.allowed(manager, "practices.use_deal", theirs)
    assert not policy.allowed(newhire, "practices.use_deal", theirs)
    assert not policy.allowed(AnonymousUser(), "practices.use_deal", theirs)
