"""Fixtures for the discussion tests: rooms, private threads, technique pages, signed-in sockets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from community import discussion_services as services
from community.models import TechniqueIndexPage, TechniquePage
from taxonomy.models import SalesStage
from tests.factories import make_user


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A new in-memory layer per test: its queues belong to the event loop that used them."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def room(db, manager):
    return services.thread_create_room(title="deal-desk", topic="Deal strategy, live.", created_by=manager)


@pytest.fixture
def coach_thread(db, mentor, newhire):
    return services.thread_create_private(title="Coaching: Nina and Sofia", members=[mentor, newhire])


@pytest.fixture
def outsider(db):
    return make_user("outsider", roles=("rainmaker",), display_name="Olu Outsider")


@pytest.fixture
def make_technique(db):
    def make(*, author, live: bool = True, title: str = "Mutual action plan in the first call") -> TechniquePage:
        # Transactional tests flush the rows that migrations created (Wagtail's root page,
        # the default sales stages): make what is missing.
        from wagtail.coreutils import get_supported_content_language_variant
        from wagtail.models import Locale, Page

        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        stage = SalesStage.objects.order_by("sort_order").first()
        if stage is None:
            stage = SalesStage.objects.create(name="Discovery", slug="discovery", sort_order=2)
        index = TechniqueIndexPage.objects.first()
        if index is None:
            index = root.add_child(instance=TechniqueIndexPage(title="Techniques", slug="techniques"))
        page = TechniquePage(
            title=title,
            slug=title.lower().replace(" ", "-")[:50],
            summary="Agree the path to signature with the economic buyer on day one.",
            author=author,
            stage=stage,
            body=[],
            live=live,
        )
        index.add_child(instance=page)
        if not live:
            page.live = False
            page.save(update_fields=["live"])
        return page

    return make


def session_cookie(user) -> str:
    """A signed-in session's cookie (in a worker thread: callers may be inside an event loop)."""

    def login() -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(login).result()


def communicator(
    thread_id: int, *, user=None, cookie: str | None = None, origin: str = "http://testserver"
) -> WebsocketCommunicator:
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if user is not None:
        cookie = session_cookie(user)
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, f"/ws/threads/{thread_id}/", headers=headers)


def bell(user) -> WebsocketCommunicator:
    """The notification bell's socket of a signed-in page."""
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    headers.append((b"cookie", f"sessionid={session_cookie(user)}".encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def receive(comm: WebsocketCommunicator, *types: str, timeout: float = 3) -> dict:
    """The next frame of one of `types`, skipping presence and typing hints unless asked for."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if not types or frame["type"] in types:
            return frame
        if frame["type"] in ("presence", "typing", "pong", "read", "replayed"):
            continue
        raise AssertionError(f"expected {types}, got {frame}")


async def nothing_but_hints(comm: WebsocketCommunicator, timeout: float = 0.3) -> list[dict]:
    """Drain what arrives within `timeout`; fail on anything but presence/typing frames."""
    frames = []
    while not await comm.receive_nothing(timeout=timeout):
        frame = await comm.receive_json_from(timeout=1)
        assert frame["type"] in ("presence", "typing"), frame
        frames.append(frame)
    return frames


async def join(comm: WebsocketCommunicator, last_seq: int | None = None) -> dict:
    connected, _ = await comm.connect()
    assert connected
    hello = {"type": "hello", "v": 1}
    if last_seq is not None:
        hello["last_seq"] = last_seq
    await comm.send_json_to(hello)
    frame = await receive(comm, "hello")
    return frame
