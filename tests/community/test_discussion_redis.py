"""Two real server processes (daphne, as `make run` serves) share a real redis-server through
channels-redis: people connected to different processes see each other's messages live.

The processes use the test database (PostgreSQL, committed data: transactional test) and the
redis-server the test run started; a WebSocket client library talks to them like browsers do
(session cookie, Origin header).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect

from tests.services import free_port

from .conftest import session_cookie

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_daphne(port: int, redis_url: str | None, log: Path) -> subprocess.Popen:
    """A daphne process serving the site against the test database (and Redis when given)."""
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url or "",
        "SECRET_KEY": settings.SECRET_KEY,  # the same key signs the sessions the test created
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
    }
    env.pop("DJANGO_ENV", None)
    daphne = Path(sys.executable).with_name("daphne")
    return subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(port: int, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"daphne on {port} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"daphne on {port} did not serve within {timeout} s: {log.read_text()[-2000:]}")


def stop_daphne(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


async def _frame(ws, *types: str, timeout: float = 10) -> dict:
    async def next_of_type() -> dict:
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] in types:
                return frame

    return await asyncio.wait_for(next_of_type(), timeout)


def test_two_daphne_processes_share_redis_and_deliver_each_others_messages(
    redis_url, room, newhire, rainmaker, tmp_path
):
    cookies = {"newhire": session_cookie(newhire), "rainmaker": session_cookie(rainmaker)}
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        procs = []
        for port in ports:
            log = tmp_path / f"daphne-{port}.log"
            proc = start_daphne(port, redis_url, log)
            stack.callback(stop_daphne, proc)
            procs.append((port, proc, log))
        for port, proc, log in procs:
            wait_until_serving(port, proc, log)

        async def scenario() -> None:
            def socket(port: int, who: str):
                return connect(
                    f"ws://127.0.0.1:{port}/ws/threads/{room.pk}/",
                    origin=f"http://127.0.0.1:{port}",
                    additional_headers={"Cookie": f"sessionid={cookies[who]}"},
                    open_timeout=20,
                )

            async with socket(ports[0], "newhire") as a, socket(ports[1], "rainmaker") as b:
                for ws in (a, b):
                    await ws.send(json.dumps({"type": "hello", "v": 1, "last_seq": 0}))
                    assert (await _frame(ws, "hello"))["v"] == 1
                    await _frame(ws, "replayed")
                # Presence is in the database: process 1 sees the person on process 2.
                deadline = time.monotonic() + 10
                while True:
                    users = {u["username"] for u in (await _frame(a, "presence"))["users"]}
                    if users == {"newhire", "rainmaker"} or time.monotonic() > deadline:
                        break
                assert users == {"newhire", "rainmaker"}

                await a.send(json.dumps({"type": "message", "client_id": "p1-1", "body": "From process one"}))
                ack = await _frame(a, "ack")
                got = await _frame(b, "message")
                assert got["message"]["id"] == ack["id"] and got["message"]["body"] == "From process one"

                await b.send(json.dumps({"type": "message", "client_id": "p2-1", "body": "And back from two"}))
                ack = await _frame(b, "ack")
                got = await _frame(a, "message")
                assert (got["message"]["id"], got["message"]["seq"]) == (ack["id"], 2)

                await b.send(json.dumps({"type": "typing"}))
                assert (await _frame(a, "typing"))["user"]["username"] == "rainmaker"

        asyncio.run(scenario())

    from community.models import Message

    assert list(Message.objects.filter(thread=room).order_by("seq").values_list("seq", "client_id")) == [
        (1, "p1-1"),
        (2, "p2-1"),
    ]
