"""Real PostgreSQL and redis-server for the test run, started on loopback by the run itself.

The root conftest calls `configure()` before Django reads its settings, so DATABASE_URL and
REDIS_URL point at throw-away servers in a temporary folder (PostgreSQL runs as the
`postgres` user when we are root: initdb refuses root). Where the binaries are missing
(a laptop without them), the suite runs on SQLite and tests marked `postgres`/`redis` are
skipped with the reason; with CI=true or REQUIRE_SERVICES=1 that is a failure instead.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

STATE: dict[str, str | None] = {"postgres": None, "redis": None}  # None = running; str = why not


def required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_SERVICES") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class PostgresServer:
    def start(self) -> str:
        bindir = _pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's postgresql")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rainmaker-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.port = free_port()
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.root / "server.log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        atexit.register(self.stop)
        return f"postgres://postgres@127.0.0.1:{self.port}/rainmaker"

    def stop(self) -> None:
        if getattr(self, "data", None) is None:
            return
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
        self.data = None


class RedisServer:
    def start(self) -> str:
        binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
        )
        if binary is None:
            raise RuntimeError("redis-server not found; install Debian's redis-server")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="rainmaker-redis-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("redis-server did not answer PING within 20 s")
        atexit.register(self.stop)
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        proc = getattr(self, "proc", None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(getattr(self, "dir", ""), ignore_errors=True)


REDIS = RedisServer()
POSTGRES = PostgresServer()


_configured = False


def configure() -> None:
    """Decide the database and start the servers; sets DATABASE_URL and REDIS_URL."""
    global _configured
    if _configured:
        return
    _configured = True
    if os.environ.get("TEST_DB") == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        STATE["postgres"] = "this run uses SQLite (TEST_DB=sqlite)"
    elif not os.environ.get("DATABASE_URL"):
        try:
            os.environ["DATABASE_URL"] = POSTGRES.start()
        except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            STATE["postgres"] = f"PostgreSQL could not start: {detail.strip()[:300]}"
    if not os.environ.get("REDIS_URL"):
        try:
            os.environ["REDIS_URL"] = REDIS.start()
        except (RuntimeError, OSError) as exc:
            STATE["redis"] = f"redis-server could not start: {exc}"
    # Settings read REDIS_URL for the production cache/layer; the test settings keep
    # process-local ones and tests marked `redis` connect to this server explicitly.
    os.environ["TEST_REDIS_URL"] = os.environ.get("REDIS_URL", "")
