"""Two browsers on one thread see each other's messages live (headless Chromium, real daphne)."""

from __future__ import annotations

import shutil

import pytest

from tests.services import free_port

from .conftest import session_cookie
from .test_discussion_redis import start_daphne, stop_daphne, wait_until_serving

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_two_browsers_on_one_thread_see_each_others_messages(room, newhire, rainmaker, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    cookies = {u.username: session_cookie(u) for u in (newhire, rainmaker)}
    port = free_port()
    log = tmp_path / "daphne.log"
    proc = start_daphne(port, None, log)  # the embedded default: Channels' in-memory layer
    try:
        wait_until_serving(port, proc, log)
        base = f"http://127.0.0.1:{port}"
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pages, errors = {}, []
            for username, viewport in (("newhire", (1280, 900)), ("rainmaker", (390, 844))):
                context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
                context.add_cookies([{"name": "sessionid", "value": cookies[username], "url": base}])
                page = context.new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(f"{base}/discussions/{room.pk}/")
                page.wait_for_selector('[data-thread-status][data-state="live"]', timeout=15000)
                pages[username] = page
            nina, marcus = pages["newhire"], pages["rainmaker"]
            nina.fill("textarea[name=body]", "Does a **ramped** year one need deal-desk approval?")
            nina.press("textarea[name=body]", "Enter")
            marcus.wait_for_selector("text=ramped", timeout=5000)
            assert marcus.inner_text("[data-thread-presence]").count("Nina Patel") == 1
            marcus.fill("textarea[name=body]", "Not up to 40% in year one.")
            nina.wait_for_selector("text=Marcus Reyes is typing", timeout=5000)
            marcus.press("textarea[name=body]", "Enter")
            nina.wait_for_selector("text=Not up to 40% in year one.", timeout=5000)
            # Each message shows once on each page.
            for page in (nina, marcus):
                assert page.locator("li.msg").count() == 2
            assert errors == []
            browser.close()
    finally:
        stop_daphne(proc)
