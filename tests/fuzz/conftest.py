"""The fuzzing campaign's world: one app for the whole module on the session's database, with
two sites, comments in every status and an admin token for the moderation operations."""

from __future__ import annotations

import pytest

from service import create_app
from service.extensions import db
from service.services.administration import tokens
from tests.conftest import _empty_tables, settings_for
from tests.factories import make_comment, make_site
from tests.fuzz.campaign import SITES, WORLD


@pytest.fixture(scope="module")
def fuzz_world(database_url):
    """The seeded app; every table is emptied afterwards."""
    app = create_app(settings_for(database_url, IP_HASH_KEY="fuzz-ip-key"))
    with app.app_context():
        blog, other = make_site(SITES[0]), make_site(SITES[1], mode="pre")
        comments = []
        for site in (blog, other):
            for status in ("approved", "pending", "rejected", "spam", "approved", "pending"):
                comments.append(make_comment(site, "post-1", status=status, email="reader@example.org"))
            comments.append(make_comment(site, "post-1", parent=comments[-2]))
        _, plaintext = tokens.create_token("fuzz-admin", is_admin=True)
        WORLD.app = app
        WORLD.headers = {"Authorization": f"Bearer {plaintext}"}
        WORLD.comment_ids = [c.id for c in comments]
        db.session.remove()
    yield WORLD
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    WORLD.app, WORLD.comment_ids = None, []
