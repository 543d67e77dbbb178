"""Fixtures for the moderator UI: two sites, an administrator, a moderator of each site, and
clients logged in as each of them through the real login form."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.services.administration.moderators import create_moderator
from tests.factories import make_comment, make_site

PASSWORD = "correct horse battery"


@dataclass
class World:
    blog: object
    other: object
    admin: object
    blog_mod: object
    other_mod: object


@pytest.fixture
def world(app) -> World:
    blog = make_site("blog", mode="pre")
    other = make_site("other", mode="pre")
    return World(
        blog=blog, other=other,
        admin=create_moderator("admin@example.org", PASSWORD, is_admin=True),
        blog_mod=create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"]),
        other_mod=create_moderator("elsewhere@example.org", PASSWORD, site_slugs=["other"]),
    )


def login(client, email: str, password: str = PASSWORD):
    return client.post("/moderate/login", data={"email": email, "password": password})


@pytest.fixture
def as_user(app, world):
    """A fresh client logged in as the given email (or anonymous for None)."""
    def make(email: str | None):
        client = app.test_client()
        if email:
            response = login(client, email)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return make


@pytest.fixture
def held(world):
    """A held comment on the blog site, with the reason the rules gave."""
    return make_comment(world.blog, "post-1", status="pending", author="Mallory", email="mallory@example.net",
                        body="Buy *cheap* watches", ip_hash="a" * 32,
                        reasons=[{"code": "suspect_word", "verdict": "hold", "message": "Contains a suspect word.",
                                  "matched": ["cheap"]}])
