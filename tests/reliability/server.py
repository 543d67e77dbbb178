"""The real service for reliability tests: gunicorn with several sync workers on loopback,
pointed at a test database, plus the plain HTTP client the load threads use and the helpers
that look at what the database holds afterwards."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.extensions import db
from service.services.administration import tokens
from tests.conftest import _empty_tables, settings_for
from tests.factories import make_site

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "reliability-test-secret"
IP_HASH_KEY = "reliability-ip-key"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
# Loose enough that a load from one loopback address is not what the test measures.
OPEN_POLICY = {"rate_per_minute": 10_000, "rate_per_hour": 100_000, "repeat_window_minutes": 0,
               "min_fill_seconds": 0, "hold_shouting": False}

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(method: str, url: str, payload=None, headers: dict | None = None,
            timeout: float = 30.0) -> tuple[int, dict | None]:
    """One request on a fresh connection: (status, JSON body or None)."""
    data = None if payload is None else json.dumps(payload).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        try:
            with _opener.open(req, timeout=timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
    except http.client.HTTPException as exc:  # e.g. the server died halfway through its answer
        raise ConnectionError(f"incomplete answer: {exc!r}") from exc
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, {"raw": body[:500].decode("utf-8", "replace")}


def migrated_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    app = create_app(settings_for(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@contextmanager
def seeded(database_url: str) -> Iterator[dict]:
    """Sites `blog` (published at once) and `held` (pre-moderated) with open policies, and an
    admin token; every table is emptied afterwards, so a shared test database stays clean."""
    app = create_app(settings_for(database_url, IP_HASH_KEY=IP_HASH_KEY))
    with app.app_context():
        make_site("blog", mode="post", policy=OPEN_POLICY)
        make_site("held", mode="pre", policy=OPEN_POLICY)
        _, token = tokens.create_token("reliability-admin", is_admin=True)
        db.session.remove()
    try:
        yield {"admin": {"Authorization": f"Bearer {token}"}}
    finally:
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


class Service:
    """A running gunicorn: its master process, its workers, its address and its logs."""

    def __init__(self, database_url: str, logs: Path, workers: int = 4) -> None:
        self.database_url = database_url
        self.logs = logs
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": SECRET_KEY,
               "IP_HASH_KEY": IP_HASH_KEY, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING",
               "METRICS_ENABLED": "false",
               "CACHE_TTL_SECONDS": "0"}  # counts read back right after a write must be exact
        for name in ("BIND", "WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR", "REDIS_URL", "GUNICORN_CMD_ARGS"):
            env.pop(name, None)
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / "gunicorn.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "-w", str(self.workers), "-k", "sync",
                 "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if request("GET", f"{self.base}/readyz", timeout=2)[0] == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become ready in {START_TIMEOUT} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        if self.process is None:
            return []
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                children.append(int(entry.name))
        return children

    def kill_all(self) -> list[int]:
        """kill -9 the master and every worker, as a power cut or the OOM killer would."""
        assert self.process is not None
        pids = [self.process.pid, *self.worker_pids()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=STOP_TIMEOUT)
        _wait_gone(pids)
        return pids

    def stop(self) -> None:
        """Graceful stop by PID; whatever is left after the timeout is killed."""
        if self.process is None:
            return
        workers = self.worker_pids()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _wait_gone(workers)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return (self.logs / "gunicorn.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _wait_gone(pids: list[int], timeout: float = STOP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    for pid in pids:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            stat = Path(f"/proc/{pid}/stat")
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    break  # a zombie is dead; its parent (not us) reaps it
            except OSError:
                break
            time.sleep(0.05)


@contextmanager
def running(database_url: str, logs: Path, workers: int = 4) -> Iterator[Service]:
    service = Service(database_url, logs, workers)
    service.start()
    try:
        yield service
    finally:
        service.stop()


def engine_for(database_url: str) -> sa.Engine:
    return sa.create_engine(database_url)


def stored_comments(database_url: str) -> dict[int, str]:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT id, body FROM comment")).all())
    finally:
        engine.dispose()


def counter_mismatches(database_url: str) -> list[tuple]:
    """Articles whose stored counters differ from the rows: (key, stored, counted)."""
    engine = engine_for(database_url)
    query = sa.text("""
        SELECT a.key, a.approved_count, a.pending_count,
               (SELECT COUNT(*) FROM comment c WHERE c.article_id = a.id AND c.status = 'approved'),
               (SELECT COUNT(*) FROM comment c WHERE c.article_id = a.id AND c.status = 'pending')
        FROM article a""")
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    return [(key, (a, p), (ca, cp)) for key, a, p, ca, cp in rows if (a, p) != (ca, cp)]


def post_comment(base: str, site: str, article: str, body: str) -> tuple[int | None, int | None, object]:
    try:
        status, payload = request("POST", f"{base}/api/v1/sites/{site}/comments",
                                  {"article": article, "author": "Load", "body": body})
    except (OSError, http.client.HTTPException) as exc:
        # A refused or reset connection, or an answer cut off by the kill, is a lost request too.
        return None, None, repr(exc)
    comment_id = (payload or {}).get("comment", {}).get("id") if status in (201, 202) else None
    return status, comment_id, payload


def post_load(base: str, clients: int, posts: int, stop: threading.Event | None = None,
              sites: tuple[str, ...] = ("blog", "held"), articles: int = 1, prefix: str = "load") -> list[tuple]:
    """`clients` threads, started together, each posting `posts` unique comments (or until `stop`),
    taking turns between `sites`: a list of (site, article, body, status, id, payload)."""
    start = threading.Barrier(clients)

    def client(number: int) -> list[tuple]:
        start.wait()
        sent = []
        for i in range(posts):
            if stop is not None and stop.is_set():
                break
            site = sites[(number + i) % len(sites)]
            article = f"{prefix}-{(number * posts + i) % articles}"
            body = f"Client {number}, comment {i}: {uuid.uuid4().hex}"
            sent.append((site, article, body, *post_comment(base, site, article, body)))
        return sent

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [row for rows in pool.map(client, range(clients)) for row in rows]


def assert_acknowledged_stored_once(database_url: str, results: list[tuple]) -> dict[int, str]:
    acknowledged = {comment_id: body for _, _, body, status, comment_id, _ in results if status in (201, 202)}
    stored = stored_comments(database_url)
    missing = {i: b for i, b in acknowledged.items() if stored.get(i) != b}
    assert not missing, f"{len(missing)} acknowledged comments are not stored as sent: {list(missing.items())[:5]}"
    bodies = Counter(stored.values())
    assert all(bodies[body] == 1 for body in acknowledged.values()), "a comment was stored twice"
    return acknowledged
