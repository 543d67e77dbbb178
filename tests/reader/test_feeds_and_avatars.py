"""Atom feeds (validated by feedparser) and the service's own identicons."""

from __future__ import annotations

import re

import feedparser
import pytest

from service.avatars.identicon import identicon_svg
from tests.factories import make_comment, make_site

FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}
THREAD = "/api/v1/sites/blog/comments"


@pytest.fixture
def site(app):
    return make_site("blog", name="A Blog", policy=FAST_POLICY)


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_article_feed_lists_approved_comments_newest_first(client, site):
    older = make_comment(site, "a", body="The *older* one", author="Ann")
    make_comment(site, "a", body="held back", status="pending")
    newer = make_comment(site, "a", body="The newer one", author="Bob")
    make_comment(site, "elsewhere", body="another article")
    feed = parse(client.get("/feeds/blog/article.atom", query_string={"article": "a"}))
    assert feed.feed.title == "Comments on a"
    assert [e.author for e in feed.entries] == ["Bob", "Ann"]
    assert feed.entries[1].content[0].value == "<p>The <em>older</em> one</p>"
    assert feed.entries[0].link.endswith(f"/embed/blog?article=a#comment-{newer.id}")
    assert feed.entries[1].id != feed.entries[0].id and str(older.id) in feed.entries[1].id


def test_site_feed_covers_every_article_and_stops_at_50(client, site):
    for i in range(52):
        make_comment(site, f"post-{i % 3}", body=f"number {i}")
    feed = parse(client.get("/feeds/blog.atom"))
    assert feed.feed.title == "Comments on A Blog"
    assert len(feed.entries) == 50
    assert feed.entries[0].content[0].value == "<p>number 51</p>"
    assert {e.title.split(" on ")[1] for e in feed.entries} == {"post-0", "post-1", "post-2"}


def test_article_feed_follows_the_article_version(client, site):
    make_comment(site, "a", body="first")
    assert len(parse(client.get("/feeds/blog/article.atom?article=a")).entries) == 1
    make_comment(site, "a", body="second")
    assert len(parse(client.get("/feeds/blog/article.atom?article=a")).entries) == 2


def test_a_feed_answers_304_to_its_etag(client, site):
    make_comment(site, "a")
    first = client.get("/feeds/blog/article.atom?article=a")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/feeds/blog/article.atom?article=a", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_article_nobody_commented_on_has_an_empty_feed(client, site):
    feed = parse(client.get("/feeds/blog/article.atom?article=quiet"))
    assert feed.entries == []


def test_feed_errors(client, site):
    assert client.get("/feeds/nosuch.atom").status_code == 404
    assert client.get("/feeds/nosuch/article.atom?article=a").status_code == 404
    missing = client.get("/feeds/blog/article.atom")
    assert missing.status_code == 400
    assert missing.get_json()["errors"] == {"query": {"article": ["Article IDs are 1 to 255 characters long."]}}


def test_hostile_text_is_escaped_in_the_feed(client, site):
    make_comment(site, "a", author='<script>alert(1)</script>', body="<b>bold</b> & more")
    feed = parse(client.get("/feeds/blog/article.atom?article=a"))
    assert feed.entries[0].author == "<script>alert(1)</script>"  # text, not markup
    assert "<b>" not in feed.entries[0].content[0].value
    assert b"<script>" not in client.get("/feeds/blog/article.atom?article=a").data


def test_the_embed_page_links_its_feed(client, site):
    html = client.get("/embed/blog?article=a").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/blog/article.atom?article=a"' in html


@pytest.mark.parametrize("key", ["0" * 24, "f" * 24, "0123456789abcdef01234567", "a1" * 12])
def test_identicons_are_small_svg_and_depend_on_the_key_alone(key):
    svg = identicon_svg(key)
    assert len(svg) <= 1024
    assert svg.startswith(b"<svg ") and svg == identicon_svg(key)


def test_identicon_route_is_cacheable_for_a_year(client):
    response = client.get("/avatars/0123456789abcdef01234567.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert len(response.data) <= 1024
    assert client.get("/avatars/not-hex.svg").status_code == 404


def test_thread_avatars_are_keyed_hashes_that_never_reveal_the_email(client, site):
    make_comment(site, "a", email="ann@example.com", author="Ann")
    make_comment(site, "a", email="ann@example.com", author="Ann again")
    make_comment(site, "a", email="bob@example.com", author="Bob")
    body = client.get(THREAD, query_string={"article": "a"})
    items = body.get_json()["comments"]
    avatars = [c["avatar"] for c in items]
    assert all(re.fullmatch(r"/avatars/[0-9a-f]{24}\.svg", a) for a in avatars)
    assert avatars[0] == avatars[1] != avatars[2]
    import hashlib
    for email in ("ann@example.com", "bob@example.com"):
        for digest in (hashlib.md5(email.encode()).hexdigest(), hashlib.sha256(email.encode()).hexdigest()):
            assert digest[:24] not in body.get_data(as_text=True)
    assert "example.com" not in body.get_data(as_text=True)


def test_gravatar_only_when_the_site_says_so_and_the_csp_allows_it_then(client):
    site = make_site("blog", policy={**FAST_POLICY, "avatars": "gravatar"})
    make_comment(site, "a", email="ann@example.com")
    make_comment(site, "a")
    items = client.get(THREAD, query_string={"article": "a"}).get_json()["comments"]
    assert items[0]["avatar"].startswith("https://www.gravatar.com/avatar/")
    assert items[1]["avatar"].startswith("/avatars/")  # no email: the service's own
    page = client.get("/embed/blog?article=a")
    assert "img-src 'self' data: https://www.gravatar.com;" in page.headers["Content-Security-Policy"]


def test_avatars_off(client):
    site = make_site("blog", policy={**FAST_POLICY, "avatars": "off"})
    make_comment(site, "a")
    assert client.get(THREAD, query_string={"article": "a"}).get_json()["comments"][0]["avatar"] is None
    page = client.get("/embed/blog?article=a")
    assert 'class="avatar"' not in page.get_data(as_text=True)
    assert "gravatar" not in page.headers["Content-Security-Policy"]



@pytest.mark.parametrize("avatars", ["identicon", "off"])
def test_a_new_comment_comes_back_with_the_avatar_the_thread_will_show(client, avatars):
    make_site("blog", policy={**FAST_POLICY, "avatars": avatars})
    created = client.post(THREAD, json={"article": "a", "author": "Ann", "email": "ann@example.com", "body": "Hi"})
    assert created.status_code == 201
    in_thread = client.get(THREAD, query_string={"article": "a"}).get_json()["comments"][0]["avatar"]
    assert created.get_json()["comment"]["avatar"] == in_thread
    assert (in_thread is None) == (avatars == "off")
