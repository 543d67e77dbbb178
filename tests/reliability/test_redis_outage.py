"""Redis stops and comes back (a redis-server of the test's own, on a port of its own): readers
keep posting and reporting, moderators keep logging in, limits fall back to each process's
memory with a warning and a metric, /readyz stays 200 and says Redis is degraded, and the shared
counts are used again once Redis answers. And a production start with several workers and no
Redis is warned."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from service.extensions import db
from service.services.comments import rate_limits
from tests.factories import make_comment, make_site
from tests.reliability.server import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PER_MINUTE = 3


class OwnRedis:
    """A throwaway redis-server on loopback, started and stopped by its pid."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def limited(make_app, own_redis, monkeypatch):
    monkeypatch.setattr(rate_limits, "RECHECK_SECONDS", 0.0, raising=False)  # look at Redis again each time
    app = make_app(REDIS_URL=own_redis.url, RATELIMIT_STORAGE_URI=own_redis.url, RATELIMIT_ENABLED=True,
                   RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1})
    with app.app_context():
        make_site("blog", policy={"rate_per_minute": PER_MINUTE, "rate_per_hour": 100, "min_fill_seconds": 0,
                                  "repeat_window_minutes": 0})
        yield app
        db.session.remove()


def post(client, n: int):
    return client.post("/api/v1/sites/blog/comments",
                       json={"article": "a", "author": "Reader", "body": f"Comment number {n}."})


def metric(client, name: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    lines = [line for line in text.splitlines() if line.startswith(name + " ")]
    assert lines, f"{name} not in /metrics"
    return float(lines[0].split()[1])


def test_submissions_reports_and_logins_go_on_while_redis_is_down_and_limits_return_with_it(
        limited, own_redis, caplog):
    client = limited.test_client()
    assert post(client, 1).status_code == 201  # counted in Redis
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["redis"]) == (200, "ok")
    assert metric(client, "comment_service_redis_up") == 1.0

    own_redis.stop()
    with caplog.at_level(logging.WARNING):
        during = [post(client, n).status_code for n in range(2, 2 + PER_MINUTE + 1)]
    # Counted from zero in this process's memory: three more, then refused, never a 500.
    assert during == [201] * PER_MINUTE + [429]
    assert any("Rate-limit store unreachable" in r.getMessage() for r in caplog.records)
    assert metric(client, "comment_service_rate_limit_memory_checks_total") == PER_MINUTE + 1
    assert metric(client, "comment_service_redis_up") == 0.0
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["status"] == "ready" and ready.json["redis"] == "degraded"

    comment = make_comment(make_site("other"), "x")
    assert client.post(f"/api/v1/comments/{comment.id}/flags", json={"reason": "spam"}).status_code < 500
    assert client.post("/moderate/login", data={"email": "nobody@example.org", "password": "wrong"}).status_code < 500

    own_redis.start()  # empty: what Redis counted before the outage is gone with it
    after = [post(client, n).status_code for n in range(10, 10 + PER_MINUTE + 1)]
    assert after == [201] * PER_MINUTE + [429]
    assert metric(client, "comment_service_rate_limit_memory_checks_total") == PER_MINUTE + 1  # none since
    keys = redis.Redis.from_url(own_redis.url).keys("*")
    assert keys, "the counts are in Redis again"
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["redis"]) == (200, "ok")


def _gunicorn_log(tmp_path: Path, workers: int, **env) -> str:
    port = free_port()
    log = tmp_path / f"gunicorn-{workers}.log"
    environment = {**os.environ, "SERVICE_ENV": "production", "SECRET_KEY": "redis-warning-test",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "LOG_FORMAT": "text", **env}
    for name in ("REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"):
        if name not in env:
            environment.pop(name, None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "-w", str(workers),
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "Booting worker" not in log.read_text(errors="replace"):
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(30)
    return log.read_text(errors="replace")


def test_a_production_start_with_several_workers_and_no_redis_warns(tmp_path):
    text = _gunicorn_log(tmp_path, 2)
    assert "REDIS_URL is not set and 2 workers serve" in text


@pytest.mark.parametrize("workers, env", [(1, {}), (2, {"REDIS_URL": "redis://127.0.0.1:1/0"})])
def test_one_worker_or_a_configured_redis_starts_without_that_warning(tmp_path, workers, env):
    text = _gunicorn_log(tmp_path, workers, **env)
    assert "Booting worker" in text
    assert "REDIS_URL is not set" not in text
