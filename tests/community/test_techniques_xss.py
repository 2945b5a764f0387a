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
