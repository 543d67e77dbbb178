"""The production configuration, run for real: gunicorn with gunicorn.conf.py, two workers,
JSON logs with request ids, and /metrics summing every worker through PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade
from prometheus_client.parser import text_string_to_metric_families

from service import create_app
from service.extensions import db
from tests.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]
BATCH = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never via a proxy


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with _opener.open(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def gunicorn(tmp_path):
    database = tmp_path / "comments.db"
    app = create_app(settings_for(f"sqlite:///{database}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    port = free_port()
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left over from an earlier run")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "gunicorn-test-secret",
           "SERVICE_ENV": "production", "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    env.pop("LOG_FORMAT", None)  # production means JSON
    stdout, stderr = open(tmp_path / "stdout.log", "wb"), open(tmp_path / "stderr.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine boots workers slowly
    while True:
        try:
            if get(f"{base}/readyz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("gunicorn did not start: " + (tmp_path / "stderr.log").read_text())
        time.sleep(0.2)
    yield base, tmp_path, metrics_dir
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    stdout.close()
    stderr.close()


def test_gunicorn_workers_report_summed_metrics_and_json_logs_with_request_ids(gunicorn):
    base, logs, metrics_dir = gunicorn
    assert not (metrics_dir / "counter_1.db").exists()  # emptied at start

    def hit(n: int) -> str:
        status, headers, _ = get(f"{base}/healthz", {"X-Request-ID": f"probe-{n}"})
        assert status == 200
        return headers["X-Request-ID"]

    def served_by() -> set[str]:  # worker pids with a request histogram file
        return {path.stem.split("_")[-1] for path in metrics_dir.glob("histogram_*.db")}

    sent = 0
    # Until both workers have served: which one accepts is the kernel's choice, and on a loaded
    # machine the second may still be booting when the first answers /readyz.
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=12) as pool:
        while sent < BATCH or (len(served_by()) < 2 and time.monotonic() < deadline):
            echoed = list(pool.map(hit, range(sent, sent + BATCH)))
            assert echoed == [f"probe-{n}" for n in range(sent, sent + BATCH)]
            sent += BATCH
    assert len(served_by()) == 2

    _, _, body = get(f"{base}/metrics")
    healthz = [s.value for family in text_string_to_metric_families(body.decode()) for s in family.samples
               if s.name == "comment_service_http_request_duration_seconds_count"
               and s.labels["endpoint"] == "ops.healthz"]
    assert sum(healthz) == sent  # one scrape, every worker's requests

    time.sleep(0.5)  # let the access log lines reach the file
    access = [json.loads(line) for line in (logs / "stdout.log").read_text().splitlines() if line.strip()]
    ids = {entry.get("request_id") for entry in access
           if entry["logger"] == "gunicorn.access" and entry["path"] == "/healthz"}
    assert {f"probe-{n}" for n in range(sent)} <= ids
    sample = next(entry for entry in access if entry.get("request_id") == "probe-0")
    assert sample["method"] == "GET" and sample["status"] == "200" and "duration_ms" in sample
    errors = [json.loads(line) for line in (logs / "stderr.log").read_text().splitlines() if line.strip()]
    assert any(entry["message"].startswith("Booting worker") for entry in errors)
