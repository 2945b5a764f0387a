"""The thread WebSocket (protocol v1) with Channels' WebsocketCommunicator, through the real
ASGI stack (origin check, session auth, URL routing). Every test disconnects its sockets."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from community import discussion_services as services
from community.models import Message

from .conftest import bell, communicator, join, nothing_but_hints, receive

pytestmark = pytest.mark.django_db(transaction=True)

post = database_sync_to_async(services.message_post)


def run(scenario):
    async_to_sync(scenario)()


def test_send_and_receive_with_ack(room, newhire, rainmaker):
    """A message is saved, acked to the sender with its stored id and seq, and reaches the other."""

    async def scenario():
        a, b = communicator(room.pk, user=newhire), communicator(room.pk, user=rainmaker)
        try:
            hello = await join(a, last_seq=0)
            assert hello["v"] == 1 and hello["thread"]["id"] == room.pk and hello["user"]["username"] == "newhire"
            assert (await receive(a, "replayed"))["last_seq"] == 0
            await join(b, last_seq=0)
            await receive(b, "replayed")
            await a.send_json_to({"type": "message", "client_id": "c-1", "body": "Who owns **procurement** at Acme?"})
            ack = await receive(a, "ack")
            stored = await database_sync_to_async(Message.objects.get)(client_id="c-1")
            assert (ack["id"], ack["seq"], ack["updated_seq"], ack["duplicate"]) == (stored.pk, 1, 1, False)
            assert ack["client_id"] == "c-1" and "<strong>procurement</strong>" in ack["message"]["body_html"]
            frame = await receive(b, "message")
            assert frame["message"]["id"] == stored.pk and frame["message"]["author"]["username"] == "newhire"
            assert frame["message"]["seq"] == 1
            await nothing_but_hints(a)  # the sender gets the ack, not a second copy
        finally:
            await a.disconnect()
            await b.disconnect()

    run(scenario)


def test_resume_after_disconnect_replays_each_missed_change_once_in_order(room, newhire, rainmaker):
    async def scenario():
        a = communicator(room.pk, user=newhire)
        try:
            await join(a, last_seq=0)
            await receive(a, "replayed")
            for i in (1, 2):
                await a.send_json_to({"type": "message", "client_id": f"a-{i}", "body": f"Note {i}"})
                assert (await receive(a, "ack"))["seq"] == i
        finally:
            await a.disconnect()
        # While newhire is away: three messages, and an edit of one she already has.
        first = await database_sync_to_async(Message.objects.get)(client_id="a-1")
        for i in (3, 4, 5):
            await post(thread=room, author=rainmaker, body=f"Reply {i}")
        await database_sync_to_async(services.message_edit)(message=first, user=newhire, body="Note 1 (fixed)")  # seq 6
        a = communicator(room.pk, user=newhire)
        try:
            await join(a, last_seq=2)
            frames = [await receive(a, "message", "edit") for _ in range(4)]
            assert [(f["type"], f["message"]["updated_seq"]) for f in frames] == [
                ("message", 3),
                ("message", 4),
                ("message", 5),
                ("edit", 6),
            ]
            assert frames[3]["message"]["body"] == "Note 1 (fixed)" and frames[3]["message"]["edited_at"]
            assert (await receive(a, "replayed")) == {"type": "replayed", "v": 1, "last_seq": 6, "count": 4}
            # Live again: the next message arrives once, and nothing is repeated.
            await post(thread=room, author=rainmaker, body="Welcome back")
            live = await receive(a, "message")
            assert live["message"]["seq"] == 7 and "replay" not in live
            await nothing_but_hints(a)
        finally:
            await a.disconnect()

    run(scenario)


def test_resume_frame_on_a_live_connection_and_resync_when_the_gap_is_too_large(settings, room, newhire, rainmaker):
    settings.DISCUSSION_LIMITS = {"replay_max": 3}

    async def scenario():
        for i in range(5):
            await post(thread=room, author=rainmaker, body=f"Pipeline update {i}")
        a = communicator(room.pk, user=newhire)
        try:
            await join(a, last_seq=0)
            resync = await receive(a, "resync")
            assert resync["last_seq"] == 5 and resync["history_url"].startswith(f"/api/v1/threads/{room.pk}/messages")
            # hello → resync → replayed, as the protocol document says (then live frames).
            assert (await receive(a, "replayed")) == {"type": "replayed", "v": 1, "last_seq": 5, "count": 0}
            await a.send_json_to({"type": "resume", "last_seq": 3})
            frames = [await receive(a, "message") for _ in range(2)]
            assert [f["message"]["seq"] for f in frames] == [4, 5]
            assert (await receive(a, "replayed"))["last_seq"] == 5
            await a.send_json_to({"type": "resume", "last_seq": 99})  # ahead of the thread
            assert (await receive(a, "resync"))["last_seq"] == 5
            assert (await receive(a, "replayed")) == {"type": "replayed", "v": 1, "last_seq": 5, "count": 0}
            await post(thread=room, author=rainmaker, body="Live after the resync")
            assert (await receive(a, "message"))["message"]["seq"] == 6
        finally:
            await a.disconnect()

    run(scenario)


def test_duplicate_client_id_is_one_message(room, newhire, rainmaker):
    async def scenario():
        a, b = communicator(room.pk, user=newhire), communicator(room.pk, user=rainmaker)
        try:
            await join(a, last_seq=0)
            await join(b, last_seq=0)
            frame = {"type": "message", "client_id": "retry-7", "body": "Sending the MAP tonight."}
            await a.send_json_to(frame)
            first = await receive(a, "ack")
            await a.send_json_to(frame)  # the client did not see the ack and retried
            second = await receive(a, "ack")
            assert second["duplicate"] is True and second["id"] == first["id"] and second["seq"] == first["seq"]
            assert (await receive(b, "message"))["message"]["id"] == first["id"]
            await nothing_but_hints(b)
            assert await database_sync_to_async(Message.objects.filter(thread=room).count)() == 1
        finally:
            await a.disconnect()
            await b.disconnect()

    run(scenario)


def test_private_thread_refuses_non_members_and_the_signed_out(coach_thread, newhire, outsider, manager):
    async def scenario():
        for user in (outsider, manager):  # not even a manager reads a coaching thread uninvited
            comm = communicator(coach_thread.pk, user=user)
            await comm.connect()
            error = await comm.receive_json_from()
            assert error["type"] == "error" and error["code"] == "forbidden"
            assert (await comm.receive_output())["code"] == 4403
            await comm.disconnect()
        anonymous = communicator(coach_thread.pk)
        await anonymous.connect()
        assert (await anonymous.receive_json_from())["code"] == "unauthenticated"
        assert (await anonymous.receive_output())["code"] == 4401
        await anonymous.disconnect()
        missing = communicator(999999, user=newhire)
        await missing.connect()
        assert (await missing.receive_json_from())["code"] == "not_found"
        await missing.disconnect()
        member = communicator(coach_thread.pk, user=newhire)
        try:
            await join(member, last_seq=0)
        finally:
            await member.disconnect()

    run(scenario)


def test_foreign_origin_is_refused(room, newhire):
    async def scenario():
        comm = communicator(room.pk, user=newhire, origin="https://evil.example.com")
        connected, _ = await comm.connect()
        assert connected is False
        await comm.disconnect()

    run(scenario)


def test_removed_member_stops_receiving_at_once(coach_thread, mentor, newhire, manager):
    async def scenario():
        m, n = communicator(coach_thread.pk, user=mentor), communicator(coach_thread.pk, user=newhire)
        try:
            await join(m, last_seq=0)
            await join(n, last_seq=0)
            await database_sync_to_async(services.thread_remove_member)(thread=coach_thread, user=newhire)
            kicked = await receive(n, "error")
            assert kicked["code"] == "removed"
            assert (await n.receive_output())["code"] == 4403
            await m.send_json_to({"type": "message", "client_id": "m-1", "body": "Private note for the file."})
            await receive(m, "ack")
            assert await n.receive_nothing(timeout=0.3)
            again = communicator(coach_thread.pk, user=newhire)
            await again.connect()
            assert (await again.receive_json_from())["code"] == "forbidden"
            await again.disconnect()
        finally:
            await m.disconnect()
            await n.disconnect()

    run(scenario)


def _drop_the_kick(monkeypatch):
    """The channel layer is at-most-once: here the removal's kick frame never arrives."""
    from community.consumers import ThreadConsumer

    async def lost(self, event):
        return None

    monkeypatch.setattr(ThreadConsumer, "thread_kick", lost)


