"""The journeys that matter, as people take them: the real server, headless Chromium, demo data.

Each step checks the page (no console error, no failed request, no request to another host,
axe-core without serious or critical violations) and keeps a full-page screenshot under
test-artifacts/browser/<journey>/. Waiting is always for something on the page (Playwright's
auto-waiting `expect`), never a fixed sleep: statistics, search indexing and notifications
happen after commit, in the task worker or over the channel layer.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LIVE = 20_000  # ms: what the worker or the channel layer does after a commit


def token() -> str:
    """A word no demo content contains, to find what this run wrote."""
    return "zq" + uuid.uuid4().hex[:8]


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


# --- 1. Search → technique → evidence → log a practice → the numbers change ---------------------


def test_1_new_hire_finds_a_technique_reads_its_evidence_and_logs_a_practice(visitor):
    nina = visitor("newhire")
    page = nina.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Nina Patel")
    nina.step("home", phone=True)

    search = page.get_by_role("combobox", name="Search techniques, questions and answers")
    search.fill("pricing objection")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=pricing"))
    expect(page.get_by_role("heading", name="Results for “pricing objection”")).to_be_visible()
    results = page.locator(".search-result--technique")
    expect(results.first).to_be_visible()
    nina.step("search-results")

    first = results.first.get_by_role("heading", level=2).get_by_role("link")
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    nina.step("technique", phone=True)

    # The evidence: a label, the numbers with their interval and baseline, and the table behind the chart.
    expect(page.locator(".technique-head .badge[class*=evidence--]")).to_be_visible()
    numbers = page.locator("#numbers")
    expect(numbers.get_by_role("heading", name="What it achieves")).to_be_visible()
    expect(numbers).to_contain_text("success rate, 95% interval")
    expect(numbers).to_contain_text("team baseline at the same stage")
    uses = numbers.locator(".stat__value").first
    before = number(uses.inner_text())
    assert before > 0
    numbers.get_by_text("Show the numbers as a table").first.click()
    table = numbers.get_by_role("table").first
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="This technique")).to_be_visible()
    nina.step("evidence")

    # "I used this": a deal, what the buyer did; the page says so, and the numbers follow.
    practice = page.locator("#practice")
    deal = practice.get_by_label("Deal")
    deal.select_option(index=1)
    practice.get_by_label("What did the buyer do?").select_option(label="Meeting booked")
    practice.get_by_role("button", name="Log practice").click()
    expect(practice.get_by_role("status")).to_contain_text("Logged.")
    expect(practice.locator("[data-my-practices] li").first).to_contain_text("Meeting booked")
    # The statistics are recomputed by the worker after the commit; the page picks them up.
    expect(uses).to_have_text(str(before + 1), timeout=LIVE)
    expect(page.locator("#live-region")).to_contain_text("numbers")
    nina.step("numbers-updated")


# --- 2. Ask → similar questions → a rainmaker is told live, answers → the asker sees it, votes, accepts


def test_2_new_hire_asks_a_rainmaker_answers_live_and_the_asker_accepts(visitor):
    nina, marcus = visitor("newhire"), visitor("rainmaker")  # two browser contexts
    bell = marcus.page.locator("[data-bell]")
    unread = int(bell.locator(".bell__count").inner_text() or "0")
    expect(bell).to_have_attribute("aria-label", f"{unread} unread notifications")

    page = nina.page
    page.get_by_role("link", name="Ask a question").first.click()
    expect(page.get_by_role("heading", name="Ask the rainmakers")).to_be_visible()
    nina.step("ask-form")

    word = token()
    title = f"Procurement asks for 15% off at negotiation: hold the price or trade? ({word})"
    # Typed key by key, as a person does: similar questions and techniques appear while typing.
    page.get_by_label("Title").press_sequentially("Procurement asks for a discount on price", delay=15)
    similar = page.locator("[data-similar-panel]")
    expect(similar).to_be_visible()
    expect(similar.get_by_role("heading", name="Already answered?")).to_be_visible()
    expect(similar.locator("[data-similar-list] li").first).to_be_visible()
    expect(similar.locator("[data-similar-list] a").first).to_have_attribute("href", re.compile(r"^/"))
    nina.step("similar-questions")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Details").fill(
        "Their procurement lead wants **15% off** before they sign; the champion says the budget is there. "
        "Do I hold the price and trade for a longer term, or give a smaller discount?"
    )
    page.get_by_label("Sales stage").select_option(label="Negotiation")
    for skill in ("Pricing and value", "Negotiation", "Mutual action plans"):
        page.get_by_role("checkbox", name=skill).check()
    page.get_by_role("button", name="Post your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".qa-asked-to")).to_contain_text("Marcus Reyes")  # routed to the rainmaker
    question_url = page.url
    nina.step("question", phone=True)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # The rainmaker's bell rings live (no reload): the notification came over the channel layer.
    expect(bell.locator(".bell__count")).to_have_text(str(unread + 1), timeout=LIVE)
    expect(bell).to_have_attribute("aria-label", f"{unread + 1} unread notifications")
    marcus.step("bell-rang")
    bell.click()
    expect(marcus.page.get_by_role("heading", name="Notifications")).to_be_visible()
    notification = marcus.page.get_by_role("link", name=re.compile(re.escape(word)))
    expect(notification).to_be_visible()
    marcus.step("notifications")
    notification.click()
    marcus.page.wait_for_url(question_url)
    answer = (
        f"Hold the price. Offer a **two-year term** for a 5% concession instead, and put it in the "
        f"mutual action plan so procurement can show a win. ({word}-answer)"
    )
    marcus.page.get_by_role("textbox", name="Your answer").fill(answer)
    marcus.page.get_by_role("button", name="Post your answer").click()
    expect(marcus.page.get_by_text("Your answer is posted.")).to_be_visible()
    marcus.step("answered")

    # The asker's page shows the answer without reloading.
    posted = page.locator("article.qa-post", has_text=f"{word}-answer")
    expect(posted).to_be_visible(timeout=LIVE)
    expect(page.locator("#answers-heading")).to_have_text("1 answer")
    expect(page.locator("#live-region")).to_contain_text("New answer from Marcus Reyes")
    assert page.evaluate("window.__sameDocument") is True
    nina.step("answer-arrived")

    upvote = posted.get_by_role("button", name="Vote up")
    upvote.click()
    expect(posted.locator("[data-score]")).to_have_text("1")
    expect(upvote).to_have_attribute("aria-pressed", "true")
    posted.get_by_role("button", name="Accept this answer").click()
    accepted = page.locator("article.qa-post--accepted", has_text=f"{word}-answer")
    expect(accepted).to_be_visible()
    expect(accepted).to_contain_text("Accepted answer")
    expect(accepted.locator("[data-score]")).to_have_text("1")
    expect(page.locator(".qa-head")).to_contain_text("Answer accepted")
    nina.step("accepted", phone=True)
