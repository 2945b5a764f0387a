"""Search as a new hire sees it, in Chromium on the demo: the headline query, the header
autocomplete with the keyboard, the zero-results page and the ask form's similar questions."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_new_hire_finds_the_technique_and_an_answered_question(visitor):
    v = visitor("newhire")
    page = v.page
    page.goto("/search/?q=pricing+objection+procurement")
    results = page.locator(".search-result")
    first = results.nth(0)
    assert first.locator(".badge").first.text_content() == "Technique"
    assert (
        first.locator(".search-result__title").inner_text()
        == "Answer 'your price is too high' with 'compared with what?'"
    )
    # The first question (within the top three) has an accepted answer, and the matching
    # answers show inside it.
    kinds = [results.nth(i).locator(".badge").first.text_content() for i in range(3)]
    assert "Question" in kinds
    question = results.nth(kinds.index("Question"))
    assert question.locator(".badge", has_text="Accepted").count() >= 1
    assert question.locator(".search-result__answers li").count() >= 1
    assert page.locator("mark").count() > 5  # highlighted snippets
    assert page.locator("#search-deal option").count() > 1  # "For my deal": Nina's open deals
    v.step("pricing-objection-procurement", phone=True)


def test_the_header_autocomplete_works_with_the_keyboard(visitor):
    v = visitor("newhire")
    page = v.page
    box = page.locator("header input[data-autocomplete]")
    box.click()
    box.press_sequentially("mutual act", delay=40)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    target = options.first.get_attribute("data-href")
    v.step("autocomplete-open")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith(target)
    v.step("autocomplete-chosen")
    # Escape closes the list without leaving the page.
    box = page.locator("header input[data-autocomplete]")
    box.click()
    box.press_sequentially("discount", delay=40)
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"


def test_zero_results_lead_to_asking_with_the_title_filled_in(visitor):
    v = visitor("newhire")
    page = v.page
    page.goto("/search/?q=wombat+zeppelin")
    assert page.get_by_role("heading", name=re.compile("No results")).count() == 1
    v.step("zero-results", phone=True)
    page.get_by_role("link", name=re.compile("as a question")).click()
    page.wait_for_url(re.compile(r"/questions/ask/"))
    assert page.get_by_label("Title").input_value() == "wombat zeppelin"

    # Typing a real title shows questions and techniques that may already answer it.
    title = page.get_by_label("Title")
    title.fill("")
    title.press_sequentially("How do I handle procurement asking for a discount", delay=10)
    panel = page.locator("[data-similar-panel]")
    panel.locator("li").first.wait_for()
    assert panel.is_visible()
    kinds = set(panel.locator(".qa-similar__type").all_text_contents())
    assert kinds == {"Question", "Technique"}
    v.step("ask-similar", phone=True)