async def _closed_for_good(comm) -> None:
    """The connection says it lost access, closes with 4403, and sends nothing else."""
    error = await comm.receive_json_from(timeout=3)
    assert error["type"] == "error" and error["code"] == "removed", error
    assert (await comm.receive_output(timeout=3)) == {"type": "websocket.close", "code": 4403}
    assert await comm.receive_nothing(timeout=0.3)


def test_a_removed_member_whose_kick_was_lost_gets_no_further_private_event(monkeypatch, coach_thread, mentor, newhire):
    """The next event of the thread checks the membership first: nothing private is delivered."""
    _drop_the_kick(monkeypatch)

    async def scenario():
        m, n = communicator(coach_thread.pk, user=mentor), communicator(coach_thread.pk, user=newhire)
        try:
            await join(m, last_seq=0)
            await join(n, last_seq=0)
            await receive(n, "replayed")
            await nothing_but_hints(n)
            await database_sync_to_async(services.thread_remove_member)(thread=coach_thread, user=newhire)
            await m.send_json_to({"type": "message", "client_id": "m-1", "body": "Private note for the file."})
            await receive(m, "ack")
            await _closed_for_good(n)  # neither the presence update nor the message reached her
        finally:
            await m.disconnect()
            await n.disconnect()

    run(scenario)


