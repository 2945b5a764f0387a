"""Mentoring wired to the rest of the product: the private coaching thread and Q&A signals."""

from contextlib import contextmanager

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from community.discussion_services import message_post
from community.models import ThreadMember
from community.qa import services as qa_services
from mentoring import providers, services
from search import selectors as search_selectors
from search.services import _ProcessAfterCommit
from taxonomy.models import SalesStage, SkillTag
from tests.community.conftest import communicator
from tests.factories import make_user
from tests.mentoring.helpers import active_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    return active_pair()


def members(thread) -> set[str]:
    return set(ThreadMember.objects.filter(thread=thread).values_list("user__username", flat=True))


def test_accepting_opens_a_private_coaching_thread_for_the_pair(pair):
    assert pair.thread is not None and pair.thread.is_private
    assert members(pair.thread) == {"sofia", "nina"} | ({"boss"} if pair.m.manager_access else set())


def test_manager_access_follows_the_mentees_choice(pair):
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
    assert "boss" in members(pair.thread)
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=False)
    assert members(pair.thread) == {"sofia", "nina"}


def test_outsiders_cannot_open_or_find_the_coaching_thread(pair, client_for, api_for, indexed):
    with indexed():  # indexed for search, so "not found" below means refused, not missing
        services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=False)
        message_post(
            thread=pair.thread, author=pair.mentee, body="My pricing call went sideways: zebracorn", client_id="c1"
        )
    assert search_selectors.search(user=pair.mentor, text="zebracorn").total == 1
    outsider = make_user("olivia", roles=("rainmaker",))
    thread_url = f"/discussions/{pair.thread.pk}/"
    assert client_for(pair.mentee).get(thread_url).status_code == 200
    for user in (outsider, pair.boss):  # not even the manager once the mentee said no
        assert client_for(user).get(thread_url).status_code in (403, 404)
        assert api_for(user).get(f"/api/v1/threads/{pair.thread.pk}/messages").status_code in (403, 404)
        assert client_for(user).get(f"/mentoring/mentorships/{pair.m.pk}/").status_code in (403, 404)
        assert search_selectors.search(user=user, text="zebracorn").total == 0
    page = client_for(pair.mentor).get(f"/mentoring/mentorships/{pair.m.pk}/").content.decode()
    assert "zebracorn" in page and 'id="discussion"' in page


@pytest.mark.django_db(transaction=True)
def test_outsiders_cannot_join_the_coaching_thread_over_websocket(pair):
    outsider = make_user("olivia", roles=("rainmaker",))

    async def scenario():
        comm = communicator(pair.thread.pk, user=outsider)
        await comm.connect()
        error = await comm.receive_json_from()
        assert error["type"] == "error" and error["code"] == "forbidden"
        assert (await comm.receive_output())["code"] == 4403
        await comm.disconnect()

    async_to_sync(scenario)()


def test_providers_read_questions_and_accepted_answers(pair):
    stage = SalesStage.objects.get(slug="discovery")
    tag = SkillTag.objects.get(name="Discovery questioning")
    question = qa_services.question_create(
        author=pair.mentee,
        title="How do I get to budget on a first call?",
        body="The CFO dodges every budget question on first calls. What do you ask instead?",
        stage=stage,
        tags=[tag],
    )
    answer = qa_services.answer_create(
        question=question, author=pair.mentor, body="Ask what happens to the business if nothing changes this year."
    )
    qa_services.answer_accept(answer=answer, user=pair.mentee)
    asked = providers.questions_asked([pair.mentee.pk], limit=3)[pair.mentee.pk]
    assert [q.title for q in asked] == ["How do I get to budget on a first call?"]
    assert asked[0].accepted and asked[0].url == f"/questions/{question.pk}/"
    evidence = providers.answer_evidence([pair.mentor.pk])
    assert len(evidence) == 1 and evidence[0].stage_id == stage.pk and tag.pk in evidence[0].skill_ids


def test_mentorship_api_names_the_coaching_thread_for_those_who_may_read_it(pair, api_for):
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=False)
    url = f"/api/v1/mentoring/mentorships/{pair.m.pk}"
    for member in (pair.mentee, pair.mentor):
        assert api_for(member).get(url).json()["thread_id"] == pair.thread.pk
    posted = api_for(pair.mentee).post(
        f"/api/v1/threads/{pair.thread.pk}/messages", {"body": "Call recap inside", "client_id": "t1"}
    )
    assert posted.status_code == 201
    # A manager without the mentee's consent sees the pairing, not where its thread is...
    assert api_for(pair.boss).get(url).json()["thread_id"] is None
    assert api_for(pair.boss).get(f"/api/v1/threads/{pair.thread.pk}/messages").status_code in (403, 404)
    # ...and with it, both.
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
    assert api_for(pair.boss).get(url).json()["thread_id"] == pair.thread.pk
    assert api_for(pair.boss).get(f"/api/v1/threads/{pair.thread.pk}/messages").status_code == 200


