"""Hostile comments stay inert, and the page passes an automated accessibility check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.models import Comment, CommentStatus
from service.moderation.sanitize import render_body
from service.services.comments.articles import get_or_create_article
from service.services.moderation.status import record_new
from tests.browser.widget_fixtures import FAST_POLICY, axe_source, embed_snippet, host_app  # noqa: F401 (fixture)
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser

VECTORS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '<svg onload="window.__pwned=1">',
    '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
    "[click](javascript:window.__pwned=1)",
    "<a href=\"javascript:window.__pwned=1\">x</a> <style>body{display:none}</style>",
    "`</code><script>window.__pwned=1</script>`",
]


def hostile_comment(site, article: str, author: str, website: str | None, body: str) -> None:
    """Stored directly: names and websites as a careless importer might have left them."""
    art = get_or_create_article(site, article)
    comment = Comment(article_id=art.id, author=author, website=website, body=body,
                      body_html=render_body(body).html, status=CommentStatus.APPROVED, ip_hash="h", fingerprint="")
    db.session.add(comment)
    db.session.flush()
    record_new(comment, site.id)
    db.session.commit()


def test_hostile_bodies_names_and_websites_stay_inert(page, live_server, serve, app):
    site = make_site("blog", policy=FAST_POLICY)
    for n, vector in enumerate(VECTORS):
        hostile_comment(site, "/post", author=vector, website=f"javascript:window.__pwned={n}", body=vector)
    hostile_comment(site, "/post", author="Link", website='https://ok.example/"><script>window.__pwned=1</script>',
                    body="fine")
    host = serve(host_app({"/post": embed_snippet(live_server.url, "blog")}))
    page.goto(host.url + "/post")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#thread > li.comment")).to_have_count(len(VECTORS) + 1)

    # The same vectors submitted through the form, rendered by the page's script, and previewed.
    frame.get_by_label("Comment", exact=True).fill("\n\n".join(VECTORS))  # the box opens the form
    frame.get_by_label("Name").fill('<img src=x onerror="window.__pwned=1">')
    frame.get_by_label("Website (optional)").fill("https://x.example/\"><svg onload=window.__pwned=1>")
    expect(frame.locator("#preview")).not_to_be_empty()
    frame.get_by_role("button", name="Post comment").click()
    expect(frame.locator("#status")).to_contain_text("Your comment")
    page.wait_for_timeout(300)

    inner = next(f for f in page.frames if "/embed/blog" in f.url)
    assert inner.evaluate("window.__pwned") is None
    assert page.evaluate("window.__pwned") is None
    assert inner.locator("script:not([src]):not([type='application/json'])").count() == 0
    assert inner.locator(".body img, .body svg, .body iframe, .body style, a[href^='javascript']").count() == 0
    assert inner.locator("a.author[href^='https://ok.example/']").count() == 1
    assert page.dialogs == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violations(browser, live_server, app, axe_source, scheme):
    site = make_site("blog", mode="pre", policy=FAST_POLICY)
    parent = make_comment(site, "/post", author="Grace", body="A *published* comment with a [link](https://e.org).")
    make_comment(site, "/post", author="Ada", body="> a quote\n\n- a\n- list", parent=parent)
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # lets the test inject axe
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        violations = run_axe(page, axe_source)
        assert violations == [], violations
        # Error and held states too: inline errors, the preview, an own comment awaiting moderation.
        page.get_by_label("Comment", exact=True).fill("**Preview** me")
        page.get_by_label("Email (optional)").fill("nope")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("#err-author")).to_be_visible()
        expect(page.locator("#preview strong")).to_be_visible()
        assert run_axe(page, axe_source) == []
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Email (optional)").fill("")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("li.comment.pending")).to_have_count(1)
        assert run_axe(page, axe_source) == []
    finally:
        context.close()


def run_axe(page, source: str) -> list:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document);
        return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))};
    }""")
    assert result["passes"] > 10  # axe really looked at the page
    return result["violations"]
