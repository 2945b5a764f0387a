"""Fixtures for the browser journeys.

Every module here sets `pytestmark = pytest.mark.browser`; run them alone with `make test-browser`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests import services
from tests.browser.harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    DESKTOP,
    PASSWORD,
    PHONE,
    LiveServer,
    PageGuard,
    check_accessibility,
    screenshot,
    slug,
)

HERE = Path(__file__).resolve().parent


def _require(reason: str) -> None:
    if services.required():
        pytest.fail(f"{reason} (CI must run the browser journeys, not skip them)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site_server() -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        _require(f"Chromium not found at {CHROMIUM}; install Debian's chromium")
    if os.environ.get("BROWSER_SERVER_URL"):
        # While writing a journey: reuse a server you started (e.g. `make run PORT=8731`);
        # journeys change data, so a second run needs a fresh database.
        yield LiveServer(url=os.environ["BROWSER_SERVER_URL"].rstrip("/"))
        return
    server = LiveServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(site_server):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the main thread; Django code a test
    # runs here is still synchronous and safe. Set only while the browser runs (never at import:
    # it would leak into every test's subprocesses and into the server under test).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Journey:
    """Names and numbers the screenshots of one test: test-artifacts/browser/<journey>/NN-<who>-<step>-<width>.png."""

    def __init__(self, name: str):
        self.name = name
        self.steps = 0
        shutil.rmtree(ARTIFACTS / slug(name), ignore_errors=True)  # no stale shots from an earlier run

    def next_step(self, who: str, step: str) -> str:
        self.steps += 1
        return f"{self.steps:02d}-{who}-{step}"


class Visitor:
    """One person in one browser context, with the page guard always on."""

    def __init__(self, browser, server: LiveServer, username: str | None, viewport=DESKTOP, journey=None):
        self.server = server
        self.journey = journey or Journey("misc")
        self.context = browser.new_context(viewport=viewport, base_url=server.url)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.guard = PageGuard(self.page, server.url)
        self.username = username
        # Every page this person lands on must be checked (a `step`) before they move on.
        self.current: str | None = None
        self.unchecked: list[str] = []
        self.shot_both: set[str] = set()  # paths already checked at both widths
        self.page.on("framenavigated", self._on_navigated)
        if username:
            self.sign_in(username)

    def _on_navigated(self, frame) -> None:
        if frame != self.page.main_frame:
            return
        if self.current and self.current != frame.url:  # left a page that no step checked
            self.unchecked.append(self.current)
        self.current = frame.url

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto("/accounts/login/")
        self.step("sign-in")  # checked like every page: clean, accessible, kept as a screenshot
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.server.url + "/")
        self.step("home")  # each person's home differs (sections by role): check it too

    def step(self, name: str, *, phone: bool = False, widths: tuple[str, ...] | None = None) -> None:
        """One journey step on the page as it is now: nothing went wrong so far (console,
        requests, hosts), axe-core finds no serious or critical violation, and a full-page
        screenshot is kept (also at phone width, checked again there, when `phone`, and on the
        first step on a home, technique or question page)."""
        page = self.page
        page.wait_for_load_state("load")
        self.guard.assert_clean()
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header would float mid-shot otherwise
        label = self.journey.next_step(self.username or "visitor", name)
        original = page.viewport_size
        current = "phone" if original and original["width"] < 800 else "desktop"
        path = urlparse(page.url).path
        if widths is None and (phone or (both_widths(page.url) and path not in self.shot_both)):
            widths = ("desktop", "phone")  # later steps on the same page keep the current width
        if widths and "phone" in widths and "desktop" in widths:
            self.shot_both.add(path)
        for width in widths or (current,):
            size = PHONE if width == "phone" else DESKTOP
            if page.viewport_size != size:
                page.set_viewport_size(size)
            check_accessibility(page, f"{self.journey.name} / {label} at {width} width ({page.url})")
            screenshot(page, self.journey.name, label, widths=(width,))
        if original and page.viewport_size != original:
            page.set_viewport_size(original)
        self.current = None

    def close(self) -> None:
        self.context.close()


BOTH_WIDTHS = (
    re.compile(r"^/$"),  # home
    re.compile(r"^/techniques/(?!(?:share|submissions|moderation|dashboard|import)/)[\w-]+/$"),  # a technique
    re.compile(r"^/questions/\d+/"),  # a question
)


def both_widths(url: str) -> bool:
    """The home, technique and question pages are kept at desktop and phone widths."""
    return any(pattern.match(urlparse(url).path) for pattern in BOTH_WIDTHS)


@pytest.fixture
def visitor(browser, site_server, request) -> Iterator:
    """`visitor("newhire")` → a signed-in Visitor; every page it saw must have stayed clean."""
    made: list[Visitor] = []
    journey = Journey(request.node.name.removeprefix("test_"))
    log_start = site_server.log_position()

    def make(username: str | None = None, viewport=DESKTOP) -> Visitor:
        v = Visitor(browser, site_server, username, viewport, journey)
        made.append(v)
        return v

    yield make
    try:
        for v in made:
            v.guard.assert_clean()
            if v.current:
                v.unchecked.append(v.current)
            assert not v.unchecked, f"{v.username or 'visitor'} saw pages no step checked: {v.unchecked}"
        errors = site_server.errors_since(log_start)
        assert not errors, "the server logged errors:\n" + "\n".join(errors)
    finally:
        for v in made:
            v.close()


@pytest.fixture(autouse=True)
def _no_services_skip_in_ci():
    if services.required() and os.environ.get("TEST_DB") == "sqlite":
        pytest.fail("browser journeys run against PostgreSQL in CI")
