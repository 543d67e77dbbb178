"""Fixtures for the moderation API: two sites, moderators and tokens with different reach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.services.administration import moderators, tokens
from tests.factories import make_site

PASSWORD = "correct horse battery"


@dataclass
class Caller:
    """Headers that authenticate one caller (a token), or a moderator to log a client in as."""

    headers: dict
    id: int


@pytest.fixture
def blog(app):
    return make_site("blog")


@pytest.fixture
def other(app):
    return make_site("other")


def _token(name: str, *, admin: bool = False, sites=()) -> Caller:
    token, plaintext = tokens.create_token(name, is_admin=admin, site_slugs=sites)
    return Caller({"Authorization": f"Bearer {plaintext}"}, token.id)


@pytest.fixture
def admin(blog, other) -> Caller:
    return _token("admin", admin=True)


@pytest.fixture
def blog_mod(blog) -> Caller:
    """A token that moderates `blog` only."""
    return _token("blog-bot", sites=["blog"])


@pytest.fixture
def other_mod(other) -> Caller:
    """A token that moderates `other` only."""
    return _token("other-bot", sites=["other"])


@pytest.fixture
def make_moderator(app):
    def factory(email: str = "mod@example.org", *, admin: bool = False, sites=("blog",)):
        return moderators.create_moderator(email, PASSWORD, is_admin=admin, site_slugs=sites)
    return factory


def log_in(client, moderator) -> None:
    """What a successful login leaves in the session (the login page is the queue's)."""
    with client.session_transaction() as session:
        session["_user_id"] = f"{moderator.id}:{moderator.session_nonce}"
        session["_fresh"] = True


def unauthorized(message: str = "Log in, or send an API token as 'Authorization: Bearer TOKEN'.") -> dict:
    return {"code": 401, "status": "Unauthorized", "message": message}


def forbidden(message: str = "You do not moderate this site.") -> dict:
    return {"code": 403, "status": "Forbidden", "message": message}
