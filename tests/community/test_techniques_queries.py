"""Pages and API calls run a constant number of SQL queries, however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import TechniqueReview
from community.techniques import services, stats
from taxonomy.models import BuyerPersona, SkillTag
from tests.community.techniques_helpers import (  # noqa: F401
    browser,
    clean_outcome_settings_cache,
    deal,
    draft,
    practices,
    published,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def grow(author, count: int, reps: list) -> list:
    """`count` techniques with tags, reviews, deals and practices by several reps."""
    personas = list(BuyerPersona.objects.all()[:3])
    skills = list(SkillTag.objects.all()[:3])
    pages = []
    for i in range(count):
        t = published(author, title=f"Technique {i}")
        t.personas = personas
        t.skills = skills
        t.save()
        for rep in reps:
            practices(rep, t, successes=2, failures=1, persona=personas[i % 3], deal=deal(rep))
            if rep.is_rainmaker and rep != author:
                TechniqueReview.objects.create(technique=t, reviewer=rep, verdict="endorse", comment="Good")
        pages.append(t)
    stats.recompute(None)
    return pages


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.fixture
def world(rainmaker, newhire):
    reps = [newhire, rainmaker]
    first = grow(rainmaker, 2, reps)
    return first, reps


def test_index_page_queries_do_not_grow(client_for, world, rainmaker):
    _first, reps = world
    page = browser(client_for, rainmaker)
    page.get("/techniques/")  # warm caches (content types, site root paths)
    small = count(lambda: page.get("/techniques/?sort=evidence"))
    more_reps = reps + [make_user(f"rep{i}", roles=("rainmaker",)) for i in range(3)]
    grow(rainmaker, 15, more_reps)
    large = count(lambda: page.get("/techniques/?sort=evidence"))
    assert large == small, (small, large)
    filtered = count(lambda: page.get("/techniques/?stage=discovery&persona=economic-buyer&sort=practised&page=2"))
    assert filtered <= small + 4  # the filter values are looked up


def test_technique_page_queries_do_not_grow(client_for, world, rainmaker, newhire):
    first, reps = world
    target = first[0]
    page = browser(client_for, newhire)
    page.get(target.url)
    small = count(lambda: page.get(target.url))
    more_reps = reps + [make_user(f"rep{i}", roles=("rainmaker",)) for i in range(4)]
    for rep in more_reps:
        practices(rep, target, successes=3, failures=2, deal=deal(rep))
        deal(newhire)
        if rep.is_rainmaker and rep != rainmaker:
            TechniqueReview.objects.get_or_create(technique=target, reviewer=rep, defaults={"verdict": "endorse"})
    grow(rainmaker, 5, more_reps)
    large = count(lambda: page.get(target.url))
    assert large == small, (small, large)


def test_api_list_queries_do_not_grow(api_for, world, rainmaker, newhire):
    api = api_for(newhire)
    api.get("/api/v1/techniques")
    small = count(lambda: api.get("/api/v1/techniques?page_size=100"))
    grow(rainmaker, 15, [newhire, rainmaker])
    large = count(lambda: api.get("/api/v1/techniques?page_size=100"))
    assert large == small, (small, large)
    assert api.get("/api/v1/techniques?page_size=100").json()["count"] == 17


def test_api_detail_my_practice_dashboard_and_moderation_do_not_grow(
    client_for, api_for, world, rainmaker, newhire, manager
):
    first, _reps = world
    api = api_for(newhire)
    me = browser(client_for, newhire)
    boss = browser(client_for, manager)
    services.technique_submit(author=rainmaker, draft=draft())
    paths = [
        (lambda: api.get(f"/api/v1/techniques/{first[0].pk}")),
        (lambda: me.get("/practice/")),
        (lambda: boss.get("/techniques/dashboard/")),
        (lambda: boss.get("/techniques/moderation/")),
        (lambda: me.get("/")),
    ]
    for fn in paths:
        fn()
    small = [count(fn) for fn in paths]
    grow(rainmaker, 8, [newhire, rainmaker, make_user("rep.x", roles=("rainmaker",))])
    for _ in range(3):
        services.technique_submit(author=rainmaker, draft=draft())
    large = [count(fn) for fn in paths]
    assert large == small, (small, large)


def test_a_mentor_reading_a_mentees_practice_runs_constant_queries(client_for, api_for, world, rainmaker, newhire):
    """The active-mentorship check is one query, however many mentorships and practices there are."""
    from mentoring.models import Mentorship

    mentor = make_user("coach", roles=("mentor",))
    Mentorship.objects.create(mentee=newhire, mentor=mentor, requested_by=newhire, status="active")
    page, api = browser(client_for, mentor), api_for(mentor)
    paths = [
        (lambda: page.get("/practice/newhire/")),
        (lambda: api.get("/api/v1/practices/summary?rep=newhire")),
        (lambda: api.get("/api/v1/practices?rep=newhire&page_size=100")),
    ]
    for fn in paths:
        fn()
    small = [count(fn) for fn in paths]
    grow(rainmaker, 4, [newhire])
    for i in range(5):
        mentee = make_user(f"mentee{i}")
        Mentorship.objects.create(mentee=mentee, mentor=mentor, requested_by=mentee, status="active")
        Mentorship.objects.create(mentee=newhire, mentor=make_user(f"m{i}", roles=("mentor",)), status="completed")
    assert [count(fn) for fn in paths] == small