@pytest.mark.parametrize(
    "frame",
    [{"type": "resume", "last_seq": 0}, {"type": "hello", "v": 1, "last_seq": 0}, {"type": "read"}, {"type": "typing"}],
    ids=["resume", "hello", "read", "typing"],
)
def test_a_removed_member_whose_kick_was_lost_is_closed_on_resume_read_and_typing(
    monkeypatch, coach_thread, mentor, newhire, frame
):
    """Every frame that reads or touches the thread asks the policy again, so a resume after the
    removal replays nothing (here every broadcast of the removal is lost, not only the kick)."""

    async def scenario():
        n = communicator(coach_thread.pk, user=newhire)
        try:
            await join(n, last_seq=0)
            await receive(n, "replayed")
            await nothing_but_hints(n)
            with monkeypatch.context() as lost:
                lost.setattr(services, "_group_send", lambda group, event: None)
                await database_sync_to_async(services.thread_remove_member)(thread=coach_thread, user=newhire)
                await post(thread=coach_thread, author=mentor, body="Said after she left")
            await n.send_json_to(frame)
            await _closed_for_good(n)
        finally:
            await n.disconnect()

    run(scenario)


@pytest.fixture
def worker_elsewhere(settings):
    """Tasks are queued for a worker process that never runs here (as in `make run`, where the
    worker's pushes reach only its own in-memory channel layer); records what was queued."""
    from django_tasks.signals import task_enqueued

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued: list[str] = []

    def record(sender, task_result, **kwargs):
        queued.append(task_result.task.module_path)

    task_enqueued.connect(record)
    yield queued
    task_enqueued.disconnect(record)


def test_a_mention_rings_the_bell_live_from_the_web_process(worker_elsewhere, coach_thread, mentor, newhire, rainmaker):
    """@mentions and a private thread's new-message notices are created by the process that
    took the message, after the commit, so the bell hears them even with a process-local
    channel layer; nothing is left for the worker."""

    async def scenario():
        nina_bell, marcus_bell = bell(newhire), bell(rainmaker)
        sofia = communicator(coach_thread.pk, user=mentor)
        try:
            assert (await nina_bell.connect())[0] and (await marcus_bell.connect())[0]
            await join(sofia, last_seq=0)
            await sofia.send_json_to({"type": "message", "client_id": "s-1", "body": "@newhire how did the call go?"})
            await receive(sofia, "ack")
            rung = await nina_bell.receive_json_from(timeout=3)
            assert rung["type"] == "notification" and rung["kind"] == "mention"
            assert rung["title"] == "Sofia Lindqvist mentioned you in Coaching: Nina and Sofia"
            assert await nina_bell.receive_nothing(timeout=0.3)  # the mention, not also a second notice
            # A mention of someone outside the private thread rings nothing.
            await sofia.send_json_to({"type": "message", "client_id": "s-2", "body": "Ask @rainmaker about it"})
            await receive(sofia, "ack")
            assert await marcus_bell.receive_nothing(timeout=0.5)
        finally:
            await nina_bell.disconnect()
            await marcus_bell.disconnect()
            await sofia.disconnect()

    run(scenario)
    assert "community.discussion_tasks.notify_message" not in worker_elsewhere


