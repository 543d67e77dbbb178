"""The lean front for counts, threads and the embed page answers exactly what the Flask views
answer, and steps aside for everything it cannot answer from an index lookup and its caches."""

import pytest
from werkzeug.test import EnvironBuilder

import time

from service.form_tokens import fill_seconds
from service.hot_reads import _ROUTE, HotReads
from tests.factories import make_comment, make_site

COUNTS = "/api/v1/sites/blog/counts"
THREAD = "/api/v1/sites/blog/comments"
EMBED = "/embed/blog"


def fast_answer(app, path, query, headers=None):
    """What the front answers by itself (None: it hands the request to Flask)."""
    hot = app.wsgi_app
    assert isinstance(hot, HotReads)
    environ = EnvironBuilder(path=path, query_string=query, headers=headers or {}).get_environ()
    return hot._answer(_ROUTE.fullmatch(path), environ)


@pytest.fixture
def seeded(app):
    site = make_site()
    first = make_comment(site, "a", body="first")
    make_comment(site, "a", body="reply", parent=first)
    return app


def test_counts_are_answered_by_the_front_with_the_views_bytes(seeded, client):
    via_flask = client.get(COUNTS, query_string={"article": ["a", "b"]})
    answer = fast_answer(seeded, COUNTS, "article=a&article=b")
    assert answer is not None and answer.status == "200 OK"
    assert answer.body == via_flask.data
    assert dict(answer.headers)["ETag"] == via_flask.headers["ETag"]


def test_thread_is_answered_by_the_front_once_flask_has_rendered_it(seeded, client):
    assert fast_answer(seeded, THREAD, "article=a") is None  # nothing rendered yet: Flask does it
    via_flask = client.get(THREAD, query_string={"article": "a"})
    answer = fast_answer(seeded, THREAD, "article=a")
    assert answer is not None and answer.body == via_flask.data
    again = client.get(THREAD, query_string={"article": "a"})
    assert again.data == via_flask.data and again.headers["ETag"] == via_flask.headers["ETag"]


def test_304_from_the_front(seeded, client):
    etag = client.get(THREAD, query_string={"article": "a"}).headers["ETag"]
    answer = fast_answer(seeded, THREAD, "article=a", {"If-None-Match": etag})
    assert answer.status.startswith("304") and answer.body == b""


def test_embed_page_is_served_from_its_rendering_with_a_fresh_form_token(seeded, client):
    first = client.get(EMBED, query_string={"article": "a"})
    answer = fast_answer(seeded, EMBED, "article=a")
    assert answer is not None and answer.status == "200 OK"
    headers = dict(answer.headers)
    assert headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert headers["ETag"] == first.headers["ETag"]
    html = answer.body.decode()
    assert "<p>first</p>" in html and "\x00" not in html
    time.sleep(0.005)
    later = fast_answer(seeded, EMBED, "article=a").body.decode()
    tokens = [page.split('name="form_token" value="')[1].split('"')[0] for page in (html, later)]
    assert tokens[0] != tokens[1]
    assert all(fill_seconds(token) is not None for token in tokens)


@pytest.mark.parametrize(("path", "query"), [
    (COUNTS, ""),  # missing article: Flask words the 422
    (COUNTS, "article=" + "x" * 300),
    (THREAD, "article=a&order=sideways"),
    ("/api/v1/sites/nope/counts", "article=a"),  # unknown site: Flask words the 404
    (EMBED, "article=a&status=pending"),  # a reader-specific page
    (COUNTS, "article=%ff"),  # not UTF-8: Flask decides how to read it
])
def test_the_front_steps_aside_for_what_flask_must_explain(seeded, client, path, query):
    assert fast_answer(seeded, path, query) is None
    assert client.get(f"{path}?{query}").status_code != 500


def test_a_change_is_seen_at_once_through_the_front(seeded, client):
    from service.extensions import db
    from service.models import Site

    client.get(THREAD, query_string={"article": "a"})
    make_comment(db.session.execute(db.select(Site)).scalar_one(), "a", body="third")
    fresh = client.get(THREAD, query_string={"article": "a"}).json
    assert [c["body_html"] for c in fresh["comments"]] == ["<p>first</p>", "<p>third</p>"]


def test_the_front_sends_the_same_security_headers_and_a_request_id(seeded, client):
    client.get(EMBED, query_string={"article": "a"})
    flask_page = client.get(EMBED, query_string={"article": "a", "lang": "en"})  # rendered by Flask
    front = HotReads(seeded, lambda environ, start_response: pytest.fail("the front handed it to Flask"))
    sent = {}
    environ = EnvironBuilder(path=EMBED, query_string="article=a&lang=en").get_environ()
    body = b"".join(front(environ, lambda status, headers: sent.update(headers)))
    fast = sent
    assert b"<p>first</p>" in body
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Content-Security-Policy",
                 "Cache-Control"):
        assert fast[name] == flask_page.headers[name], name
    assert "X-Frame-Options" not in fast  # the embed page is meant to be framed by the site
    assert len(fast["X-Request-ID"]) >= 16
