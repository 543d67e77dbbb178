"""The comment form's signed timestamp: how long a reader took to fill it in.

Bots post within a second of loading a form; people take longer. The token is signed with
the secret key, so it cannot be forged or back-dated.
"""

from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "comment-form"
MAX_AGE_SECONDS = 7 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue_form_token(now: float | None = None) -> str:
    return _serializer().dumps(round(now if now is not None else time.time(), 3))


def fill_seconds(token: str | None, now: float | None = None) -> float | None:
    """Seconds since the token was issued, or None if it is missing, forged or stale."""
    if not token:
        return None
    try:
        issued = float(_serializer().loads(token))
    except (BadSignature, TypeError, ValueError):
        return None
    elapsed = (now if now is not None else time.time()) - issued
    if elapsed < 0 or elapsed > MAX_AGE_SECONDS:
        return None
    return elapsed
