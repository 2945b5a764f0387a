"""Builders for the techniques tests: real pages, deals and practices in the real database."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from community.models import Deal, Practice, Response, TechniquePage
from community.techniques import stats
from community.techniques.services import TechniqueDraft
from community.techniques.setup import ensure_index_page
from taxonomy.models import BuyerPersona, SalesStage

_n = itertools.count(1)


def stage(slug: str = "discovery") -> SalesStage:
    return SalesStage.objects.get(slug=slug)


def persona(slug: str = "economic-buyer") -> BuyerPersona:
    return BuyerPersona.objects.get(slug=slug)


def draft(**overrides) -> TechniqueDraft:
    values = {
        "title": f"Ask who signs, by role {next(_n)}",
        "summary": "Surfaces the economic buyer in the first call.",
        "stage": stage(),
        "situation": "First discovery call, the champion is **keen**.",
        "approach": "1. Ask how the last purchase of this size was approved.\n2. Ask who signed it.",
        "talk_track": "“When you bought your CRM, who signed the order?”",
        "talk_track_context": "first call",
        "objections": [("I can sign this myself.", "Great: what would make you want a second opinion?")],
        "pitfalls": "Do not ask for the *name* first.",
        "personas": [persona()],
    }
    values.update(overrides)
    return TechniqueDraft(**values)


def published(author=None, *, title: str | None = None, stage_slug: str = "discovery", **fields) -> TechniquePage:
    """A live technique, published directly (no moderation), like the demo seeder does."""
    index = ensure_index_page()
    n = next(_n)
    page = TechniquePage(
        title=title or f"Technique {n}",
        slug=f"technique-{n}",
        summary=fields.pop("summary", "Works on real deals."),
        author=author,
        owner=author,
        stage=stage(stage_slug),
        body=[("situation", "When it applies."), ("approach", "What to do.")],
        **fields,
    )
    index.add_child(instance=page)
    page.save_revision(user=author).publish()
    page.refresh_from_db()
    return page


def deal(owner, *, external_id: str | None = None, **fields) -> Deal:
    n = next(_n)
    return Deal.objects.create(
        external_id=external_id or f"OPP-{n}",
        name=fields.pop("name", f"Deal {n}"),
        account=fields.pop("account", f"Account {n}"),
        owner=owner,
        stage=fields.pop("stage", stage()),
        **fields,
    )


def practices(rep, technique, *, successes: int, failures: int, stage_obj=None, days_ago: int = 10, **fields):
    """Bulk-create decided practices: `successes` meeting_booked and `failures` no_response."""
    now = timezone.now()
    rows = [
        Practice(
            rep=rep,
            technique=technique,
            stage=stage_obj or technique.stage,
            practised_at=now - timedelta(days=days_ago, minutes=i),
            response=Response.MEETING_BOOKED if i < successes else Response.NO_RESPONSE,
            responded_at=now,
            **fields,
        )
        for i in range(successes + failures)
    ]
    return Practice.objects.bulk_create(rows)


def segment_world(rainmaker, newhire) -> TechniquePage:
    """T at discovery: the author 4 of 5 (3 of 3 with a champion) on one won deal; a new hire
    uses it at qualification, 1 of 3 on one lost deal. The baseline technique O: the author 2 of 5
    at discovery (2 of 3 with a champion), the new hire 1 of 2 at qualification, no deals."""
    t = published(rainmaker, title="T")
    other = published(rainmaker, title="O")
    won, lost = deal(rainmaker, status="won"), deal(newhire, status="lost")
    champion = persona("champion")
    practices(rainmaker, t, successes=3, failures=0, persona=champion, deal=won)
    practices(rainmaker, t, successes=1, failures=1, deal=won)
    practices(newhire, t, successes=1, failures=2, stage_obj=stage("qualification"), deal=lost)
    practices(rainmaker, other, successes=2, failures=1, persona=champion)
    practices(rainmaker, other, successes=0, failures=2)
    practices(newhire, other, successes=1, failures=1, stage_obj=stage("qualification"))
    stats.recompute(None)
    return t


class Browser:
    """A signed-in client that sends the CSRF token with every POST, like a browser's form."""

    def __init__(self, client) -> None:
        self.client = client
        client.get("/")
        self.token = client.cookies["csrftoken"].value

    def get(self, path: str, data=None, **kwargs):
        return self.client.get(path, data, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        payload = dict(data or {})
        payload["csrfmiddlewaretoken"] = self.token
        return self.client.post(path, payload, **kwargs)


def browser(client_for, user) -> Browser:
    return Browser(client_for(user))


@pytest.fixture(autouse=True)
def clean_outcome_settings_cache():
    """OutcomeSettings are cached; a rolled-back test must not leak its settings to the next."""
    from community.models import OutcomeSettings

    cache.delete(OutcomeSettings.CACHE_KEY)
    yield
    cache.delete(OutcomeSettings.CACHE_KEY)
