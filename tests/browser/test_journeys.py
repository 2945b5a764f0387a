"""The journeys that matter, as people take them: the real server, headless Chromium, demo data.

Each step checks the page (no console error, no failed request, no request to another host,
axe-core without serious or critical violations) and keeps a full-page screenshot under
test-artifacts/browser/<journey>/. Waiting is always for something on the page (Playwright's
auto-waiting `expect`), never a fixed sleep: statistics, search indexing and notifications
happen after commit, in the task worker or over the channel layer.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.harness import PHONE

pytestmark = pytest.mark.browser

LIVE = 20_000  # ms: what the worker or the channel layer does after a commit


def token() -> str:
    """A word no demo content contains, to find what this run wrote."""
    return "zq" + uuid.uuid4().hex[:8]


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def reload_until_visible(page, locator, timeout: int = LIVE) -> None:
    """Reload until `locator` shows: for pages that show work the worker does after a commit
    (indexing) and do not update themselves. Each try waits on the page, not on a clock."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            expect(locator).to_be_visible(timeout=1000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


# --- 1. Search → technique → evidence → log a practice → the numbers change ---------------------


def test_1_new_hire_finds_a_technique_reads_its_evidence_and_logs_a_practice(visitor):
    nina = visitor("newhire")
    page = nina.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Nina Patel")
    nina.step("home", widths=("phone",))  # the desktop check ran on arrival

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
    expect(similar.locator(".qa-similar__type", has_text="Question").first).to_be_visible()
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
    marcus.step("question")
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


# --- 3. A rainmaker shares a technique; a manager approves it; it is in the index and in search --


def test_3_rainmaker_shares_a_technique_a_manager_approves_it_and_everyone_finds_it(visitor):
    marcus = visitor("rainmaker")
    page = marcus.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Techniques").click()
    expect(page.get_by_role("heading", name="Techniques", level=1)).to_be_visible()
    marcus.step("index")
    page.get_by_role("link", name="Share a technique").click()
    expect(page.get_by_role("heading", name="Share a technique", level=1)).to_be_visible()
    marcus.step("share-form")

    word = token()
    title = f"Trade the discount for a case study ({word})"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill(
        "Every concession buys something back: a reference, a longer term or an earlier date."
    )
    page.get_by_label("Stage").select_option(label="Negotiation")
    page.get_by_role("group", name="Personas").get_by_role("checkbox", name="Procurement", exact=True).check()
    page.get_by_role("group", name="Skill tags").get_by_role("checkbox", name="Pricing and value").check()
    page.get_by_role("textbox", name="Situation").fill(
        f"Procurement asks for a **discount** in the last week of the quarter ({word})."
    )
    page.get_by_role("textbox", name="Approach").fill(
        "- Ask what the discount is for.\n- Offer it only against a case study or a two-year term.\n"
        "- Put the trade in writing the same day."
    )
    expect(page.locator(".markdown-preview strong").first).to_have_text("discount")  # the live preview
    page.get_by_label("Objection 1: the buyer says").fill("Everyone else gives us 20%.")
    page.get_by_role("textbox", name="Objection 1: your reply").fill("Then let's see what they asked for in return.")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("was sent to the managers for review")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    marcus.step("submitted")

    # Not live yet: the index does not list it.
    page.goto(f"/techniques/?q={word}")
    expect(page.get_by_role("heading", name="0 techniques")).to_be_visible()
    marcus.step("not-listed-yet")

    lena = visitor("manager")
    mpage = lena.page
    mpage.locator("summary", has_text="Account menu").click()
    mpage.get_by_role("link", name="Moderation queue").click()
    expect(mpage.get_by_role("heading", name="Techniques waiting for review")).to_be_visible()
    item = mpage.locator("article.moderation-item", has=mpage.get_by_role("heading", name=title))
    expect(item).to_contain_text("New technique")
    expect(item).to_contain_text("by Marcus Reyes")
    lena.step("moderation-queue")
    item.get_by_label("Comment for the author").fill("Clear and specific. Thank you!")
    item.get_by_role("button", name="Approve and publish").click()
    expect(mpage.get_by_text(f"“{title}” is published")).to_be_visible()
    expect(mpage.get_by_role("heading", name=title)).to_have_count(0)
    lena.step("approved")

    # In the index (newest first) and on its own page...
    nina = visitor("newhire")
    npage = nina.page
    npage.goto("/techniques/?sort=newest")
    card = npage.get_by_role("link", name=title)
    expect(card).to_be_visible()
    nina.step("index")
    card.click()
    expect(npage.get_by_role("heading", level=1)).to_have_text(title)
    expect(npage.locator(".technique-head")).to_contain_text("Marcus Reyes")
    expect(npage.get_by_text("Everyone else gives us 20%.")).to_be_visible()
    nina.step("technique", phone=True)

    # ...and in search, once the worker has indexed it (after the commit): reload until it is there.
    search = npage.get_by_role("combobox", name="Search techniques, questions and answers")
    search.fill(word)
    search.press("Enter")
    reload_until_visible(
        npage,
        npage.locator(".search-result--technique").get_by_role("heading", level=2).get_by_role("link", name=title),
    )
    nina.step("search")


