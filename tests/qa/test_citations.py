"""Answers cite techniques; the technique's evidence label shows inline; techniques count for routing."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from community.models import Evidence, Reputation, TechniqueIndexPage, TechniquePage
from community.qa import reputation, routing, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def technique(stage, skill, rainmaker):
    root = Page.get_first_root_node()
    index = root.add_child(instance=TechniqueIndexPage(title="Techniques", slug="techniques-test"))
    tech = index.add_child(
        instance=TechniquePage(
            title="Trade, don't give",
            slug="trade-dont-give",
            summary="Every concession buys something back.",
            stage=stage,
            author=rainmaker,
            body=[],
            evidence=Evidence.PROVEN,
            uses_count=120,
            success_rate=0.62,
        )
    )
    tech.skills.add(skill)
    tech.save()
    return tech


def test_answers_cite_techniques_with_their_evidence(api_for, pages, ask, mentor, newhire, technique):
    q = ask()
    r = api_for(mentor).post(
        f"/api/v1/questions/{q.pk}/answers",
        {"body": "Use the trade list: term, upfront, case study.", "technique_ids": [technique.pk]},
    )
    assert r.status_code == 201, r.content
    cite = r.json()["citations"][0]
    assert cite["title"] == "Trade, don't give"
    assert (cite["evidence"], cite["evidence_label"], cite["uses_count"]) == ("proven", "Proven", 120)
    html = pages(newhire).get(f"/questions/{q.pk}/").content.decode()
    assert "evidence--proven" in html and "62% success, n=120" in html
    # The page form offers live techniques.
    assert "Cite techniques" in html


def test_unpublished_techniques_cannot_be_cited(api_for, ask, mentor, technique):
    technique.unpublish()
    q = ask()
    r = api_for(mentor).post(
        f"/api/v1/questions/{q.pk}/answers", {"body": "Use the trade list, always.", "technique_ids": [technique.pk]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "technique_ids"


def test_techniques_route_questions_and_earn_reputation(ask, rainmaker, technique, stage):
    from community.models import Question

    q = Question.objects.create(author=None, title="A negotiation question", body="Body text", stage=stage)
    matches = routing.rank_answerers(q)
    assert matches[0].user_id == rainmaker.pk and "1 matching technique" in matches[0].reasons[0]
    reputation.recompute_all()
    assert Reputation.objects.get(user=rainmaker).points == reputation.POINTS["tech_proven"]
    assert services  # imported for the fixture chain


def test_several_techniques_count_once_per_person_and_up_to_the_cap(ask, rainmaker, technique, stage, skill):
    """The count is per author (one reason, "3 matching techniques"), and at most 5 count."""
    from community.models import Question

    for i in range(6):
        more = technique.get_parent().add_child(
            instance=TechniquePage(
                title=f"Trade number {i}", slug=f"trade-{i}", summary="s", stage=stage, author=rainmaker, body=[]
            )
        )
        more.save_revision().publish()
    q = Question.objects.create(author=None, title="A negotiation question", body="Body text", stage=stage)
    match = next(m for m in routing.rank_answerers(q) if m.user_id == rainmaker.pk)
    assert [r for r in match.reasons if "technique" in r] == ["7 matching techniques"]
    assert match.score == 2 * 5
