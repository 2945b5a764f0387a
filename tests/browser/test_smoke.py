"""The harness itself: the real server serves, Chromium renders, the page checks run."""

import pytest

from tests.browser.harness import check_accessibility, screenshot

pytestmark = pytest.mark.browser


def test_signed_out_landing_and_sign_in(visitor):
    v = visitor()
    v.page.goto("/")
    check_accessibility(v.page, "landing")
    v.sign_in("newhire")
    assert "Hello, Nina Patel" in v.page.content()
    check_accessibility(v.page, "home")
    screenshot(v.page, "smoke", "home", widths=("desktop", "phone"))
