"""X-Forwarded-For is believed only from the proxies declared in TRUSTED_PROXIES: with none, a
client cannot pick the address its rate limits and stored hash are keyed by."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import request

from service.extensions import db
from service.models import Comment
from service.security import hash_ip
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
LIMITED = {"min_fill_seconds": 0, "rate_per_minute": 2}


def post(client, n: int, forwarded: str | None = None, scheme: str | None = None):
    headers = {}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if scheme:
        headers["X-Forwarded-Proto"] = scheme
    return client.post(URL, json={"article": "a", "author": "Ann", "body": f"Comment {n}."}, headers=headers)


def stored_hashes() -> list[str]:
    return db.session.scalars(sa.select(Comment.ip_hash).order_by(Comment.id)).all()


def test_without_trusted_proxies_a_forwarded_address_is_ignored(make_app):
    app = make_app(TRUSTED_PROXIES=0)
    with app.app_context():
        make_site("blog", policy={"min_fill_seconds": 0})
        client = app.test_client()
        assert post(client, 1, "198.51.100.7").status_code == 201
        assert post(client, 2, "198.51.100.8, 198.51.100.9").status_code == 201
        assert stored_hashes() == [hash_ip("127.0.0.1")] * 2


def test_without_trusted_proxies_changing_the_header_does_not_escape_the_rate_limit(make_app):
    app = make_app(TRUSTED_PROXIES=0, RATELIMIT_ENABLED=True, IP_HASH_KEY=uuid.uuid4().hex)
    with app.app_context():
        make_site("blog", policy=LIMITED)
        client = app.test_client()
        codes = [post(client, n, f"203.0.113.{n}").status_code for n in range(4)]
        assert codes == [201, 201, 429, 429]


def test_with_one_trusted_proxy_the_last_hop_is_the_client(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        make_site("blog", policy={"min_fill_seconds": 0})
        client = app.test_client()
        # The client wrote "198.51.100.7"; our proxy appended the address it really saw.
        assert post(client, 1, "198.51.100.7, 203.0.113.5").status_code == 201
        assert post(client, 2, "203.0.113.6").status_code == 201
        assert stored_hashes() == [hash_ip("203.0.113.5"), hash_ip("203.0.113.6")]


def test_with_one_trusted_proxy_a_spoofed_first_hop_changes_nothing(make_app):
    app = make_app(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, IP_HASH_KEY=uuid.uuid4().hex)
    with app.app_context():
        make_site("blog", policy=LIMITED)
        client = app.test_client()
        codes = [post(client, n, f"10.9.9.{n}, 203.0.113.5").status_code for n in range(3)]
        assert codes == [201, 201, 429]
        # A different real client (another last hop) has its own allowance.
        assert post(client, 9, "203.0.113.99").status_code == 201


def test_the_scheme_is_believed_only_from_a_trusted_proxy(make_app):
    seen = {}
    for trusted in (0, 1):
        app = make_app(TRUSTED_PROXIES=trusted)

        @app.get("/_scheme")
        def scheme():
            return {"scheme": request.scheme}

        seen[trusted] = app.test_client().get("/_scheme", headers={"X-Forwarded-Proto": "https"}).json["scheme"]
    assert seen == {0: "http", 1: "https"}
