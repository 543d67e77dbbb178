"""An outbox worker killed with SIGKILL in the middle of a batch: every message it held is
delivered by another worker within a minute, and the attempt it was making is repeated with
the same delivery id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import OutboxMessage, Webhook, utcnow
from service.services.delivery import outbox
from tests.factories import make_site
from tests.servers import Serving

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 12


class Receiver:
    """Records every call's delivery id; the very first call hangs until released, so the
    worker can be killed while it waits on the network."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.calls.append(self.headers["X-Comments-Delivery"])
                    first = len(receiver.calls) == 1
                if first:
                    receiver.first_arrived.set()
                    receiver.release.wait(30)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the killed worker's socket is gone

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._serving = Serving(self.server)

    def __enter__(self) -> "Receiver":
        self._serving.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._serving.stop()


def start_worker(database_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "outbox-crash-test",
           "WEBHOOK_ALLOW_PRIVATE": "true", "LOG_LEVEL": "WARNING"}
    for name in ("REDIS_URL", "SMTP_HOST", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--poll", "0.2"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture
def queued(make_app):
    app = make_app(WEBHOOK_ALLOW_PRIVATE=True)
    with app.app_context():
        yield app
        db.session.remove()


def test_a_worker_killed_mid_batch_leaves_every_message_delivered_within_a_minute(queued, database_url, tmp_path):
    with Receiver() as receiver:
        site = make_site("blog")
        hook = Webhook(site_id=site.id, url=receiver.url, secret="s" * 32, events=["comment.created"], active=True)
        db.session.add(hook)
        db.session.commit()
        ids = []
        for number in range(MESSAGES):
            message = OutboxMessage(kind="webhook", site_id=site.id, event="comment.created", webhook_id=hook.id,
                                    payload={"event": "comment.created", "id": number}, status="pending",
                                    next_attempt_at=utcnow() - timedelta(seconds=1))
            db.session.add(message)
            db.session.flush()
            ids.append(message.id)
        db.session.commit()

        worker = start_worker(database_url.replace("postgresql+psycopg://", "postgresql://"), tmp_path / "worker.log")
        try:
            assert receiver.first_arrived.wait(60), (tmp_path / "worker.log").read_text()[-3000:]
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        killed_at = utcnow()
        receiver.release.set()
        in_flight = receiver.calls[0]

        # Another worker, a minute later (the clock is passed in rather than waited for).
        report = outbox.drain(now=killed_at + timedelta(seconds=60))
        db.session.expire_all()
        statuses = dict(db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.status)).all())
        assert statuses == {message_id: "delivered" for message_id in ids}, report
        assert report.delivered == MESSAGES
        assert sorted(map(int, set(receiver.calls))) == ids
        assert receiver.calls.count(in_flight) == 2  # the interrupted attempt, repeated with its id


def test_a_worker_renews_its_lease_on_the_messages_it_still_holds(queued, monkeypatch):
    """Before each attempt the rest of the batch is leased again from now, so a slow batch is
    never taken over by a second worker while the first is still delivering it."""
    site = make_site("blog")
    hook = Webhook(site_id=site.id, url="https://hooks.example.org/", secret="s" * 32, events=["comment.created"],
                   active=False)  # disabled: each attempt settles at once, without the network
    db.session.add(hook)
    db.session.commit()
    start = utcnow() - timedelta(seconds=1)
    for number in range(outbox.BATCH):
        db.session.add(OutboxMessage(kind="webhook", site_id=site.id, event="comment.created", webhook_id=hook.id,
                                     payload={}, status="pending", next_attempt_at=start))
    db.session.commit()

    leases: list[list] = []
    real = outbox.deliver_one

    def observed(message_id, attempt, now):
        leases.append(list(db.session.execute(
            sa.select(OutboxMessage.next_attempt_at).where(OutboxMessage.status == "pending")).scalars()))
        time.sleep(0.05)
        return real(message_id, attempt, now)

    monkeypatch.setattr(outbox, "deliver_one", observed)
    outbox.drain()
    assert len(leases) == outbox.BATCH
    # What is still held before the last attempt was leased after the first attempt had begun.
    assert leases[-1] and min(leases[-1]) > max(leases[0])
