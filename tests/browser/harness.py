"""The browser-journey harness: the real ASGI server on a loopback port, headless Chromium,
and the checks every visited page must pass.

The server is the one `make run` uses (daphne + the django-tasks worker) with production-like
services: the PostgreSQL and redis-server that the test run started (a fresh database with
the demo data), falling back to SQLite where PostgreSQL is absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "rainmaker-demo"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(database_url: str, redis_url: str) -> dict[str, str]:
    # The server under test keeps Django's async-safety checks (never DJANGO_ALLOW_ASYNC_UNSAFE).
    skip = ("DJANGO_SETTINGS_MODULE", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        PYTHONPATH=f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        EMAIL_URL="consolemail://",
        SECRET_KEY="browser-tests-only-secret-key-0123456789-abcdefghijklmnop",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def _create_postgres_database(admin_url: str) -> str:
    import psycopg

    name = f"browser_{os.getpid()}"
    with psycopg.connect(admin_url.replace("/rainmaker", "/postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@dataclass
class LiveServer:
    """daphne + db_worker on a fresh database with the demo data."""

    url: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)
    tmpdir: str = ""
    log: Path | None = None

    def start(self) -> LiveServer:
        self.tmpdir = tempfile.mkdtemp(prefix="rainmaker-browser-")
        base_db = os.environ.get("DATABASE_URL", "")
        if base_db.startswith("postgres"):
            database_url = _create_postgres_database(base_db)
        else:
            database_url = f"sqlite:///{self.tmpdir}/browser.sqlite3"
        env = _server_env(database_url, os.environ.get("TEST_REDIS_URL", ""))
        self.env = env
        python = sys.executable
        for args in (["migrate", "--noinput", "-v0"], ["seed_demo", "--quiet"]):
            result = subprocess.run(
                [python, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
            )
            if result.returncode != 0:
                raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = ARTIFACTS / "server.log"
        log = self.log.open("w")
        daphne = Path(python).with_name("daphne")
        self.processes.append(
            subprocess.Popen(
                [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        self.processes.append(
            subprocess.Popen(
                [python, "manage.py", "db_worker", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not become ready; see {self.log}")

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database (e.g. to check state)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        return result.stdout

    def log_position(self) -> int:
        return self.log.stat().st_size if self.log and self.log.exists() else 0

    def errors_since(self, position: int) -> list[str]:
        """Error lines the server or the worker logged after `position` (JSON lines; tracebacks
        of crashed consumers land here even when the page recovers by reconnecting)."""
        if not self.log or not self.log.exists():
            return []
        with self.log.open("rb") as f:
            f.seek(position)
            text = f.read().decode("utf-8", "replace")
        errors = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                if "Traceback" in line or line.startswith(("ERROR", "CRITICAL")):
                    errors.append(line[:500])
                continue
            if isinstance(record, dict) and record.get("level") in ("ERROR", "CRITICAL"):
                errors.append(f"{record.get('logger')}: {record.get('message')}"[:500])
        return errors

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.processes.clear()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


class PageGuard:
    """Records what must never happen on a page: console errors, failed requests, and any
    request to a host other than the test server (those are blocked and reported)."""

    def __init__(self, page, server_url: str, *, allowed_statuses: tuple[int, ...] = ()):
        self.page = page
        self.host = urlparse(server_url).netloc
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        self.allowed_statuses = set(allowed_statuses)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("websocket", self._on_websocket)
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob", "about") or url.netloc == self.host:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _on_websocket(self, socket) -> None:
        # page.route does not see WebSockets: check their host here, and report socket errors.
        if urlparse(socket.url).netloc != self.host:
            self.external.append(socket.url)
        socket.on("socketerror", lambda error: self.failed.append(f"WebSocket {socket.url}: {error}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # Chromium also logs every HTTP error response; a status the test expects is not an error.
        status = re.match(r"Failed to load resource: the server responded with a status of (\d+)", message.text)
        if status and int(status.group(1)) in self.allowed_statuses:
            return
        self.console_errors.append(message.text)

    def _on_failed(self, request) -> None:
        failure = request.failure or ""
        # A navigation that replaces a page aborts its pending fetches; that is not a failure.
        if "ERR_ABORTED" in failure and urlparse(request.url).netloc == self.host:
            return
        self.failed.append(f"{request.method} {request.url}: {failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.status not in self.allowed_statuses:
            self.failed.append(f"{response.request.method} {response.url}: HTTP {response.status}")

    @contextmanager
    def expecting(self, *statuses: int):
        """Allow these HTTP statuses inside the block only (a test that checks a 403 or a 422 on
        purpose); any other error, and these ones outside the block, still fail the journey."""
        before = set(self.allowed_statuses)
        self.allowed_statuses.update(statuses)
        try:
            yield
        finally:
            self.allowed_statuses = before

    def assert_clean(self) -> None:
        problems = []
        if self.console_errors:
            problems.append("console errors: " + "; ".join(self.console_errors))
        if self.failed:
            problems.append("failed requests: " + "; ".join(self.failed))
        if self.external:
            problems.append("requests to other hosts: " + "; ".join(self.external))
        assert not problems, "\n".join(problems)


def check_accessibility(page, label: str) -> list[dict]:
    """Run axe-core in the page; fail on serious or critical violations."""
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing at {AXE}: run `npm ci` (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the site's
        # Content-Security-Policy (rightly) refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        detail = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
            for v in bad
        ]
        raise AssertionError(f"accessibility violations on {label}:\n" + "\n".join(detail))
    return results["violations"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def screenshot(page, journey: str, step: str, *, widths: tuple[str, ...] = ("desktop",)) -> list[Path]:
    """Full-page screenshots under test-artifacts/browser/<journey>/ (git-ignored)."""
    folder = ARTIFACTS / slug(journey)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    original = page.viewport_size
    for width in widths:
        size = PHONE if width == "phone" else DESKTOP
        if page.viewport_size != size:
            page.set_viewport_size(size)
        path = folder / f"{slug(step)}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original and page.viewport_size != original:
        page.set_viewport_size(original)
    return paths


def summary_json() -> str:
    return json.dumps({"artifacts": str(ARTIFACTS)})