# --- 4. Mentoring: ranked mentors with reasons → request → the mentor accepts → live coaching thread;
#        a third person is refused and does not find it in search --------------------------------


def test_4_new_hire_finds_a_mentor_who_accepts_and_they_coach_in_a_private_thread(visitor):
    nina = visitor("newhire")
    page = nina.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentoring").click()
    expect(page.get_by_role("heading", name="Mentoring", level=1)).to_be_visible()
    nina.step("mentoring")
    page.get_by_role("navigation", name="Mentoring").get_by_role("link", name="Find a mentor").click()
    expect(page.get_by_role("heading", name="Find a mentor", level=1)).to_be_visible()

    # Ranked (best score first), each with the reasons behind it.
    matches = page.locator("li.match")
    expect(matches.first).to_be_visible()
    scores = [int(s) for s in matches.locator(".match__score-value").all_inner_texts()]
    assert len(scores) >= 3 and scores == sorted(scores, reverse=True), scores
    for reasons in matches.locator(".match__reasons").all_inner_texts():
        assert reasons.startswith("Why:") and len(reasons) > 20, reasons
    sofia_card = matches.filter(has=page.get_by_role("heading", name="Sofia Lindqvist"))
    expect(sofia_card).to_contain_text("Coaches discovery")
    sofia_card.get_by_text("Score breakdown").click()
    expect(sofia_card.locator(".parts__row").first).to_be_visible()
    nina.step("ranked-mentors")

    sofia_card.get_by_text("Add a note (optional)").click()
    note = "I want my discovery calls to end with a named economic buyer."
    sofia_card.get_by_label("A note for Sofia Lindqvist").fill(note)
    sofia_card.get_by_role("button", name="Ask Sofia Lindqvist to mentor you").click()
    expect(page.get_by_role("heading", name="Request to Sofia Lindqvist")).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Requested")
    nina.step("requested")
    nina_bell = page.locator("[data-bell] .bell__count")
    unread = int(nina_bell.inner_text() or "0")

    # The mentor is told (bell), opens the request and accepts.
    sofia = visitor("mentor")
    spage = sofia.page
    spage.locator("[data-bell]").click()
    sofia.step("notifications")
    spage.get_by_role("link", name="Nina Patel asked you to be their mentor").first.click()
    expect(spage.get_by_role("heading", name="Nina Patel asks you to be their mentor")).to_be_visible()
    expect(spage.get_by_text("named economic buyer")).to_be_visible()
    sofia.step("request")
    spage.get_by_role("button", name="Accept and start mentoring").click()
    expect(spage.get_by_text("You are now Nina Patel's mentor")).to_be_visible()
    sofia.step("mentorship")
    mentorship_url = spage.url

    # Both open the private coaching thread and talk, live.
    panel = spage.locator("section.discussion-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("link", name="Open the full thread").click()
    thread_url = spage.url
    # The new hire hears of it live (bell), and follows the notification to the mentorship.
    expect(nina_bell).to_have_text(str(unread + 1), timeout=LIVE)
    page.locator("[data-bell]").click()
    nina.step("notifications")
    page.get_by_role("link", name="Sofia Lindqvist accepted: your mentorship has started").first.click()
    page.wait_for_url(mentorship_url)
    expect(page.get_by_role("heading", name=re.compile("Sofia Lindqvist"))).to_be_visible()
    nina.step("mentorship")
    page.locator("section.discussion-panel").get_by_role("link", name="Open the full thread").click()
    page.wait_for_url(thread_url)
    for v in (nina, sofia):
        expect(v.page.locator('[data-thread-status][data-state="live"]')).to_be_visible()
    expect(spage.locator("[data-thread-presence]")).to_contain_text("Nina Patel")

    word = token()
    compose_nina = page.get_by_role("textbox", name="Message")
    compose_nina.fill(f"My **discovery** call with Redwood is on Thursday; can we role-play it? ({word})")
    compose_nina.press("Enter")
    expect(spage.locator("li.msg", has_text=word)).to_be_visible(timeout=LIVE)
    expect(spage.locator("li.msg strong", has_text="discovery")).to_be_visible()
    compose_sofia = spage.get_by_role("textbox", name="Message")
    compose_sofia.press_sequentially("Yes: bring the", delay=20)
    expect(page.locator("[data-thread-typing]")).to_have_text("Sofia Lindqvist is typing…", timeout=LIVE)
    compose_sofia.fill(f"Yes: bring the three questions you will ask the CFO. ({word}-reply)")
    compose_sofia.press("Enter")
    expect(page.locator("li.msg", has_text=f"{word}-reply")).to_be_visible(timeout=LIVE)
    for v in (nina, sofia):  # each message once on each page
        expect(v.page.locator("li.msg", has_text=word)).to_have_count(2)
    assert spage.locator("[data-thread-presence]").inner_text().count("Nina Patel") == 1
    nina.step("coaching-thread")
    sofia.step("coaching-thread")

    # A third person: refused with a clear page, and search never shows them the thread.
    marcus = visitor("rainmaker")
    mpage = marcus.page
    with marcus.guard.expecting(403):
        response = mpage.goto(thread_url)
        assert response.status == 403
        expect(mpage.get_by_role("heading", name="You can't open this page")).to_be_visible()
        expect(mpage.get_by_role("main")).to_contain_text("private")
        marcus.step("thread-refused")
    with marcus.guard.expecting(404):
        response = mpage.goto(mentorship_url)
        assert response.status == 404
        expect(mpage.get_by_role("heading", level=1)).to_be_visible()
        marcus.step("mentorship-not-found")
    # A member finds the thread by a word said in it (once the worker indexed it)...
    page.goto(f"/search/?q={word}")
    reload_until_visible(page, page.locator(".search-result--thread"))
    nina.step("search-finds-the-coaching-thread")
    mpage.goto(f"/search/?q={word}")
    expect(mpage.get_by_role("heading", level=1)).to_have_text(f"No results for “{word}”")
    expect(mpage.locator(".search-result")).to_have_count(0)
    expect(mpage.get_by_role("main")).not_to_contain_text("Coaching")
    marcus.step("search-finds-nothing")


# --- 5. A manager imports deals: one bad row → its error, nothing imported; fixed → imported ------


def deals_csv(word: str, stage_of_second_row: str) -> bytes:
    """An opportunity export as a CRM gives it (quoted thousands, a Salesforce closed stage)."""
    recent = (date.today() - timedelta(days=1)).isoformat()  # the rep's newest deals come first
    rows = [
        "id,name,account,amount,currency,stage,status,owner_email,created_date,closed_date",
        f"{word}-1,Northwind renewal ({word}),Northwind Traders,48000,USD,Negotiation,open,"
        f"newhire@rainmaker.example,{recent},",
        f'{word}-2,Contoso expansion ({word}),Contoso,"125,000.00",USD,{stage_of_second_row},open,'
        f"newhire@rainmaker.example,{recent},",
        f"{word}-3,Fabrikam pilot ({word}),Fabrikam,19500,EUR,Closed Won,won,"
        "rainmaker@rainmaker.example,2026-08-01,2026-10-15",
    ]
    return ("\n".join(rows) + "\n").encode()


def test_5_manager_imports_deals_all_or_nothing(visitor):
    lena = visitor("manager")
    page = lena.page
    page.locator("summary", has_text="Account menu").click()
    page.get_by_role("link", name="Import deals").click()
    expect(page.get_by_role("heading", name="Import deals from the CRM")).to_be_visible()
    lena.step("import-form")

    word = token()
    with lena.guard.expecting(422):  # the page answers 422 to a file with errors, by convention
        page.get_by_label("Opportunities CSV").set_input_files(
            files=[{"name": "opportunities.csv", "mimeType": "text/csv", "buffer": deals_csv(word, "Negociation")}]
        )
        page.get_by_role("button", name="Check and import").click()
        errors = page.get_by_role("alert")
        expect(errors.get_by_role("heading", name="Nothing was imported")).to_be_visible()
        rows = errors.get_by_role("table").locator("tbody tr")
        expect(rows).to_have_count(1)
        cells = rows.first.locator("td")
        expect(cells.nth(1)).to_have_text("3")  # the header is line 1
        expect(cells.nth(2)).to_have_text("stage")
        expect(cells.nth(3)).to_contain_text("Negociation")
        lena.step("row-error")

    page.get_by_label("Opportunities CSV").set_input_files(
        files=[{"name": "opportunities.csv", "mimeType": "text/csv", "buffer": deals_csv(word, "Negotiation")}]
    )
    page.get_by_role("button", name="Check and import").click()
    done = page.get_by_role("region", name="Imported")
    # All three are new: the failed attempt wrote nothing.
    expect(done).to_contain_text("3 new, 0 updated, 0 unchanged")
    expect(page.get_by_role("alert")).to_have_count(0)
    lena.step("imported")

    # The rep sees the imported deal where she logs a practice.
    nina = visitor("newhire")
    nina.page.goto("/techniques/")
    nina.step("techniques")
    nina.page.locator(".technique-card__title a").first.click()
    deal = nina.page.locator("#practice").get_by_label("Deal")
    expect(deal).to_be_visible()
    expect(deal.locator("option", has_text=f"Contoso expansion ({word})")).to_have_count(1)
    nina.step("deal-offered")


# --- 6. Keyboard only: navigation, search with its autocomplete, and asking a question --------------

FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  const r = el.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60);
  return {ring, onScreen, tag: el.tagName, text};
}"""


def focused(page) -> dict:
    """What has the keyboard focus, and whether a person can see it (a ring, on screen)."""
    state = page.evaluate(FOCUS_RING)
    assert state is not None, "nothing has the focus"
    return state


def tab_to(page, locator, *, limit: int = 60, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until `locator` has the focus; every stop must show its focus."""
    is_focused = "el => el === document.activeElement"
    if locator.evaluate(is_focused):
        return focused(page)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = page.evaluate(FOCUS_RING)
        if state is None:
            continue  # past the last element the focus leaves the page; the next Tab comes back
        assert state["ring"] and state["onScreen"], f"focus not visible on {state}"
        if locator.evaluate(is_focused):
            return state
    raise AssertionError(f"{locator} never got the focus with the keyboard")


