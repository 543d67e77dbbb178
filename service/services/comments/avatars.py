"""Each comment's avatar URL, by the site's `avatars` option.

- "identicon" (the default): `/avatars/KEY.svg`, drawn by this service. KEY is a keyed hash
  (HMAC with the service's secret) of the author's email, or of their author token's hash when
  they gave no email, or of their name for imported comments with neither: the same reader gets
  the same picture, and the key reveals nothing (without the secret it cannot be tested
  against a guessed address, unlike Gravatar's plain hash).
- "gravatar": Gravatar's picture for the email (the reader's browser then asks gravatar.com,
  sending it the hash of the email and the page it is on); the identicon without an email.
- "off": no avatar.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

KEY_LENGTH = 24
GRAVATAR = "https://www.gravatar.com/avatar/{}?s=80&d=identicon"
GRAVATAR_ORIGIN = "https://www.gravatar.com"


def avatar_key(identity: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"avatar\x00" + identity.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()[:KEY_LENGTH]


def _identity(email: str | None, author_key_hash: str | None, author: str) -> str:
    if email:
        return "e:" + email.strip().lower()
    if author_key_hash:
        return "t:" + author_key_hash
    return "n:" + author


def avatar_url(mode: str, email: str | None, author_key_hash: str | None, author: str) -> str | None:
    if mode == "off":
        return None
    if mode == "gravatar" and email:
        return GRAVATAR.format(hashlib.sha256(email.strip().lower().encode()).hexdigest())
    return f"/avatars/{avatar_key(_identity(email, author_key_hash, author))}.svg"
