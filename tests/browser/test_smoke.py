"""The harness itself: the real server serves, Chromium renders, the page checks run."""

import pytest

pytestmark = pytest.mark.browser


def test_signed_out_landing_sign_in_and_home(visitor):
    v = visitor()
    v.page.goto("/")
    v.step("landing", phone=True)
    v.page.goto("/accounts/login/")
    v.step("sign-in", phone=True)
    v.sign_in("newhire")  # checks the home page on arrival
    assert "Hello, Nina Patel" in v.page.content()
    v.step("home", phone=True)
