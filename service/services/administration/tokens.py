"""API tokens: created with a role and sites, shown once, stored only as a hash, revocable."""

from __future__ import annotations

import sqlalchemy as sa

from service.errors import NotFound, field_error
from service.extensions import db
from service.models import ApiToken, utcnow
from service.security import hash_token, new_token
from service.services.administration.sites import get_site

TOKEN_PREFIX = "cmt_"  # recognisable in a leaked config file or a secret scanner's rules
MAX_NAME_LENGTH = 100


def create_token(name: str, is_admin: bool = False, site_slugs=()) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise field_error("name", f"Name the token in 1 to {MAX_NAME_LENGTH} printable characters.")
    sites = [get_site(slug) for slug in dict.fromkeys(site_slugs or ())]
    if not is_admin and not sites:
        raise field_error("sites", "A token that is not an admin token needs at least one site.")
    plaintext = TOKEN_PREFIX + new_token(32)
    token = ApiToken(name=name, token_hash=hash_token(plaintext), is_admin=is_admin, sites=sites)
    db.session.add(token)
    db.session.commit()
    return token, plaintext


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No API token {token_id}.")
    return token


def revoke_token(token_id: int) -> ApiToken:
    """Revoking twice keeps the first revocation time."""
    token = get_token(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def list_tokens(include_revoked: bool = True) -> list[ApiToken]:
    query = sa.select(ApiToken).order_by(ApiToken.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return list(db.session.execute(query).scalars())
