"""Two browsers on one team room see each other live: messages (once each), presence, typing.

Moved here from tests/community/test_discussion_browser.py (which started its own daphne) so
it runs on the journeys' server: the real daphne with the redis channel layer in CI.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.harness import PHONE

pytestmark = pytest.mark.browser


def test_two_browsers_in_a_room_see_each_others_messages_presence_and_typing(visitor):
    nina, marcus = visitor("newhire"), visitor("rainmaker", viewport=PHONE)
    word = "zq" + uuid.uuid4().hex[:8]
    for v in (nina, marcus):
        if v is marcus:  # on a phone the navigation is behind "Menu"
            v.page.get_by_role("button", name="Menu").click()
        v.page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Discussions")).click()
        v.step("discussions")
        v.page.get_by_role("link", name="#deal-desk").first.click()
        expect(v.page.locator('[data-thread-status][data-state="live"]')).to_be_visible()
    expect(marcus.page.locator("[data-thread-presence]")).to_contain_text("Nina Patel")

    box = nina.page.get_by_role("textbox", name="Message")
    box.fill(f"Does a **ramped** year one need deal-desk approval? ({word})")
    box.press("Enter")
    expect(marcus.page.locator("li.msg", has_text=word).locator("strong")).to_have_text("ramped")
    assert marcus.page.locator("[data-thread-presence]").inner_text().count("Nina Patel") == 1

    reply = marcus.page.get_by_role("textbox", name="Message")
    reply.fill(f"Not up to 40% in year one. ({word}-reply)")
    expect(nina.page.locator("[data-thread-typing]")).to_have_text("Marcus Reyes is typing…")
    reply.press("Enter")
    expect(nina.page.locator("li.msg", has_text=f"{word}-reply")).to_be_visible()
    for v in (nina, marcus):  # each message once on each page
        expect(v.page.locator("li.msg", has_text=word)).to_have_count(2)
    nina.step("room")
    marcus.step("room")