def test_6_keyboard_only_navigation_search_and_asking(visitor):
    nina = visitor()
    page = nina.page
    page.goto("/accounts/login/")
    nina.step("sign-in")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("newhire")
    page.keyboard.press("Tab")
    page.keyboard.type("rainmaker-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(nina.server.url + "/")
    nina.username = "newhire"
    nina.step("home")

    # The first Tab reaches "Skip to content", visibly; Enter moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    nina.step("skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # Main navigation: Tab from the top of the page to "Questions", Enter.
    page.keyboard.press("Shift+Tab")  # back into the header
    nav = page.get_by_role("navigation", name="Main")
    tab_to(page, nav.get_by_role("link", name="Techniques"), backwards=True)
    tab_to(page, nav.get_by_role("link", name="Questions"))
    nina.step("nav-focus")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/questions/$"))
    expect(nav.get_by_role("link", name="Questions")).to_have_attribute("aria-current", "page")
    nina.step("questions")

    # Header search with its autocomplete: type, arrow down to a suggestion, Enter opens it.
    search = page.get_by_role("combobox", name="Search techniques, questions and answers")
    tab_to(page, search)
    page.keyboard.type("discount", delay=20)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")  # and back
    expect(first).to_have_attribute("aria-selected", "true")
    expect(search).to_be_focused()  # the focus stays in the box while choosing
    nina.step("autocomplete")
    target = first.get_attribute("data-href")
    page.keyboard.press("Enter")
    page.wait_for_url(nina.server.url + target)
    nina.step("suggestion-opened")

    # Escape closes the suggestions; Enter without a choice searches.
    tab_to(page, search)
    page.keyboard.type("mutual action plan", delay=10)
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=mutual"))
    expect(page.locator(".search-result").first).to_be_visible()
    nina.step("search-results")
    # From the results, Tab reaches a result link and Enter opens it.
    result = page.locator(".search-result__title a").first
    title = result.inner_text()
    tab_to(page, result, limit=120)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    nina.step("result-opened")

    # Ask a question without a mouse: fields in order, a select, checkboxes, submit.
    tab_to(page, nav.get_by_role("link", name="Questions"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/questions/$"))
    nina.step("questions-again")
    tab_to(page, page.get_by_role("link", name="Ask a question").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ask the rainmakers")).to_be_visible()
    word = token()
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type(f"How do I keep a mutual action plan alive after the demo? ({word})")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Details")).to_be_focused()
    page.keyboard.type("The champion agreed dates in the demo, then went quiet. What do I send, and when?")
    stage = page.get_by_label("Sales stage")
    tab_to(page, stage)
    for _ in range(4):  # Any stage → Prospecting → Discovery → Qualification → Solution / demo
        page.keyboard.press("ArrowDown")
    expect(stage.locator("option:checked")).to_have_text("Solution / demo")
    plan = page.get_by_role("checkbox", name="Mutual action plans")
    tab_to(page, plan)
    page.keyboard.press("Space")
    expect(plan).to_be_checked()
    nina.step("ask-form-filled")
    tab_to(page, page.get_by_role("button", name="Post your question"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(word)
    expect(page.locator(".qa-tags")).to_contain_text("Solution / demo")
    expect(page.locator(".qa-tags")).to_contain_text("Mutual action plans")
    nina.step("question-posted", phone=True)

    # On a phone the navigation folds behind "Menu", which opens from the keyboard too.
    page.set_viewport_size(PHONE)
    toggle = page.get_by_role("button", name="Menu")
    tab_to(page, toggle, backwards=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    tab_to(page, nav.get_by_role("link", name="Mentoring"))
    nina.step("phone-menu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mentoring/$"))
    nina.step("mentoring")
