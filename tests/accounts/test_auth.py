"""Sign in, sign out and password reset with Django's views and our templates."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_with_the_right_password(client, newhire):
    response = client.post("/accounts/login/", {"username": "newhire", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "Hello, Nina Patel" in home.content.decode()


def test_sign_in_with_a_wrong_password_shows_an_error(client, newhire):
    response = client.post("/accounts/login/", {"username": "newhire", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_pages_need_a_signed_in_user(client):
    for path in ("/people/", "/accounts/profile/", "/notifications/", "/accounts/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_landing_page_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200 and "Sign in" in response.content.decode()


def test_sign_out(client, newhire):
    client.force_login(newhire)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302


def test_password_reset_by_email(client, newhire):
    response = client.post("/accounts/password-reset/", {"email": newhire.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase-77", "new_password2": "brand-new-passphrase-77"},
    )
    assert done.status_code == 302
    assert client.login(username="newhire", password="brand-new-passphrase-77")


def test_profile_page_and_editing(client_for, newhire, rainmaker):
    c = client_for(newhire)
    page = c.get("/people/rainmaker/")
    assert page.status_code == 200 and "Marcus Reyes" in page.content.decode()
    assert c.get("/people/nobody-here/").status_code == 404
    csrf = c.get("/accounts/profile/").cookies["csrftoken"].value
    response = c.post(
        "/accounts/profile/",
        {
            "display_name": "Nina P.",
            "title": "AE",
            "region": "na",
            "timezone": "Mars/Olympus",
            "bio": "x",
            "csrfmiddlewaretoken": csrf,
        },
    )
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    response = c.post(
        "/accounts/profile/",
        {
            "display_name": "Nina P.",
            "title": "AE",
            "region": "na",
            "timezone": "America/New_York",
            "bio": "Hi <script>alert(1)</script> **team**",
            "csrfmiddlewaretoken": csrf,
        },
    )
    assert response.status_code == 302
    newhire.refresh_from_db()
    assert (
        newhire.display_name == "Nina P."
        and "<script" not in newhire.bio_html
        and "<strong>team</strong>" in newhire.bio_html
    )


def test_people_directory_uses_a_constant_number_of_queries(client_for, newhire, django_assert_max_num_queries):
    from tests.factories import make_user

    c = client_for(newhire)
    for i in range(3):
        make_user(f"rep{i}", roles=("rainmaker",))
    with django_assert_max_num_queries(8) as few:
        c.get("/people/")
    for i in range(3, 25):
        make_user(f"rep{i}", roles=("rainmaker",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get("/people/").status_code == 200