def test_rate_limit_answers_an_error_frame(settings, room, newhire):
    settings.DISCUSSION_LIMITS = {"messages_per_minute": 3}

    async def scenario():
        a = communicator(room.pk, user=newhire)
        try:
            await join(a, last_seq=0)
            for i in range(3):
                await a.send_json_to({"type": "message", "client_id": f"r-{i}", "body": f"Update {i}"})
                await receive(a, "ack")
            await a.send_json_to({"type": "message", "client_id": "r-3", "body": "One too many"})
            error = await receive(a, "error")
            assert error["code"] == "rate_limited" and error["ref"] == "r-3" and 1 <= error["retry_after"] <= 60
            assert "3 messages a minute" in error["detail"]
            # A retry of an accepted message is not a new message and is not limited.
            await a.send_json_to({"type": "message", "client_id": "r-0", "body": "Update 0"})
            assert (await receive(a, "ack"))["duplicate"] is True
        finally:
            await a.disconnect()

    run(scenario)


def test_oversized_and_malformed_frames_get_errors_and_the_connection_stays_usable(settings, room, newhire):
    settings.DISCUSSION_LIMITS = {"frame_bytes": 2048, "message_chars": 200}

    async def scenario():
        a = communicator(room.pk, user=newhire)
        try:
            await a.connect()
            await a.send_json_to({"type": "message", "body": "before hello"})
            assert (await receive(a, "error"))["code"] == "hello_required"
            await a.send_json_to({"type": "hello", "v": 1, "last_seq": 0})
            await receive(a, "hello")
            cases = [
                ("x" * 5000, "frame_too_large"),
                ("this is not json", "malformed"),
                ("[1, 2, 3]", "malformed"),
                ('{"no": "type"}', "unknown_type"),
                ('{"type": "shout"}', "unknown_type"),
                ('{"type": "message", "body": 42}', "invalid"),
                ('{"type": "message", "body": "   "}', "invalid"),
                ('{"type": "message", "body": "' + "y" * 300 + '", "client_id": "big"}', "too_large"),
                ('{"type": "message", "body": "hi", "client_id": "bad id with spaces"}', "invalid"),
                ('{"type": "message", "body": "hi", "reply_to": "abc"}', "invalid"),
                ('{"type": "message", "body": "hi", "reply_to": 123456}', "invalid"),
                ('{"type": "edit", "id": 123456, "body": "x"}', "not_found"),
                ('{"type": "resume", "last_seq": -4}', "invalid"),
                ('{"type": "resume"}', "invalid"),
            ]
            for text, code in cases:
                await a.send_to(text_data=text)
                error = await receive(a, "error")
                assert error["code"] == code, (text[:40], error)
            await a.send_to(bytes_data=b"\x00\x01")
            assert (await receive(a, "error"))["code"] == "malformed"
            # Still usable after all that.
            await a.send_json_to({"type": "ping"})
            assert (await receive(a, "pong"))["type"] == "pong"
            await a.send_json_to({"type": "message", "client_id": "ok-1", "body": "Still here"})
            assert (await receive(a, "ack"))["seq"] == 1
        finally:
            await a.disconnect()

    run(scenario)


def test_connections_per_user_are_limited(settings, room, newhire):
    settings.DISCUSSION_LIMITS = {"connections_per_user": 2}

    async def scenario():
        comms = [communicator(room.pk, user=newhire) for _ in range(3)]
        try:
            await join(comms[0])
            await join(comms[1])
            await comms[2].connect()
            error = await comms[2].receive_json_from()
            assert error["code"] == "too_many_connections"
            assert (await comms[2].receive_output())["code"] == 4429
        finally:
            for comm in comms:
                await comm.disconnect()
        again = communicator(room.pk, user=newhire)  # closing frees the slots
        try:
            await join(again)
        finally:
            await again.disconnect()

    run(scenario)


