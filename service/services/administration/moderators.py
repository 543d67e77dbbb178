"""Moderator accounts: create, authenticate, assign sites, change passwords, deactivate."""

from __future__ import annotations

import re
import secrets
from functools import cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from service.errors import Conflict, NotFound, field_error
from service.extensions import db
from service.models import Moderator, Site
from service.services.administration.sites import get_site

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap way to burn our CPU
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")


def new_nonce() -> str:
    return secrets.token_hex(16)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise field_error("email", "Enter a valid email address.")
    return email


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise field_error("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise field_error("password", f"Use at most {MAX_PASSWORD_LENGTH} characters.")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _sites(slugs) -> list[Site]:
    return [get_site(slug) for slug in dict.fromkeys(slugs or ())]


def create_moderator(email: str, password: str, *, is_admin: bool = False, site_slugs=()) -> Moderator:
    email = normalize_email(email)
    check_password(password)
    moderator = Moderator(email=email, password_hash=hash_password(password), is_admin=is_admin,
                          active=True, session_nonce=new_nonce(), sites=_sites(site_slugs))
    db.session.add(moderator)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"A moderator with the email {email} exists already.") from None
    return moderator


@cache
def _decoy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str) -> Moderator | None:
    """The active moderator with these credentials, or None.

    An unknown email costs one password hash too, so response time does not tell which
    addresses have accounts.
    """
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return None
    email = (email or "").strip().lower()
    moderator = db.session.execute(
        sa.select(Moderator).where(Moderator.email == email)
    ).scalar_one_or_none() if len(email) <= 254 else None
    if moderator is None:
        check_password_hash(_decoy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(moderator.password_hash, password) or not moderator.active:
        return None
    return moderator


def get_moderator(moderator_id: int) -> Moderator:
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None:
        raise NotFound(f"No moderator {moderator_id}.")
    return moderator


def get_moderator_by_email(email: str) -> Moderator:
    moderator = db.session.execute(
        sa.select(Moderator).where(Moderator.email == (email or "").strip().lower())
    ).scalar_one_or_none()
    if moderator is None:
        raise NotFound(f"No moderator {email!r}.")
    return moderator


def list_moderators() -> list[Moderator]:
    return list(db.session.execute(sa.select(Moderator).order_by(Moderator.email)).scalars())


def assign_sites(moderator_id: int, site_slugs) -> Moderator:
    """Replace the moderator's sites with these."""
    moderator = get_moderator(moderator_id)
    moderator.sites = _sites(site_slugs)
    db.session.commit()
    return moderator


def set_admin(moderator_id: int, is_admin: bool) -> Moderator:
    moderator = get_moderator(moderator_id)
    moderator.is_admin = bool(is_admin)
    moderator.session_nonce = new_nonce()
    db.session.commit()
    return moderator


def set_password(moderator_id: int, password: str) -> Moderator:
    """New password; every existing session of this moderator ends."""
    check_password(password)
    moderator = get_moderator(moderator_id)
    moderator.password_hash = hash_password(password)
    moderator.session_nonce = new_nonce()
    db.session.commit()
    return moderator


def logout_everywhere(moderator_id: int) -> None:
    moderator = get_moderator(moderator_id)
    moderator.session_nonce = new_nonce()
    db.session.commit()


def deactivate(moderator_id: int) -> Moderator:
    """The account stays (its name is in the history) but can no longer log in."""
    moderator = get_moderator(moderator_id)
    moderator.active = False
    moderator.session_nonce = new_nonce()
    db.session.commit()
    return moderator


def reactivate(moderator_id: int) -> Moderator:
    moderator = get_moderator(moderator_id)
    moderator.active = True
    db.session.commit()
    return moderator
