"""Secrets handed to clients (edit tokens, API tokens) and the keyed hash of client addresses."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens are long and random, so one fast hash suffices (no salt, no stretching)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


def hash_ip(ip: str) -> str:
    """Client addresses are stored only as a keyed hash (IP_HASH_KEY): enough to rate-limit
    and block, useless for finding the reader."""
    key = current_app.config["IP_HASH_KEY"].encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]
