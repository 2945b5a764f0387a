"""Every text field a person can type is neutralised wherever it is shown (pages and API)."""

from html.parser import HTMLParser

import pytest
from django.utils import timezone

from community.models import Practice, TechniquePage
from community.techniques import services, stats
from community.techniques.imports import import_deals
from tests.community.techniques_helpers import browser, clean_outcome_settings_cache, persona, stage  # noqa: F401
from tests.factories import make_user

pytestmark = pytest.mark.django_db

EVIL = (
    '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">a</a>[b](javascript:alert(3))'
)


class _Audit(HTMLParser):
    """Collects what a browser would execute: script bodies, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.problems.append("img tag")
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}=javascript:")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.problems.append("script with alert")


def assert_clean(html: str) -> None:
    audit = _Audit()
    audit.feed(html)
    assert not audit.problems, audit.problems


def test_every_technique_field_is_neutralised(client_for, rainmaker, manager, newhire):
    author = browser(client_for, rainmaker)
    form = {
        "title": "Title " + EVIL[:60],
        "summary": "Summary " + EVIL[:100],
        "stage": str(stage().pk),
        "personas": [str(persona().pk)],
        "situation": "Situation " + EVIL,
        "approach": "Approach " + EVIL,
        "talk_track_context": "When " + EVIL[:120],
        "talk_track": "Words " + EVIL,
        "objection_1": "Objection " + EVIL[:200],
        "reply_1": "Reply " + EVIL,
        "pitfalls": "Pitfalls " + EVIL,
    }
    assert author.post("/techniques/share/", form).status_code == 302
    page = TechniquePage.objects.get()
    assert "alert" in page.title  # stored as typed (plain text), escaped when shown
    assert_clean(author.get(f"/techniques/{page.pk}/draft/").content.decode())
    mod = browser(client_for, manager)
    assert_clean(mod.get("/techniques/moderation/").content.decode())
    # Rejected with a hostile comment: the author's pages show it escaped.
    assert mod.post(f"/techniques/moderation/{page.pk}/", {"action": "reject", "comment": EVIL}).status_code == 302
    assert_clean(author.get(f"/techniques/{page.pk}/edit/").content.decode())
    assert_clean(author.get("/techniques/submissions/").content.decode())
    assert_clean(author.get("/notifications/").content.decode())
    author.post(f"/techniques/{page.pk}/edit/", form)
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    reader = browser(client_for, newhire)
    for path in (page.url, "/techniques/", "/", "/people/rainmaker/"):
        html = reader.get(path).content.decode()
        assert "Title" in html or path == "/people/rainmaker/"
        assert_clean(html)
    body = reader.client.get(f"/api/v1/techniques/{page.pk}").json()
    assert_clean(body["body_html"])
    for block in body["body"]:
        assert_clean(block["html"])


def test_reviews_notes_and_imported_notes_are_neutralised(client_for, rainmaker, newhire, manager):
    from tests.community.techniques_helpers import published

    t = published(rainmaker, title="Ask who signs")
    peer = make_user("aisha", roles=("rainmaker",))
    browser(client_for, peer).post(f"/techniques/{t.pk}/review/", {"verdict": "request_changes", "comment": EVIL})
    rep = browser(client_for, newhire)
    rep.post(
        f"/techniques/{t.pk}/practise/",
        {"practice-response": "won", "practice-note": EVIL, "practice-practised_on": timezone.localdate()},
    )
    import_deals(
        deals="id,name,account,status,owner_email\n006X,Deal "
        + EVIL.replace(",", " ")
        + ",Acme,open,newhire@example.com\n",
        practices=f"technique,rep_email,deal_id,date,response,note\n{t.slug},newhire@example.com,006X,2026-01-05,won,"
        + '"'
        + EVIL.replace('"', '""')
        + '"\n',
    )
    assert Practice.objects.count() == 2
    stats.recompute(None)
    for path in (t.url, "/practice/"):
        html = rep.get(path).content.decode()
        assert_clean(html)
    assert_clean(browser(client_for, manager).get("/practice/newhire/").content.decode())
    assert_clean(browser(client_for, rainmaker).get("/notifications/").content.decode())


def test_the_audit_itself_catches_what_it_should():
    for bad in ("<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "<script>alert(1)</script>"):
        with pytest.raises(AssertionError):
            assert_clean(bad)
    assert_clean('<input value="&lt;img src=x onerror=alert(1)&gt;"><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')


def _shown_escaped(html: str) -> bool:
    """The payload reached the page as text (so the test is not passing on an empty page)."""
    return "&lt;script&gt;" in html or "&lt;img" in html


def test_the_what_happened_note_is_neutralised(client_for, api_for, rainmaker, newhire, manager):
    """The note given with "what happened?" (the page's form and PATCH /practices/{id})."""
    from tests.community.techniques_helpers import deal, published

    t = published(rainmaker, title="Ask who signs")
    d = deal(newhire, name="Helios renewal")
    first = Practice.objects.create(
        rep=newhire, technique=t, deal=d, stage=t.stage, response="pending", suggested_response="won"
    )
    second = Practice.objects.create(rep=newhire, technique=t, stage=t.stage, response="pending")
    rep = browser(client_for, newhire)
    assert rep.post(f"/practice/followups/{first.pk}/", {"response": "won", "note": EVIL}).status_code == 302
    patched = api_for(newhire).patch(f"/api/v1/practices/{second.pk}", {"response": "lost", "note": EVIL})
    assert patched.status_code == 200, patched.content
    assert_clean(patched.json()["note_html"])
    first.refresh_from_db()
    assert first.note == EVIL.strip() and "<script" not in first.note_html and "onerror" not in first.note_html
    for html in (
        rep.get("/practice/").content.decode(),
        rep.get(t.url).content.decode(),
        browser(client_for, manager).get("/practice/newhire/").content.decode(),
    ):
        assert_clean(html)
    for item in api_for(newhire).get("/api/v1/practices").json()["items"]:
        assert_clean(item["note_html"])


def test_a_technique_created_through_the_api_is_neutralised(client_for, api_for, rainmaker, manager, newhire):
    payload = {
        "title": "Title " + EVIL[:60],
        "summary": "Summary " + EVIL[:100],
        "stage": "proposal",
        "personas": ["economic-buyer"],
        "situation": "Situation " + EVIL,
        "approach": "Approach " + EVIL,
        "talk_track": "Words " + EVIL,
        "talk_track_context": "When " + EVIL[:120],
        "objections": [{"objection": "Objection " + EVIL[:200], "reply": "Reply " + EVIL}],
        "pitfalls": "Pitfalls " + EVIL,
    }
    created = api_for(rainmaker).post("/api/v1/techniques", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert_clean(body["body_html"])
    for block in body["body"]:
        assert_clean(block["html"])
    page = TechniquePage.objects.get(pk=body["id"])
    author, mod = browser(client_for, rainmaker), browser(client_for, manager)
    draft_html = author.get(f"/techniques/{page.pk}/draft/").content.decode()
    assert _shown_escaped(draft_html)
    assert_clean(draft_html)
    assert_clean(author.get("/techniques/submissions/").content.decode())
    assert_clean(mod.get("/techniques/moderation/").content.decode())
    assert_clean(mod.get(f"/cms/pages/{page.pk}/edit/").content.decode())
    services.technique_moderate(technique=page, moderator=manager, action="approve")
    page.refresh_from_db()
    reader = browser(client_for, newhire)
    for path in (page.url, "/techniques/", "/"):
        html = reader.get(path).content.decode()
        assert "Title" in html
        assert_clean(html)
    detail = api_for(newhire).get(f"/api/v1/techniques/{page.pk}").json()
    assert_clean(detail["body_html"])


def test_an_imported_deals_name_and_account_are_neutralised(client_for, rainmaker, newhire, manager):
    """Deals come from a CRM export: their name (and account) are escaped wherever a deal is shown."""
    from tests.community.techniques_helpers import published

    t = published(rainmaker, title="Ask who signs")
    evil_csv = EVIL.replace(",", " ").replace('"', "'")
    report = import_deals(
        deals=(
            "id,name,account,amount,currency,stage,status,owner_email\n"
            f"006X,Deal {evil_csv},Account {evil_csv},50000,USD,Discovery,open,newhire@example.com\n"
        ),
    )
    assert report.ok, report.errors
    from community.models import Deal

    d = Deal.objects.get(external_id="006X")
    assert "<script>" in d.account and "<script>" in d.name  # stored as the CRM sent it
    Practice.objects.create(
        rep=newhire, technique=t, deal=d, stage=t.stage, response="pending", suggested_response="won"
    )
    rep = browser(client_for, newhire)
    for path in (t.url, "/practice/", "/", "/search/?q=signs", f"/techniques/{t.pk}/practise/"):
        html = rep.get(path).content.decode()
        assert_clean(html)
    assert _shown_escaped(rep.get(t.url).content.decode())  # offered in "I used this"
    boss = browser(client_for, manager)
    for path in ("/practice/newhire/", "/techniques/dashboard/"):
        assert_clean(boss.get(path).content.decode())
    # The account is shown by no page (only the API's JSON, as plain text); the name is everywhere.
    assert browser(client_for, newhire).client.get("/api/v1/deals").json()["items"][0]["account"] == d.account


def test_the_quote_block_is_neutralised(client_for, api_for, rainmaker, manager, newhire):
    """Quote blocks come from the CMS editor; the quote and its attribution are plain text."""
    from tests.community.techniques_helpers import published

    t = published(rainmaker, title="Quote them back")
    t.body = [
        ("situation", "When it applies."),
        ("quote", {"quote": "Said " + EVIL + "\nsecond line", "attribution": "By " + EVIL[:150]}),
    ]
    t.save_revision(user=manager).publish()
    t.refresh_from_db()
    assert t.body[-1].block_type == "quote"
    html = browser(client_for, newhire).get(t.url).content.decode()
    assert "<blockquote" in html and _shown_escaped(html) and "<br>second line" in html
    assert_clean(html)
    body = api_for(newhire).get(f"/api/v1/techniques/{t.pk}").json()
    assert_clean(body["body_html"])
    for block in body["body"]:
        assert_clean(block["html"])
    # A front-end edit keeps the CMS's quote block: the edit form and the draft stay clean too.
    author = browser(client_for, rainmaker)
    assert_clean(author.get(f"/techniques/{t.pk}/edit/").content.decode())
    assert_clean(browser(client_for, manager).get(f"/cms/pages/{t.pk}/edit/").content.decode())


def test_the_manager_dashboard_is_neutralised(client_for, api_for, rainmaker, newhire, manager):
    """Technique titles, stage names and rep names in the dashboard's lists, tables and charts."""
    from taxonomy.models import SalesStage
    from tests.community.techniques_helpers import practices, published

    discovery = SalesStage.objects.get(slug="discovery")
    discovery.name = "Stage " + EVIL[:70]
    discovery.save()
    newhire.first_name = "Nina " + EVIL[:60]
    newhire.save()
    t = published(rainmaker, title="Title " + EVIL[:60])
    practices(newhire, t, successes=3, failures=2)
    stats.recompute(None)
    html = browser(client_for, manager).get("/techniques/dashboard/").content.decode()
    assert "<svg" in html and _shown_escaped(html)
    assert_clean(html)
    assert api_for(manager).get("/api/v1/outcomes/dashboard").status_code == 200
    # The other pages showing those names and charts.
    for path in ("/practice/newhire/", t.url, "/techniques/"):
        assert_clean(browser(client_for, manager).get(path).content.decode())
