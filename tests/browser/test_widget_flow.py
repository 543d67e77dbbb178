"""The widget on a blog served from another origin: submit, held, approved, counted; the same
without JavaScript; replies, edits and deletes of one's own comment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.models import Comment
from tests.browser.widget_fixtures import FAST_POLICY, approve, embed_snippet, host_app
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser


def latest_comment_id() -> int:
    db.session.expire_all()
    return db.session.execute(db.select(Comment.id).order_by(Comment.id.desc())).scalars().first()


def test_comment_on_a_cross_origin_blog_is_held_then_shown_after_approval(page, live_server, serve, app):
    host = serve(host_app({}))  # started first: its origin is what the site lists
    make_site("held", mode="pre", origins=[host.url], policy=FAST_POLICY)
    host_pages = {
        "/post": "<h1>A post</h1><p>Text.</p>" + embed_snippet(live_server.url, "held"),
        "/": f'<a id="count" href="/post" data-comments-count>Comments</a>'
             f'<script src="{live_server.url}/count.js" data-site="held" async></script>',
    }
    host.replace_app(host_app(host_pages))  # the same origin now serves the blog
    page.goto(host.url + "/post")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Comments (0)")
    frame.get_by_label("Comment", exact=True).fill("Held for a **moment**.")  # the box opens the form
    frame.get_by_label("Name").fill("Ada")
    frame.get_by_role("button", name="Post comment").click()
    expect(frame.locator("#status")).to_contain_text("Your comment is awaiting moderation.")
    held = frame.locator("li.comment.pending")
    expect(held).to_contain_text("Awaiting moderation")
    expect(held.locator("strong")).to_have_text("moment")
    expect(held.locator("img.avatar")).to_have_attribute("src", re.compile(r"^/avatars/[0-9a-f]+\.svg$"))

    page.reload()  # kept in this browser across reloads, with its picture
    held = page.frame_locator("iframe").locator("li.comment.pending")
    expect(held).to_contain_text("Held for a moment.")
    expect(held.locator("img.avatar")).to_have_count(1)

    approve(latest_comment_id())
    page.reload()
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Comments (1)")
    shown = frame.locator("#thread li.comment")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Held for a moment.")
    expect(frame.locator(".badge")).to_have_count(0)

    page.goto(host.url + "/")
    expect(page.locator("#count")).to_have_text("Comments (1)")
    assert page.dialogs == []


def test_the_same_flow_without_javascript(browser, live_server, app):
    make_site("held", mode="pre", policy=FAST_POLICY)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/held?article=/post")
        expect(page.locator("h1")).to_have_text("Comments (0)")
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Comment", exact=True).fill("Written without scripts.")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("#status")).to_have_text("Your comment is awaiting moderation.")
        expect(page.locator("#own li.comment")).to_contain_text("Awaiting moderation")
        expect(page.locator("#own li.comment")).to_contain_text("Written without scripts.")

        approve(latest_comment_id())
        page.goto(live_server.url + "/embed/held?article=/post")
        expect(page.locator("h1")).to_have_text("Comments (1)")
        expect(page.locator("#thread li.comment")).to_contain_text("Written without scripts.")
    finally:
        context.close()


def test_without_javascript_a_refused_post_keeps_the_typed_text(browser, live_server, app):
    make_site("blog", policy=FAST_POLICY)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Website (optional)").fill("javascript:alert(1)")  # a URL to the browser, not to us
        page.get_by_label("Comment", exact=True).fill("A long and careful thought.")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("#status")).to_contain_text("Some fields need correcting")
        expect(page.get_by_label("Comment", exact=True)).to_have_value("A long and careful thought.")
        expect(page.get_by_label("Name")).to_have_value("Ada")
        expect(page.locator("#err-website")).to_have_text("Enter a web address starting with http:// or https://.")
    finally:
        context.close()


def test_reply_edit_and_delete_of_ones_own_comment(page, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    parent = make_comment(site, "/post", author="Grace", body="The first word.")
    url = live_server.url + "/embed/blog?article=/post"
    page.goto(url)
    page.locator(f"#comment-{parent.id} a.reply").click()
    expect(page.locator("#replying")).to_have_text(re.compile("Replying to Grace"))
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Comment", exact=True).fill("A reply in *place*.")
    page.get_by_role("button", name="Post comment").click()
    reply = page.locator(f"#comment-{parent.id} ol.replies > li.comment")
    expect(reply).to_contain_text("A reply in place.")
    expect(page.locator("h1")).to_have_text("Comments (2)")

    page.reload()
    reply = page.locator(f"#comment-{parent.id} ol.replies > li.comment")
    expect(reply).to_contain_text("A reply in place.")
    expect(page.locator(f"#comment-{parent.id} > article button.edit")).to_have_count(0)  # not mine
    expect(page.locator(f"#comment-{parent.id} > article details.report")).to_have_count(1)
    expect(reply.locator("details.report")).to_have_count(0)  # nobody reports or votes on their own
    expect(reply.locator("form.votes")).to_have_count(0)
    reply.get_by_role("button", name="Edit").click()
    editor = reply.locator("textarea")
    expect(editor).to_have_value("A reply in *place*.")
    editor.fill("A reply, **corrected**.")
    reply.get_by_role("button", name="Save").click()
    expect(reply.locator(".body strong")).to_have_text("corrected")
    expect(reply.locator(".edited")).to_have_count(1)

    page.reload()
    reply = page.locator(f"#comment-{parent.id} ol.replies > li.comment")
    expect(reply).to_contain_text("A reply, corrected.")
    reply.get_by_role("button", name="Delete").click()
    reply.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("#status")).to_have_text("Your comment is deleted.")
    expect(page.locator(f"#comment-{parent.id} ol.replies > li.comment")).to_have_count(0)

    page.reload()
    expect(page.locator("h1")).to_have_text("Comments (1)")
    expect(page.locator("li.comment")).to_have_count(1)
    assert page.dialogs == []


def test_inline_field_errors_and_live_preview(page, live_server, app):
    make_site("blog", policy=FAST_POLICY)
    page.goto(live_server.url + "/embed/blog?article=/post")
    body = page.get_by_label("Comment", exact=True)
    body.fill("Some **bold** and a [link](https://example.org).")
    expect(page.locator("#preview strong")).to_have_text("bold")
    expect(page.locator("#preview a")).to_have_attribute("rel", "nofollow ugc noopener")
    page.get_by_label("Email (optional)").fill("nope")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#err-author")).to_be_visible()
    expect(page.locator("#err-email")).to_have_text("Not a valid email address.")
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_be_focused()
    expect(body).to_have_value("Some **bold** and a [link](https://example.org).")
    assert page.url.endswith("/embed/blog?article=/post")  # no reload


def test_several_placeholders_load_lazily_in_their_own_language_and_resize(page, live_server, serve, app):
    site = make_site("blog", policy=FAST_POLICY)
    for n in range(12):
        make_comment(site, "/first", body=f"Comment {n} with enough words to take some room on the page.")
    host = serve(host_app({"/": embed_snippet(live_server.url, "blog", article="/first")
                           + '<div style="height:5000px"></div>'
                           + embed_snippet(live_server.url, "blog", article="/second", lang="de")}))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(host.url + "/")
    expect(page.locator("iframe")).to_have_count(1)
    first = page.frame_locator("iframe").first
    expect(first.locator("h1")).to_have_text("Comments (12)")
    page.wait_for_function("document.querySelector('iframe').offsetHeight > 1000")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator("iframe")).to_have_count(2)
    second = page.frame_locator("iframe").nth(1)
    expect(second.locator("h1")).to_have_text("Kommentare (0)")
    second.get_by_placeholder("Kommentar schreiben…").click()  # the one box opens into the form
    expect(second.get_by_role("button", name="Kommentar senden")).to_be_visible()


def test_a_blog_the_site_does_not_list_cannot_frame_the_page(page, live_server, serve, app):
    make_site("owned", origins=["https://blog.example"])
    host = serve(host_app({"/": embed_snippet(live_server.url, "owned", article="/x")}))
    with page.expect_response(lambda r: "/embed/owned" in r.url) as framed:
        page.goto(host.url + "/")
    assert "frame-ancestors 'self' https://blog.example" in framed.value.headers["content-security-policy"]
    page.wait_for_timeout(500)  # time enough for a frame that was allowed to draw its content
    assert page.frame_locator("iframe").locator("#comments").count() == 0


def test_an_edit_a_rule_holds_leaves_the_thread_and_says_so(page, live_server, app):
    make_site("blog", policy={**FAST_POLICY, "suspect_words": ["crypto"]})
    page.goto(live_server.url + "/embed/blog?article=/post")
    page.get_by_label("Comment", exact=True).fill("A fine first thought.")
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#status")).to_have_text("Your comment is published.")
    expect(page.locator("h1")).to_have_text("Comments (1)")
    mine = page.locator("#thread li.comment")
    mine.get_by_role("button", name="Edit").click()
    mine.locator("textarea").fill("A fine first thought about crypto.")
    mine.get_by_role("button", name="Save").click()
    expect(page.locator("#status")).to_have_text("Your comment is awaiting moderation.")
    expect(mine).to_have_class(re.compile(r"\bpending\b"))
    expect(mine.locator(".badge")).to_have_text("Awaiting moderation")
    expect(mine.locator("a.reply")).to_have_count(0)
    expect(page.locator("h1")).to_have_text("Comments (0)")

    page.reload()  # still shown to its author, as held
    held = page.locator("li.comment.pending")
    expect(held).to_contain_text("A fine first thought about crypto.")
    expect(held.locator(".badge")).to_have_text("Awaiting moderation")
    expect(page.locator("h1")).to_have_text("Comments (0)")
    assert page.dialogs == []
