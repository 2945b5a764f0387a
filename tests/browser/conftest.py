"""Fixtures for the browser journeys.

Every module here sets `pytestmark = pytest.mark.browser`; run them alone with `make test-browser`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import services
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, PASSWORD, LiveServer, PageGuard

HERE = Path(__file__).resolve().parent
# Playwright's sync API keeps an event loop running in the main thread; Django's database
# code in fixtures is still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _require(reason: str) -> None:
    if services.required():
        pytest.fail(f"{reason} (CI must run the browser journeys, not skip them)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site_server() -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        _require(f"Chromium not found at {CHROMIUM}; install Debian's chromium")
    server = LiveServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(site_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class Visitor:
    """One person in one browser context, with the page guard always on."""

    def __init__(self, browser, server: LiveServer, username: str | None, viewport=DESKTOP):
        self.server = server
        self.context = browser.new_context(viewport=viewport, base_url=server.url)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.guard = PageGuard(self.page, server.url)
        self.username = username
        if username:
            self.sign_in(username)

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.server.url + "/")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, site_server) -> Iterator:
    """`visitor("newhire")` → a signed-in Visitor; every page it saw must have stayed clean."""
    made: list[Visitor] = []

    def make(username: str | None = None, viewport=DESKTOP) -> Visitor:
        v = Visitor(browser, site_server, username, viewport)
        made.append(v)
        return v

    yield make
    try:
        for v in made:
            v.guard.assert_clean()
    finally:
        for v in made:
            v.close()


@pytest.fixture(autouse=True)
def _no_services_skip_in_ci():
    if services.required() and os.environ.get("TEST_DB") == "sqlite":
        pytest.fail("browser journeys run against PostgreSQL in CI")
