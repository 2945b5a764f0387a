"""The bell over `/ws/notifications/` (the same ASGI stack as the threads: origin check, session
auth) and the weekly digest, which the notification preferences offer beside the daily one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import Client

from notifications.models import Notification
from notifications.services import notify, preferences_set
from notifications.tasks import send_digests

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _cookie(user) -> str:
    def login() -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(login).result()


def _socket(user=None, origin: str = "http://testserver") -> WebsocketCommunicator:
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if user is not None:
        headers.append((b"cookie", f"sessionid={_cookie(user)}".encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def test_the_bell_hears_a_new_notification_live(newhire, rainmaker):
    """An answer to your question reaches your open pages over the socket after the commit."""

    async def scenario():
        mine, theirs = _socket(newhire), _socket(rainmaker)
        try:
            assert (await mine.connect())[0] and (await theirs.connect())[0]
            await database_sync_to_async(notify)(
                recipient=newhire, kind="qa.answer", title="Marcus answered: CFO wants 30% off", url="/questions/1/"
            )
            frame = await mine.receive_json_from(timeout=3)
            stored = await database_sync_to_async(Notification.objects.get)()
            assert frame["type"] == "notification" and frame["id"] == stored.pk
            assert (frame["kind"], frame["title"], frame["url"]) == (
                "qa.answer",
                "Marcus answered: CFO wants 30% off",
                "/questions/1/",
            )
            assert await theirs.receive_nothing(timeout=0.3)  # only the recipient hears it
        finally:
            await mine.disconnect()
            await theirs.disconnect()

    async_to_sync(scenario)()


def test_the_bell_refuses_strangers_and_foreign_origins(newhire):
    async def scenario():
        anon = _socket()
        connected, code = await anon.connect()
        assert connected is False and code == 4401
        await anon.disconnect()
        foreign = _socket(newhire, origin="https://evil.example.com")
        assert (await foreign.connect())[0] is False
        await foreign.disconnect()

    async_to_sync(scenario)()


def test_the_bell_answers_malformed_frames_with_an_error_and_stays_usable(newhire):
    """Text that is not JSON, binary frames, oversized or unknown frames: an error frame each, and
    the socket still delivers the next notification (it used to raise on a non-JSON frame)."""

    async def scenario():
        bell = _socket(newhire)
        try:
            assert (await bell.connect())[0]
            cases = [
                ({"text_data": "this is not json"}, "malformed"),
                ({"text_data": "{"}, "malformed"),
                ({"bytes_data": b"\x00\x01\x02"}, "malformed"),
                ({"text_data": "x" * 10_000}, "frame_too_large"),
                ({"text_data": '{"type": "subscribe"}'}, "unknown_type"),
                ({"text_data": "[1, 2]"}, "unknown_type"),
            ]
            for frame, code in cases:
                await bell.send_to(**frame)
                error = await bell.receive_json_from(timeout=3)
                assert error["type"] == "error" and error["code"] == code and error["detail"], (frame, error)
            await bell.send_json_to({"type": "ping"})
            assert await bell.receive_json_from(timeout=3) == {"type": "pong"}
            await database_sync_to_async(notify)(recipient=newhire, kind="qa.answer", title="Still listening")
            frame = await bell.receive_json_from(timeout=3)
            assert frame["type"] == "notification" and frame["title"] == "Still listening"
        finally:
            await bell.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=False)
def test_weekly_digest_gathers_what_a_person_set_to_weekly(newhire, django_capture_on_commit_callbacks):
    preferences_set(user=newhire, deliveries={"qa.followed": "weekly"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=newhire, kind="qa.followed", title="New question: procurement wants 20% off")
        notify(recipient=newhire, kind="qa.comment", title="A comment on your answer")  # daily by default
    assert mail.outbox == []
    assert send_digests("weekly") == 1
    assert len(mail.outbox) == 1 and "weekly digest: 1 update" in mail.outbox[0].subject
    assert "procurement wants 20% off" in mail.outbox[0].body
    assert "A comment on your answer" not in mail.outbox[0].body
    assert send_digests("weekly") == 0  # once per week
    assert send_digests("daily") == 1 and "A comment on your answer" in mail.outbox[1].body