def test_edit_delete_reply_typing_presence_and_read(room, newhire, rainmaker):
    async def scenario():
        a, b = communicator(room.pk, user=newhire), communicator(room.pk, user=rainmaker)
        try:
            await join(a, last_seq=0)
            presence = await receive(a, "presence")
            assert [u["username"] for u in presence["users"]] == ["newhire"]
            await join(b, last_seq=0)
            presence = await receive(a, "presence")
            assert sorted(u["username"] for u in presence["users"]) == ["newhire", "rainmaker"]
            await b.send_json_to({"type": "message", "client_id": "q", "body": "Anyone seen @newhire's MAP?"})
            original = (await receive(b, "ack"))["message"]
            assert 'class="mention"' in original["body_html"]
            await receive(a, "message")
            await a.send_json_to({"type": "typing"})
            typing = await receive(b, "typing")
            assert typing["user"]["username"] == "newhire"
            await a.send_json_to({"type": "message", "client_id": "r", "body": "Attached.", "reply_to": original["id"]})
            reply = (await receive(a, "ack"))["message"]
            assert reply["reply_to"]["id"] == original["id"] and "MAP" in reply["reply_to"]["excerpt"]
            await receive(b, "message")
            await a.send_json_to({"type": "edit", "id": reply["id"], "body": "Attached, v2.", "ref": "e1"})
            ack = await receive(a, "ack")
            assert ack["ref"] == "e1" and ack["message"]["edited_at"] and ack["updated_seq"] == 3
            edited = await receive(b, "edit")
            assert edited["message"]["body"] == "Attached, v2."
            await b.send_json_to({"type": "edit", "id": reply["id"], "body": "hijack"})
            assert (await receive(b, "error"))["code"] == "forbidden"
            await a.send_json_to({"type": "delete", "id": reply["id"]})
            await receive(a, "ack")
            deleted = await receive(b, "delete")
            assert deleted["message"]["deleted"] is True and deleted["message"]["body"] == ""
            await a.send_json_to({"type": "read"})
            assert (await receive(a, "read"))["last_read_seq"] == 4
        finally:
            await a.disconnect()
            await b.disconnect()

    run(scenario)


def test_unsupported_protocol_version_is_refused(room, newhire):
    async def scenario():
        a = communicator(room.pk, user=newhire)
        try:
            await a.connect()
            await a.send_json_to({"type": "hello", "v": 2})
            assert (await receive(a, "error"))["code"] == "unsupported_version"
            assert (await a.receive_output())["code"] == 4400
        finally:
            await a.disconnect()

    run(scenario)


def test_joining_a_technique_discussion_follows_the_page_visibility(make_technique, rainmaker, newhire):
    draft = make_technique(author=rainmaker, live=False, title="Unpublished pricing play")
    thread = services.thread_for_object(draft)

    async def scenario():
        refused = communicator(thread.pk, user=newhire)
        await refused.connect()
        assert (await refused.receive_json_from())["code"] == "forbidden"
        await refused.disconnect()
        author = communicator(thread.pk, user=rainmaker)
        try:
            await join(author, last_seq=0)
        finally:
            await author.disconnect()

    run(scenario)


def test_joining_a_question_discussion_follows_the_question_visibility(newhire, rainmaker, manager):
    """A question hidden by a manager takes its discussion with it: others are refused at once."""
    from community.qa import services as qa

    question = qa.question_create(
        author=newhire,
        title="How do I answer procurement's 20% discount ask?",
        body="Procurement wants 20% off before signing; the champion says budget is there.",
        route=False,
    )
    thread = services.thread_for_object(question)
    qa.post_moderate(post=question, moderator=manager, action="hide")

    async def scenario():
        refused = communicator(thread.pk, user=rainmaker)
        await refused.connect()
        assert (await refused.receive_json_from())["code"] == "forbidden"
        await refused.disconnect()
        for allowed in (newhire, manager):  # the asker and managers still see it
            comm = communicator(thread.pk, user=allowed)
            try:
                await join(comm, last_seq=0)
            finally:
                await comm.disconnect()

    run(scenario)
