"""The comments page (GET): thread, escaping, headers, caching, settings and languages."""

from __future__ import annotations

import re

from service.extensions import db
from service.models import Comment, CommentStatus
from service.services.comments.articles import get_or_create_article
from service.services.moderation.status import record_new
from tests.factories import make_comment, make_site


def page(client, query: str = "article=post-1", site: str = "blog", **kwargs):
    return client.get(f"/embed/{site}?{query}", **kwargs)


def stored_comment(site, *, author="Reader", website=None, body_html="<p>x</p>", article="post-1"):
    """A row written directly, as if an older version had let something odd through."""
    art = get_or_create_article(site, article)
    comment = Comment(article_id=art.id, author=author, website=website, body="x", body_html=body_html,
                      status=CommentStatus.APPROVED, ip_hash="h", fingerprint="")
    db.session.add(comment)
    db.session.flush()
    record_new(comment, site.id)
    db.session.commit()
    return comment


def test_page_shows_count_heading_and_replies_nested_under_their_parent(client, site):
    parent = make_comment(site, body="The parent.")
    make_comment(site, body="A reply.", parent=parent)
    make_comment(site, status="pending", body="Held back.")
    response = page(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="heading" data-count="2">Comments (2)</h1>' in html
    nested = re.search(rf'id="comment-{parent.id}".*?<ol class="comments replies">.*?A reply\.', html, re.S)
    assert nested is not None
    assert "Held back." not in html


def test_empty_thread_invites_the_first_comment(client, site):
    html = page(client, "article=nobody-yet").get_data(as_text=True)
    assert "Comments (0)" in html
    assert "Be the first to write one." in html
    assert 'name="form_token"' in html
    for field, label in [("author", "Name"), ("email", "Email (optional)"), ("website", "Website (optional)"),
                         ("body", "Comment")]:
        assert re.search(rf'<label for="f-{field}"( class="sr-when-collapsed")?>{re.escape(label)}</label>', html)


def test_author_and_website_are_escaped_and_only_http_websites_become_links(client, site):
    stored_comment(site, author='<script>window.__pwned=1</script>', website='https://x.example/"onmouseover="alert(1)')
    stored_comment(site, author="Mallory", website="javascript:alert(1)")
    html = page(client).get_data(as_text=True)
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert 'href="https://x.example/&#34;onmouseover=&#34;alert(1)" rel="nofollow ugc noopener"' in html
    assert "javascript:alert" not in html
    assert '<span class="author">Mallory</span>' in html


def test_body_is_the_stored_sanitized_html(client, site):
    make_comment(site, body='<img src=x onerror="window.__pwned=1"> [click](javascript:alert(1)) **bold**')
    html = page(client).get_data(as_text=True)
    assert "<img" not in html.split('<div class="body"', 1)[1]  # the avatar (before the body) is the only picture
    assert 'onerror="' not in html
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html


def test_page_sets_a_strict_csp_without_inline_script_or_style(client, site):
    response = page(client)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert "style-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert csp.endswith("frame-ancestors *")
    html = response.get_data(as_text=True)
    assert "style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html) == []


def test_frame_ancestors_are_the_sites_origins_and_self(client, app):
    make_site("listed", origins=["https://blog.example", "http://localhost:8000", "https://evil.example; script-src *"])
    csp = page(client, site="listed").headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://blog.example http://localhost:8000")


def test_unknown_site_is_an_html_404(client, site):
    response = page(client, site="nope")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_missing_or_invalid_article_is_an_html_400(client, site):
    assert page(client, "").status_code == 400
    assert page(client, "article=" + "x" * 300).status_code == 400
    assert page(client, "article=post-1&page=0").status_code == 400


def test_unchanged_page_answers_304_and_a_new_comment_changes_the_etag(client, site):
    first = page(client)
    etag = first.headers["ETag"]
    assert page(client, headers={"If-None-Match": etag}).status_code == 304
    make_comment(site)
    again = page(client, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["ETag"] != etag


def test_replies_deeper_than_the_sites_depth_are_shown_flat(client, site):
    site.settings = {"reply_depth": 2}
    db.session.commit()
    top = make_comment(site, body="Depth one.")
    second = make_comment(site, body="Depth two.", parent=top)
    third = make_comment(site, body="Depth three.", parent=second)
    html = page(client).get_data(as_text=True)
    assert f'id="comment-{third.id}" data-id="{third.id}" data-depth="3"' in html
    assert f"reply={second.id}" not in html  # no replying below the site's depth
    assert f"reply={top.id}" in html


def test_newest_first_from_the_query_or_the_site(client, site):
    make_comment(site, body="Older one.")
    make_comment(site, body="Newer one.")
    html = page(client, "article=post-1&order=newest").get_data(as_text=True)
    assert html.index("Newer one.") < html.index("Older one.")
    site.settings = {"order": "newest"}
    db.session.commit()
    html = page(client).get_data(as_text=True)
    assert html.index("Newer one.") < html.index("Older one.")


def test_language_comes_from_the_embed_then_the_site(client, site):
    assert "Kommentare (0)" in page(client, "article=a&lang=de").get_data(as_text=True)
    assert 'lang="fr"' in page(client, "article=a&lang=fr").get_data(as_text=True)
    assert "Comments (0)" in page(client, "article=a&lang=xx").get_data(as_text=True)
    arabic = page(client, "article=a&lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic and ">التعليقات (0)</h1>" in arabic
    site.settings = {"language": "de"}
    db.session.commit()
    html = page(client, "article=a").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html and "Kommentar senden" in html


def test_premoderated_site_says_comments_are_read_first(client, premoderated):
    html = page(client, site="held").get_data(as_text=True)
    assert "Comments are read by a moderator before they appear." in html


def test_closed_article_shows_no_form(client, site):
    make_comment(site)
    get_or_create_article(site, "post-1").closed = True
    db.session.commit()
    html = page(client).get_data(as_text=True)
    assert "Comments are closed on this article." in html
    assert 'id="comment-form"' not in html and 'name="body"' not in html  # votes still work


def test_theme_stylesheet_carries_only_valid_colours_and_lengths(client, site):
    site.settings = {"theme": {"accent": "#c00", "radius": "0"}}
    db.session.commit()
    html = page(client, "article=a&theme-bg=%23fff&theme-fg=red;}body{x:y").get_data(as_text=True)
    link = re.search(r'<link rel="stylesheet" href="(/embed/blog/theme\.css[^"]*)"', html).group(1)
    css = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    # a background of known lightness brings text, status colours and form controls that suit it
    assert css == (":root{--c-accent:#c00;--c-radius:0;--c-bg:#fff;"
                   "color-scheme:light;--c-fg:#1f2328;--c-error:#b3261e;--c-ok:#1a7f37;--c-warn:#8a5a00;}\n")
    dark = client.get("/embed/blog/theme.css?theme-dark-accent=rgb(10,20,30)&theme-bogus=1").get_data(as_text=True)
    assert dark == (":root{--c-accent:#c00;--c-radius:0;}\n"
                    "@media (prefers-color-scheme: dark){:root{--c-accent:rgb(10,20,30);}}\n")
