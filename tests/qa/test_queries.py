"""Pages and API calls run a constant number of queries, whatever the number of answers and rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from community.models import (
    Answer,
    AnswerCitation,
    Comment,
    Evidence,
    Question,
    TechniqueIndexPage,
    TechniquePage,
    Vote,
)
from community.qa import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _answers(q, n: int, people, techniques=()) -> None:
    """n answers, each with a comment and a vote, and (with `techniques`) one or two citations."""
    citations = []
    for i in range(n):
        author = people[i % len(people)]
        a = Answer.objects.create(question=q, author=author, body=f"Answer {i} with detail.", body_html="<p>x</p>")
        Comment.objects.create(post=a, author=people[(i + 1) % len(people)], body="Which stage?", body_html="<p>c</p>")
        Vote.objects.create(post=a, user=people[(i + 2) % len(people)], value=1)
        if techniques:
            cited = {techniques[i % len(techniques)], techniques[(i + 1) % len(techniques)]}
            citations += [AnswerCitation(answer=a, technique=t, position=p) for p, t in enumerate(cited)]
    AnswerCitation.objects.bulk_create(citations)
    Question.objects.filter(pk=q.pk).update(answer_count=n)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.fixture
def people(db):
    return [make_user(f"p{i}", roles=("rainmaker",)) for i in range(5)]


@pytest.fixture
def techniques(people, stage):
    """Seven published techniques with evidence, to cite."""
    root = Site.objects.get(is_default_site=True).root_page  # under the site, so techniques have urls
    index = root.add_child(instance=TechniqueIndexPage(title="Techniques", slug="techniques-queries"))
    out = []
    for i in range(7):
        out.append(
            index.add_child(
                instance=TechniquePage(
                    title=f"Technique number {i}",
                    slug=f"technique-{i}",
                    summary="A technique to cite.",
                    stage=stage,
                    author=people[i % len(people)],
                    body=[],
                    evidence=Evidence.PROVEN if i % 2 else Evidence.PROMISING,
                    uses_count=40 + i,
                    success_rate=0.5,
                )
            )
        )
    return out


def test_question_page_and_api_queries_do_not_grow_with_answers(pages, api_for, ask, newhire, people, techniques):
    """Every answer cites techniques, so the citations (and each technique's evidence and url) are counted."""
    small, large = ask(), ask(title="Another question about discounts")
    _answers(small, 1, people, techniques)
    _answers(large, 100, people, techniques)
    services.question_route(question=large)
    c = pages(newhire)
    api = api_for(newhire)
    # Warm caches (sessions, site root).
    c.get(f"/questions/{small.pk}/")
    c.get(f"/questions/{large.pk}/")
    n_small = _count(lambda: c.get(f"/questions/{small.pk}/"))
    n_large = _count(lambda: c.get(f"/questions/{large.pk}/"))
    assert n_large == n_small, (n_small, n_large)
    html = c.get(f"/questions/{large.pk}/").content.decode()
    assert html.count('class="card qa-post') == 101
    assert html.count('<div class="qa-citations">') == 100 and html.count('class="badge evidence--') == 200
    assert 'href="/techniques-queries/technique-0/"' in html
    api.get(f"/api/v1/questions/{small.pk}")
    a_small = _count(lambda: api.get(f"/api/v1/questions/{small.pk}"))
    a_large = _count(lambda: api.get(f"/api/v1/questions/{large.pk}"))
    assert a_large == a_small, (a_small, a_large)
    answers = api.get(f"/api/v1/questions/{large.pk}").json()["answers"]
    assert len(answers) == 100 and all(len(a["citations"]) == 2 for a in answers)
    assert {c["url"] for a in answers for c in a["citations"]} == {
        f"/techniques-queries/technique-{i}/" for i in range(7)
    }


def test_lists_run_a_constant_number_of_queries(pages, api_for, ask, newhire, people, skill):
    ask()
    c, api = pages(newhire), api_for(newhire)
    c.get("/questions/")
    small = _count(lambda: c.get("/questions/"))
    api_small = _count(lambda: api.get("/api/v1/questions"))
    for i in range(30):
        q = services.question_create(
            author=people[i % 5],
            title=f"Question number {i} about pricing",
            body="Body long enough to pass.",
            tags=[skill],
        )
        services.answer_create(question=q, author=people[(i + 1) % 5], body="An answer long enough.")
    large = _count(lambda: c.get("/questions/"))
    api_large = _count(lambda: api.get("/api/v1/questions"))
    assert large <= small, (small, large)
    assert api_large <= api_small, (api_small, api_large)
    for tab in ("unanswered", "mine", "asked", "following", "votes", "active"):
        assert c.get(f"/questions/?tab={tab}").status_code == 200
        assert api.get(f"/api/v1/questions?tab={tab}").status_code == 200


def test_home_and_profile_sections_are_constant(pages, ask, newhire, rainmaker, people, skill):
    rainmaker.expertise.add(skill)
    ask()
    c = pages(rainmaker)
    c.get("/")
    small_home = _count(lambda: c.get("/"))
    small_profile = _count(lambda: c.get("/people/rainmaker/"))
    for i in range(10):
        q = ask(author=people[i % 5], title=f"Unanswered question number {i}")
        services.answer_create(question=q, author=rainmaker, body="My answer, long enough.")
    assert _count(lambda: c.get("/")) == small_home
    assert _count(lambda: c.get("/people/rainmaker/")) == small_profile


def test_comment_controls_keep_the_question_page_constant(pages, ask, people, manager):
    """Edit, delete and hide/show controls come from the policy on rows already loaded: the
    comments' author and a manager see them at no extra query, with hidden comments among them."""
    small, large = ask(), ask(title="Another question about discounts")
    _answers(small, 1, people)
    _answers(large, 100, people)
    on_large = list(Comment.objects.filter(post__as_answer__question=large).values_list("pk", flat=True))
    Comment.objects.filter(pk__in=on_large[::3]).update(is_hidden=True)
    Comment.objects.filter(post__as_answer__question=small).update(is_hidden=True)
    for viewer in (people[1], manager):
        c = pages(viewer)
        c.get(f"/questions/{small.pk}/")
        c.get(f"/questions/{large.pk}/")
        n_small = _count(lambda c=c: c.get(f"/questions/{small.pk}/"))
        n_large = _count(lambda c=c: c.get(f"/questions/{large.pk}/"))
        assert n_large == n_small, (viewer.username, n_small, n_large)
    html = pages(manager).get(f"/questions/{large.pk}/").content.decode()
    assert html.count('action="/questions/comments/') == 100 and html.count('value="unhide"') == len(on_large[::3])
    html = pages(people[1]).get(f"/questions/{large.pk}/").content.decode()
    own = Comment.objects.filter(post__as_answer__question=large, author=people[1])
    assert html.count('/delete/"') == own.count() == 20
