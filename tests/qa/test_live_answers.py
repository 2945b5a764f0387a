"""New answers reach a question page that is open: `/ws/questions/<id>/` says one arrived and
`GET /questions/<id>/answers/?after=<id>` renders the ones the page lacks, for its reader."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import HiddenReason, Post
from community.qa import services
from tests.community.conftest import session_cookie
from tests.factories import make_user

BODY = "Anchor on the value case first, then trade the discount for a longer term."


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def socket(question_id: int, user=None) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    if user is not None:
        headers.append((b"cookie", f"sessionid={session_cookie(user)}".encode()))
    return WebsocketCommunicator(application, f"/ws/questions/{question_id}/", headers=headers)


# --- The fragment ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_answers_lists_only_answers_after_the_given_id(pages, ask, newhire, rainmaker, mentor):
    q = ask()
    first = services.answer_create(question=q, author=rainmaker, body=BODY)
    second = services.answer_create(question=q, author=mentor, body=BODY + " Works at negotiation.")
    c = pages(newhire)
    html = c.get(f"/questions/{q.pk}/answers/", {"after": first.pk}).content.decode()
    assert f'id="post-{second.pk}"' in html and f'id="post-{first.pk}"' not in html
    # Rendered for the reader: the asker may accept, and vote.
    assert "Accept this answer" in html and f'data-vote data-post="{second.pk}"' in html
    both = c.get(f"/questions/{q.pk}/answers/?after=0").content.decode()
    assert both.index(f"post-{first.pk}") < both.index(f"post-{second.pk}")  # oldest first
    response = c.get(f"/questions/{q.pk}/answers/?after=nonsense")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_new_answers_hides_what_the_reader_may_not_see(pages, ask, newhire, rainmaker):
    q = ask()
    answer = services.answer_create(question=q, author=rainmaker, body=BODY)
    Post.objects.filter(pk=answer.pk).update(hidden_reason=HiddenReason.MODERATOR)
    stranger = make_user("stranger", roles=("rainmaker",))
    assert f"post-{answer.pk}" not in pages(stranger).get(f"/questions/{q.pk}/answers/").content.decode()
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)
    assert pages(stranger).get(f"/questions/{q.pk}/answers/").status_code == 404
    assert pages(newhire).get(f"/questions/{q.pk}/answers/").status_code == 200  # the asker still can


@pytest.mark.django_db
def test_new_answers_needs_a_signed_in_member_and_a_get(client, pages, ask, newhire):
    q = ask()
    assert client.get(f"/questions/{q.pk}/answers/").status_code == 302
    assert pages(newhire).post(f"/questions/{q.pk}/answers/").status_code == 405
    assert pages(newhire).get("/questions/999999/answers/").status_code == 404


@pytest.mark.django_db
def test_new_answers_runs_a_constant_number_of_queries(pages, ask, newhire):
    q = ask()
    people = [make_user(f"a{i}", roles=("rainmaker",)) for i in range(6)]
    c = pages(newhire)
    c.get(f"/questions/{q.pk}/answers/")
    services.answer_create(question=q, author=people[0], body=BODY)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            c.get(f"/questions/{q.pk}/answers/?after=0")
        return len(ctx.captured_queries)

    one = count()
    for person in people[1:]:
        services.answer_create(question=q, author=person, body=BODY)
    assert count() == one


@pytest.mark.django_db
def test_question_page_marks_where_live_answers_go(pages, ask, newhire, rainmaker):
    q = ask()
    html = pages(newhire).get(f"/questions/{q.pk}/").content.decode()
    assert f'data-answers="{q.pk}" data-last-answer="0"' in html and "data-answers-empty" in html
    answer = services.answer_create(question=q, author=rainmaker, body=BODY)
    html = pages(newhire).get(f"/questions/{q.pk}/").content.decode()
    assert f'data-last-answer="{answer.pk}"' in html and "data-answers-empty" not in html


# --- The socket -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_open_pages_hear_of_a_new_answer_after_commit(ask, newhire, rainmaker):
    q = ask()

    async def scenario():
        watcher = socket(q.pk, newhire)
        try:
            connected, _ = await watcher.connect()
            assert connected
            answer = await database_sync_to_async(services.answer_create)(question=q, author=rainmaker, body=BODY)
            assert await watcher.receive_json_from(timeout=3) == {"type": "answer", "id": answer.pk}
            await watcher.send_to(text_data="hello?")
            assert (await watcher.receive_json_from(timeout=3))["type"] == "error"
        finally:
            await watcher.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_the_socket_refuses_strangers_and_hidden_questions(ask, newhire, rainmaker):
    q = ask()
    Post.objects.filter(pk=q.pk).update(hidden_reason=HiddenReason.MODERATOR)

    async def scenario():
        for comm, code in (
            (socket(q.pk), 4401),  # not signed in
            (socket(q.pk, rainmaker), 4404),  # hidden from them
            (socket(987654, newhire), 4404),  # no such question
        ):
            connected, close_code = await comm.connect()
            assert (connected, close_code) == (False, code)
        author = socket(q.pk, newhire)  # the asker still sees their hidden question
        try:
            connected, _ = await author.connect()
            assert connected
        finally:
            await author.disconnect()

    async_to_sync(scenario)()
