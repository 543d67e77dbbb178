"""The comment form's signed timestamp: how long a reader took to fill it in.

Bots post within a second of loading a form; people take longer. The token is the issue time
and an HMAC of it under the secret key, so it cannot be forged or back-dated. It is cheap to
make because every page view of the embed page makes one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from flask import current_app

SALT = b"comment-form:"
MAX_AGE_SECONDS = 7 * 24 * 3600


def _mac(stamp: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, SALT + stamp.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def issue_form_token(now: float | None = None) -> str:
    stamp = str(int((now if now is not None else time.time()) * 1000))
    return f"{stamp}.{_mac(stamp)}"


def fill_seconds(token: str | None, now: float | None = None) -> float | None:
    """Seconds since the token was issued, or None if it is missing, forged or stale."""
    if not token or token.count(".") != 1:
        return None
    stamp, mac = token.split(".")
    if not stamp.isdigit() or len(stamp) > 16 or not hmac.compare_digest(mac, _mac(stamp)):
        return None
    elapsed = (now if now is not None else time.time()) - int(stamp) / 1000
    if elapsed < 0 or elapsed > MAX_AGE_SECONDS:
        return None
    return elapsed
