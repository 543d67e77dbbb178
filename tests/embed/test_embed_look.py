"""The host's look passed by embed.js (host-* parameters) under the site's theme and the embed's
data-theme-* attributes; the way back to the article for a page opened on its own; the demo's
link for readers without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from service.extensions import db
from service.embed.settings import FONT, luminance
from tests.factories import make_comment, make_site

FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}
HOST = {"host-fg": "rgb(34, 34, 34)", "host-bg": "rgb(253, 252, 248)", "host-accent": "rgb(138, 59, 18)",
        "host-font": 'Georgia, "Iowan Old Style", serif'}


def theme_css(client, html: str) -> str:
    link = re.search(r'<link rel="stylesheet" href="(/embed/[^/]+/theme\.css[^"]*)"', html).group(1)
    return client.get(link.replace("&amp;", "&")).get_data(as_text=True)


def test_the_hosts_look_becomes_the_pages_theme(client, app):
    make_site("blog")
    html = client.get("/embed/blog?" + urlencode({"article": "a", **HOST})).get_data(as_text=True)
    css = theme_css(client, html)
    assert css.startswith(":root{") and css.endswith("}\n") and "@media" not in css
    declarations = set(css[6:-2].strip(";").split(";"))
    assert declarations == {"--c-fg:rgb(34, 34, 34)", "--c-bg:rgb(253, 252, 248)", "--c-accent:rgb(138, 59, 18)",
                            '--c-font:Georgia, "Iowan Old Style", serif', "color-scheme:light",
                            "--c-error:#b3261e", "--c-ok:#1a7f37", "--c-warn:#8a5a00"}


def test_the_sites_theme_then_the_embeds_attributes_override_the_hosts_look(client, app):
    site = make_site("blog")
    site.settings = {"theme": {"bg": "#111111", "fg": "#eeeeee"}}
    db.session.commit()
    query = {"article": "a", **HOST, "theme-fg": "#ffffff"}
    css = theme_css(client, client.get("/embed/blog?" + urlencode(query)).get_data(as_text=True))
    assert "--c-bg:#111111;" in css and "--c-fg:#ffffff;" in css and "--c-accent:rgb(138, 59, 18);" in css
    assert "color-scheme:dark;--c-error:#ff8a80" in css  # status colours that suit the dark background


@pytest.mark.parametrize("name, value", [
    ("host-font", "serif;}body{display:none"), ("host-font", 'Georgia, "x'), ("host-font", "a{b}"),
    ("host-bg", "red;}"), ("host-fg", "url(https://evil.example/)"), ("host-accent", "expression(alert(1))"),
])
def test_a_host_value_that_is_not_a_colour_or_a_font_list_is_dropped(client, app, name, value):
    make_site("blog")
    html = client.get("/embed/blog?" + urlencode({"article": "a", name: value})).get_data(as_text=True)
    assert 'theme.css' not in html
    css = client.get("/embed/blog/theme.css?" + urlencode({name: value})).get_data(as_text=True)
    assert css == ":root{}\n"


def test_font_lists_and_luminance():
    assert FONT.match('system-ui, -apple-system, "Segoe UI", sans-serif')
    assert not FONT.match("serif; color: red")
    assert luminance("#ffffff") == pytest.approx(1.0) and luminance("rgb(0, 0, 0)") == 0
    assert luminance("hsl(0, 0%, 0%)") is None


def test_links_inside_the_page_keep_the_hosts_look(client, app):
    site = make_site("blog")
    parent = make_comment(site, "a")
    html = client.get("/embed/blog?" + urlencode({"article": "a", **HOST})).get_data(as_text=True)
    reply = re.search(rf'<a class="reply" target="_self" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "host-bg=rgb" in reply and f"reply={parent.id}" in reply
    action = re.search(r'<form id="comment-form"[^>]* action="([^"]+)"', html).group(1)
    assert "host-font=" in action


def test_the_page_opened_on_its_own_links_back_to_an_article_on_a_listed_origin(client, app):
    make_site("blog", origins=["https://blog.example"], policy=FAST_POLICY)
    listed = client.get("/embed/blog?" + urlencode({"article": "a", "url": "https://blog.example/a"}))
    assert '<a href="https://blog.example/a" target="_top">Back to the article</a>' in listed.get_data(as_text=True)
    for url in ("https://evil.example/a", "javascript:alert(1)", "https://blog.example.evil.example/"):
        html = client.get("/embed/blog?" + urlencode({"article": "a", "url": url})).get_data(as_text=True)
        assert 'id="back"' not in html, url


def test_a_post_without_javascript_keeps_the_way_back(client, app):
    make_site("blog", policy=FAST_POLICY)
    query = urlencode({"article": "a", "url": "https://blog.example/a"})
    html = client.get(f"/embed/blog?{query}").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    response = client.post(f"/embed/blog?{query}", data={"author": "Ada", "body": "Hello there.", "form_token": token})
    assert response.status_code == 303
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment is published." in shown and 'href="https://blog.example/a"' in shown


def test_the_demo_article_links_to_its_comments_for_readers_without_javascript(client, app):
    html = client.get("/demo/welcome").get_data(as_text=True)
    link = re.search(r'<noscript><p><a href="([^"]+)">Read and write comments</a></p></noscript>', html).group(1)
    assert link.replace("&amp;", "&") == "/embed/demo?article=/demo/welcome&url=http://localhost/demo/welcome"
