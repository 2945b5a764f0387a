"""Notification preferences and the taxonomy over the API."""

from __future__ import annotations

import pytest

from notifications.kinds import KINDS
from notifications.models import NotificationPreference
from taxonomy.models import SalesStage

pytestmark = pytest.mark.django_db


def test_preferences_list_every_kind_with_its_default(api_for, newhire):
    body = api_for(newhire).get("/api/v1/notifications/preferences").json()
    assert [i["kind"] for i in body["items"]] == list(KINDS)
    mention = next(i for i in body["items"] if i["kind"] == "mention")
    assert mention["delivery"] == mention["default"] == "immediate"
    assert {d["value"] for d in body["deliveries"]} == {"immediate", "daily", "weekly", "off"}


def test_put_preferences_changes_only_the_kinds_sent(api_for, newhire):
    api = api_for(newhire)
    r = api.put("/api/v1/notifications/preferences", {"preferences": {"qa.answer": "weekly", "mention": "off"}})
    assert r.status_code == 200, r.content
    got = {i["kind"]: i["delivery"] for i in r.json()["items"]}
    assert got["qa.answer"] == "weekly" and got["mention"] == "off" and got["qa.comment"] == "daily"
    assert NotificationPreference.objects.filter(user=newhire).count() == 2


@pytest.mark.parametrize(
    "prefs", [{"qa.answer": "hourly"}, {"no.such.kind": "off"}, {"mention": "off", "qa.answer": "sometimes"}]
)
def test_bad_preferences_are_422_and_nothing_changes(api_for, newhire, prefs):
    r = api_for(newhire).put("/api/v1/notifications/preferences", {"preferences": prefs})
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"].startswith("preferences.")
    assert not NotificationPreference.objects.filter(user=newhire).exists()


def test_preferences_are_personal(api_for, newhire, rainmaker):
    api_for(rainmaker).put("/api/v1/notifications/preferences", {"preferences": {"mention": "off"}})
    mine = api_for(newhire).get("/api/v1/notifications/preferences").json()
    assert next(i for i in mine["items"] if i["kind"] == "mention")["delivery"] == "immediate"


def test_notifications_list_documents_and_answers_401(anon):
    r = anon.get("/api/v1/notifications")
    assert r.status_code == 401 and "detail" in r.json()


def test_taxonomy_lists_active_terms_in_order(api_for, newhire):
    retired = SalesStage.objects.create(name="Legacy renewal", sort_order=99, is_active=False)
    api = api_for(newhire)
    body = api.get("/api/v1/taxonomy").json()
    assert set(body) == {"stages", "personas", "industries", "skills"}
    slugs = [s["slug"] for s in body["stages"]]
    assert slugs[:2] == ["prospecting", "discovery"] and retired.slug not in slugs
    assert retired.slug in [s["slug"] for s in api.get("/api/v1/taxonomy?include_retired=true").json()["stages"]]
    assert api.get("/api/v1/taxonomy?include_retired=maybe").status_code == 422
