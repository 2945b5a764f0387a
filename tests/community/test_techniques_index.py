"""The techniques index page and `GET /api/v1/techniques`: filters, sorting and pagination."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import TechniquePage
from taxonomy.models import Industry, SkillTag
from tests.community.techniques_helpers import browser, clean_outcome_settings_cache, persona, published  # noqa: F401

pytestmark = pytest.mark.django_db


def industry(slug: str) -> Industry:
    return Industry.objects.get(slug=slug)


def skill(slug: str) -> SkillTag:
    return SkillTag.objects.get(slug=slug)


def technique(author, title: str, *, days_ago: int, evidence: str, uses: int, lift: float | None, **tags):
    """A published technique with its evidence summary and publication date set as given."""
    page = published(author, title=title)
    for name in ("personas", "industries", "skills"):
        if name in tags:
            setattr(page, name, tags[name])
    page.save()  # ParentalManyToMany: written on save
    TechniquePage.objects.filter(pk=page.pk).update(
        evidence=evidence,
        uses_count=uses,
        lift=lift,
        first_published_at=timezone.now() - timedelta(days=days_ago),
    )
    return page


@pytest.fixture
def catalogue(rainmaker):
    """Five techniques whose three orders all differ:

    evidence:  Proven (lift .20), Proven (lift .10), Promising, Not enough data, Worse
    newest:    Promising (1 day), Worse (2), Proven .10 (3), Not enough (4), Proven .20 (5)
    practised: Not enough (90 uses), Worse (70), Proven .10 (50), Proven .20 (30), Promising (10)
    """
    return {
        "strong": technique(
            rainmaker,
            "Strong proof",
            days_ago=5,
            evidence="proven",
            uses=30,
            lift=0.20,
            industries=[industry("healthcare")],
            skills=[skill("negotiation")],
        ),
        "proven": technique(
            rainmaker,
            "Proven too",
            days_ago=3,
            evidence="proven",
            uses=50,
            lift=0.10,
            industries=[industry("healthcare"), industry("logistics")],
        ),
        "promising": technique(
            rainmaker,
            "Promising start",
            days_ago=1,
            evidence="promising",
            uses=10,
            lift=0.05,
            skills=[skill("negotiation"), skill("multi-threading")],
        ),
        "unknown": technique(rainmaker, "Too early to say", days_ago=4, evidence="not_enough_data", uses=90, lift=None),
        "worse": technique(
            rainmaker,
            "Worse than nothing",
            days_ago=2,
            evidence="worse",
            uses=70,
            lift=-0.10,
            industries=[industry("logistics")],
        ),
    }


ORDERS = {
    "evidence": ["strong", "proven", "promising", "unknown", "worse"],
    "newest": ["promising", "worse", "proven", "unknown", "strong"],
    "practised": ["unknown", "worse", "proven", "strong", "promising"],
}


def titles_on(html: str) -> list[str]:
    return re.findall(r'<h3 class="technique-card__title"><a href="[^"]*">([^<]*)</a></h3>', html)


# --- The index page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["evidence", "newest", "practised"])
def test_index_page_sorts(client_for, newhire, catalogue, sort):
    html = browser(client_for, newhire).get(f"/techniques/?sort={sort}").content.decode()
    assert titles_on(html) == [catalogue[key].title for key in ORDERS[sort]]
    assert re.search(rf'href="\?sort={sort}"\s+aria-current="true"', html)


def test_index_page_sorts_by_evidence_by_default(client_for, newhire, catalogue):
    html = browser(client_for, newhire).get("/techniques/").content.decode()
    assert titles_on(html) == [catalogue[key].title for key in ORDERS["evidence"]]


def test_index_page_filters_by_industry_and_tag(client_for, newhire, catalogue):
    page = browser(client_for, newhire)

    def shown(query: str) -> list[str]:
        return titles_on(page.get(f"/techniques/?{query}").content.decode())

    names = {key: t.title for key, t in catalogue.items()}
    assert shown("industry=healthcare") == [names["strong"], names["proven"]]
    assert shown("industry=logistics&sort=newest") == [names["worse"], names["proven"]]
    assert shown("tag=negotiation") == [names["strong"], names["promising"]]
    assert shown("tag=multi-threading") == [names["promising"]]
    assert shown("industry=healthcare&tag=negotiation") == [names["strong"]]
    html = page.get("/techniques/?industry=education").content.decode()
    assert titles_on(html) == [] and "No technique matches these filters yet." in html
    assert "industry: healthcare" in page.get("/techniques/?industry=healthcare").content.decode()


def test_index_page_two_holds_the_rest(client_for, newhire, rainmaker):
    pages = [
        technique(rainmaker, f"Technique number {i:02d}", days_ago=i, evidence="not_enough_data", uses=0, lift=None)
        for i in range(1, 15)
    ]  # 14 techniques, newest first by number; the page holds 12
    reader = browser(client_for, newhire)
    first = reader.get("/techniques/?sort=newest").content.decode()
    assert titles_on(first) == [p.title for p in pages[:12]]
    assert "14 techniques" in first and 'href="?sort=newest&amp;page=2" rel="next"' in first
    second = reader.get("/techniques/?sort=newest&page=2").content.decode()
    assert titles_on(second) == [p.title for p in pages[12:]]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # Beyond the last page: the last page, not an error.
    assert titles_on(reader.get("/techniques/?sort=newest&page=9").content.decode()) == [p.title for p in pages[12:]]


# --- The API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["evidence", "newest", "practised"])
def test_api_sorts(api_for, newhire, catalogue, sort):
    body = api_for(newhire).get(f"/api/v1/techniques?sort={sort}").json()
    assert [item["id"] for item in body["items"]] == [catalogue[key].pk for key in ORDERS[sort]]


def test_api_filters_by_tag_and_industry(api_for, newhire, catalogue):
    api = api_for(newhire)

    def ids(query: str) -> list[int]:
        return [item["id"] for item in api.get(f"/api/v1/techniques?{query}").json()["items"]]

    c = catalogue
    assert ids("tag=negotiation") == [c["strong"].pk, c["promising"].pk]
    assert ids(f"tag={skill('multi-threading').pk}") == [c["promising"].pk]
    assert ids("industry=healthcare") == [c["strong"].pk, c["proven"].pk]
    assert ids(f"industry={industry('logistics').pk}&sort=practised") == [c["worse"].pk, c["proven"].pk]
    assert ids("industry=healthcare&tag=negotiation") == [c["strong"].pk]
    assert ids("industry=education") == []
    item = api.get("/api/v1/techniques?tag=multi-threading").json()["items"][0]
    assert {s["slug"] for s in item["skills"]} == {"negotiation", "multi-threading"}


def test_api_pages(api_for, newhire, catalogue):
    api = api_for(newhire)
    first = api.get("/api/v1/techniques?sort=newest&page_size=2").json()
    second = api.get("/api/v1/techniques?sort=newest&page_size=2&page=2").json()
    third = api.get("/api/v1/techniques?sort=newest&page_size=2&page=3").json()
    assert first["count"] == second["count"] == third["count"] == 5
    expected = [catalogue[key].pk for key in ORDERS["newest"]]
    assert [i["id"] for i in first["items"]] == expected[:2]
    assert [i["id"] for i in second["items"]] == expected[2:4]
    assert [i["id"] for i in third["items"]] == expected[4:]
    beyond = api.get("/api/v1/techniques?sort=newest&page_size=2&page=4").json()
    assert beyond == {"count": 5, "items": []}
