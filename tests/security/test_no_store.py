"""Moderator pages and moderation API answers carry `Cache-Control: no-store`: they show held
comments, tokens and reasons, which no browser or shared cache may keep. Every route under the
two prefixes is asked, anonymously and as an administrator, whatever it answers."""

from __future__ import annotations

import re

import pytest

from service.services.administration import moderators, tokens
from tests.factories import make_comment, make_site

PASSWORD = "correct horse battery"
PREFIXES = ("/moderate", "/api/v1/moderation")


def private_urls(app, comment_id: int) -> list[tuple[str, str]]:
    """(method, url) for every route under the private prefixes, with real values in its parts."""
    values = {"site": "blog", "int": str(comment_id)}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES):
            continue
        url = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
                     lambda m: values["int"] if m.group(1) == "int" else values.get(m.group(2), "blog"), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


@pytest.fixture
def world(app):
    site = make_site("blog", mode="pre")
    comment = make_comment(site, status="pending", body="Held for review.")
    moderators.create_moderator("admin@example.org", PASSWORD, is_admin=True)
    _, plaintext = tokens.create_token("admin", is_admin=True)
    return comment, {"Authorization": f"Bearer {plaintext}"}


def test_every_private_route_is_found(app, world):
    urls = private_urls(app, world[0].id)
    assert ("GET", "/moderate/") in urls
    assert ("GET", "/api/v1/moderation/comments") in urls
    assert ("POST", "/api/v1/moderation/sites/blog/webhooks") in urls
    assert len(urls) > 20


def test_anonymous_answers_under_the_private_prefixes_are_never_stored(app, world):
    client = app.test_client()
    for method, url in private_urls(app, world[0].id):
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url)
        assert response.headers.get("Cache-Control") == "no-store", (method, url, response.status_code)


def test_an_administrators_pages_and_api_answers_are_never_stored(app, world):
    comment, headers = world
    browser = app.test_client()
    assert browser.post("/moderate/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    api = app.test_client()
    answered = 0
    for method, url in private_urls(app, comment.id):
        if method != "GET":
            continue
        client, extra = (api, headers) if url.startswith("/api/") else (browser, {})
        response = client.get(url, headers=extra)
        assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
        answered += response.status_code == 200
    assert answered >= 8
    for url in ("/moderate/", f"/moderate/comments/{comment.id}", "/api/v1/moderation/comments"):
        response = (api.get(url, headers=headers) if url.startswith("/api/") else browser.get(url))
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url


def test_public_answers_keep_their_own_caching(client, world):
    response = client.get("/api/v1/sites/blog/comments?article=post-1")
    assert response.headers["Cache-Control"] == "public, no-cache"
