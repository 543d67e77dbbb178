"""Webhook calls: a JSON body POSTed with an HMAC-SHA256 signature over timestamp and body.

Headers sent with every call:
- `X-Comments-Event`: the event name, e.g. `comment.held`
- `X-Comments-Delivery`: the outbox message id (the same on every retry of one delivery)
- `X-Comments-Timestamp`: Unix seconds when this attempt was signed
- `X-Comments-Signature`: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body)

Receivers recompute the signature over the raw body and reject old timestamps, so a captured
call cannot be replayed later. Redirects are not followed (a 3xx is a failed attempt): the
admin who registered the URL said where calls go. Calls reach only public addresses (see
service/delivery/targets.py): the host is resolved once, checked, and connected to as resolved.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

from flask import current_app, has_app_context

from service.delivery import Result, describe
from service.delivery.targets import Target, TargetRefused, TargetUnresolved, resolve

TIMEOUT_SECONDS = 10
MAX_URL_LENGTH = 2048
USER_AGENT = "comment-service-webhooks/1"
DEFAULT_PORTS = {"http": 80, "https": 443}


def url_problem(url: str) -> str | None:
    """Why this URL cannot receive webhooks, or None when it can (http or https with a host)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return f"A webhook URL is 1 to {MAX_URL_LENGTH} characters long."
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "A webhook URL contains no spaces or control characters."
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "This webhook URL cannot be parsed."
    if parts.scheme not in ("http", "https"):
        return "Webhook URLs start with http:// or https://."
    if not host:
        return "A webhook URL names a host."
    return None


def encode(payload: dict) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address resolved and checked beforehand, whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same, over TLS: the certificate is checked against the URL's host name (sent as SNI)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def allow_private_targets() -> bool:
    """WEBHOOK_ALLOW_PRIVATE of the running app (False outside one)."""
    return bool(has_app_context() and current_app.config.get("WEBHOOK_ALLOW_PRIVATE"))


def target_problem(url: str, allow_private: bool | None = None) -> str | None:
    """Why webhooks may not be registered for `url` (its form, or the address its host is or
    resolves to), or None. A host that does not resolve now is accepted: every delivery
    resolves it again and checks what it finds."""
    problem = url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    try:
        resolve(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme],
                allow_private_targets() if allow_private is None else allow_private)
    except TargetRefused as exc:
        return str(exc)
    except TargetUnresolved:
        return None
    return None


def deliver(url: str, secret: str, event: str, delivery_id: int, payload: dict,
            timeout: float = TIMEOUT_SECONDS, allow_private: bool | None = None) -> Result:
    """POST one signed call. A 2xx answer is a delivery; anything else is retried later, except
    a target that is not allowed (a permanent failure). The host is resolved once and checked,
    and the call connects to that address; no redirect is followed."""
    problem = url_problem(url)
    if problem:
        return Result(ok=False, error=problem, permanent=True)
    parts = urlsplit(url)
    try:
        target = resolve(parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme],
                         allow_private_targets() if allow_private is None else allow_private)
    except TargetRefused as exc:
        return Result(ok=False, error=str(exc), permanent=True)
    except TargetUnresolved as exc:
        return Result(ok=False, error=str(exc))
    body = encode(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Comments-Event": event,
        "X-Comments-Delivery": str(delivery_id),
        "X-Comments-Timestamp": timestamp,
        "X-Comments-Signature": sign(secret, timestamp, body),
    }
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # let the receiver finish; what it says is not used
        code = response.status
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Result(ok=False, error=describe(exc))
    finally:
        connection.close()
    if 200 <= code < 300:
        return Result(ok=True, status_code=code)
    return Result(ok=False, status_code=code, error=f"The receiver answered HTTP {code}.")
