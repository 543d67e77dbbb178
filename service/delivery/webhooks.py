"""Webhook calls: a JSON body POSTed with an HMAC-SHA256 signature over timestamp and body.

Headers sent with every call:
- `X-Comments-Event`: the event name, e.g. `comment.held`
- `X-Comments-Delivery`: the outbox message id (the same on every retry of one delivery)
- `X-Comments-Timestamp`: Unix seconds when this attempt was signed
- `X-Comments-Signature`: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + body)

Receivers recompute the signature over the raw body and reject old timestamps, so a captured
call cannot be replayed later. Redirects are not followed (a 3xx is a failed attempt): the
admin who registered the URL said where calls go.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from service.delivery import Result, describe

TIMEOUT_SECONDS = 10
MAX_URL_LENGTH = 2048
USER_AGENT = "comment-service-webhooks/1"


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx code


_opener = urllib.request.build_opener(_NoRedirects)


def deliver(url: str, secret: str, event: str, delivery_id: int, payload: dict,
            timeout: float = TIMEOUT_SECONDS) -> Result:
    """POST one signed call. A 2xx answer is a delivery; anything else is retried later."""
    problem = url_problem(url)
    if problem:
        return Result(ok=False, error=problem, permanent=True)
    body = encode(payload)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Comments-Event": event,
        "X-Comments-Delivery": str(delivery_id),
        "X-Comments-Timestamp": timestamp,
        "X-Comments-Signature": sign(secret, timestamp, body),
    })
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(64 * 1024)  # let the receiver finish; what it says is not used
            code = response.status
    except urllib.error.HTTPError as exc:
        code = exc.code
        exc.close()
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None)  # URLError wraps the socket error that says more
        return Result(ok=False, error=describe(reason if isinstance(reason, BaseException) else exc))
    if 200 <= code < 300:
        return Result(ok=True, status_code=code)
    return Result(ok=False, status_code=code, error=f"The receiver answered HTTP {code}.")