def test_coaching_thread_follows_the_mentees_manager_when_it_changes(pair):
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
    assert "boss" in members(pair.thread)
    new_boss = make_user("new_boss", roles=("manager",))
    pair.mentee.manager = new_boss
    pair.mentee.save()
    assert members(pair.thread) == {"sofia", "nina", "new_boss"}
    # Saves of other fields leave the thread alone (and cost no query on the mentorships).
    pair.mentee.save(update_fields=["last_login"])
    assert members(pair.thread) == {"sofia", "nina", "new_boss"}


def test_the_coaching_thread_page_links_back_to_its_mentorship(pair, client_for):
    page = client_for(pair.mentor).get(f"/discussions/{pair.thread.pk}/").content.decode()
    # The heading already names the pair, so the link says where it goes instead of repeating them.
    link = f'<a href="/mentoring/mentorships/{pair.m.pk}/">open the mentorship</a>'
    assert link in page


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """`with indexed(): ...` runs the search outbox for what the block changes (the test's
    transaction never commits; see tests/search/test_integration.py's run_after_commit)."""

    @contextmanager
    def run():
        for _, callback, _ in transaction.get_connection().run_on_commit:
            if isinstance(callback, _ProcessAfterCommit):
                callback.done = True
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run


def test_search_finds_the_coaching_thread_only_for_who_may_read_it(pair, indexed):
    def found(user) -> int:
        return search_selectors.search(user=user, text="quokkaflux").total

    outsider = make_user("olivia", roles=("rainmaker",))
    with indexed():
        services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
        message_post(thread=pair.thread, author=pair.mentee, body="Pricing call recap: quokkaflux", client_id="s1")
    assert (found(pair.mentee), found(pair.mentor), found(pair.boss), found(outsider)) == (1, 1, 1, 0)
    with indexed():
        services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=False)
    assert (found(pair.mentee), found(pair.boss)) == (1, 0)
    # Same when the mentee moves to another manager: the old one loses it, the new one gains it.
    new_boss = make_user("new_boss", roles=("manager",))
    with indexed():
        services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
        pair.mentee.manager = new_boss
        pair.mentee.save()
    assert (found(pair.boss), found(new_boss), found(outsider)) == (0, 1, 0)


def test_the_mentees_manager_cannot_change_who_is_in_the_coaching_thread(pair, api_for, client_for):
    """The boss is a member (the mentee agreed) and a manager, yet the thread's members follow the
    mentorship: adding an outsider or removing the mentor is refused over the API and the page
    offers no way to do it."""
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=True)
    make_user("olivia", roles=("rainmaker",))
    url = f"/api/v1/threads/{pair.thread.pk}/members"
    api = api_for(pair.boss)
    added = api.post(url, {"username": "olivia"})
    assert added.status_code == 409 and "membership follows the mentorship" in added.json()["detail"]
    removed = api.delete(f"{url}/sofia")
    assert removed.status_code == 409 and "membership follows the mentorship" in removed.json()["detail"]
    assert members(pair.thread) == {"sofia", "nina", "boss"}
    page = client_for(pair.boss).get(f"/discussions/{pair.thread.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Its members follow the mentorship" in html
    assert "/members" not in html  # no add or remove control anywhere on the page
    # Nor can the boss take the mentor's words out of the thread, over the API or the page.
    message, _ = message_post(thread=pair.thread, author=pair.mentor, body="Call notes", client_id="n1")
    assert api.delete(f"/api/v1/threads/{pair.thread.pk}/messages/{message.pk}").status_code == 403
    delete_page = f"/discussions/{pair.thread.pk}/messages/{message.pk}/delete/"
    boss = client_for(pair.boss)
    assert delete_page not in boss.get(f"/discussions/{pair.thread.pk}/").content.decode()
    assert boss.get(delete_page).status_code == 403
    assert boss.post(delete_page, {"csrfmiddlewaretoken": boss.cookies["csrftoken"].value}).status_code == 403
    message.refresh_from_db()
    assert message.deleted_at is None
    # The mentorship stays the one writer: the mentee withdrawing consent removes the boss.
    services.mentorship_set_manager_access(mentorship=pair.m, by=pair.mentee, allowed=False)
    assert members(pair.thread) == {"sofia", "nina"}
