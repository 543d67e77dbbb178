"""Real servers on loopback for the outbox worker to talk to: an SMTP server (aiosmtpd) that
keeps every message, and an HTTP receiver that verifies webhook signatures, answers as a test
scripts it, and records every call."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from service.extensions import db
from service.services.administration import tokens
from tests.servers import Serving

PUBLIC_URL = "https://comments.example.org"


# The verification snippet from the README, verbatim: what a receiver runs.
def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    timestamp = headers["X-Comments-Timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old (or from the future): refuse replays
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Comments-Signature"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def text(self) -> str:
        return self.message.get_content()


class Inbox:
    """aiosmtpd handler: every message accepted and kept."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[Mail] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.original_content))
        return "250 Message accepted"

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.received if address in m.rcpt_tos]


@pytest.fixture
def make_app(make_app):
    """Apps that may deliver webhooks to the receivers here, which listen on loopback."""
    def factory(**overrides):
        overrides.setdefault("WEBHOOK_ALLOW_PRIVATE", True)
        return make_app(**overrides)
    return factory


@pytest.fixture
def smtp():
    # aiosmtpd reports every connection at INFO from its own thread, past pytest's capture.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@dataclass
class Call:
    path: str
    headers: dict
    body: bytes
    signature_ok: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = "receiver-shared-secret-0123456789"
    script: list[int] = field(default_factory=list)  # statuses to answer first; then 200
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    def events(self) -> list[str]:
        return [c.headers["X-Comments-Event"] for c in self.calls]


@pytest.fixture
def receiver():
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            with lock:
                state.calls.append(Call(self.path, headers, body, verify(state.secret, headers, body)))
                status = state.script.pop(0) if state.script else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/comments"
    with Serving(server):
        yield state


@pytest.fixture
def mail_app(make_app, smtp):
    """An app that sends mail to the loopback SMTP server, with links to PUBLIC_URL."""
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, PUBLIC_URL=PUBLIC_URL,
                   MAIL_FROM="Comments <comments@example.org>")
    with app.app_context():
        yield app
        db.session.remove()


def admin_headers() -> dict:
    """An administrator's API token (call inside an app context)."""
    _, plaintext = tokens.create_token("admin", is_admin=True)
    return {"Authorization": f"Bearer {plaintext}"}
