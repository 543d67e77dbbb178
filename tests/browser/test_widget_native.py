"""The widget at home on the host blog: its look, its size, its languages, and the host page's
figures; and the comments reached from the blog page with JavaScript off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.models import Article
from tests.browser.widget_fixtures import FAST_POLICY, embed_snippet, host_app
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser

CREAM, INK, BROWN = "rgb(253, 252, 248)", "rgb(34, 34, 34)", "rgb(138, 59, 18)"


def style(frame, selector: str, prop: str) -> str:
    return frame.locator(selector).first.evaluate(f"(e) => getComputedStyle(e).{prop}")


def frame_of(page, site: str):
    page.wait_for_function(f"[...document.querySelectorAll('iframe')].some(f => f.src.includes('/embed/{site}'))")
    page.frame_locator("iframe").first.locator("#comments").wait_for()
    frame = next(f for f in page.frames if f"/embed/{site}" in f.url)
    frame.wait_for_load_state("load")  # the theme's stylesheets apply once they have arrived
    return frame


def test_the_demo_widget_is_serif_on_cream_with_brown_links(page, live_server, app):
    site = make_site("demo", policy=FAST_POLICY)
    make_comment(site, "/demo/welcome", author="Grace", body="See [the plan](https://example.org/plan).")
    page.goto(live_server.url + "/demo/welcome")
    page.locator("#comments").scroll_into_view_if_needed()
    frame = frame_of(page, "demo")
    expect(frame.locator("#thread li.comment")).to_have_count(1)
    assert "Georgia" in style(frame, "body", "fontFamily")
    assert style(frame, "body", "backgroundColor") == CREAM
    assert style(frame, "body", "color") == INK
    assert style(frame, ".body a", "color") == BROWN
    assert style(frame, "#submit", "backgroundColor") == BROWN


def test_the_sites_theme_and_data_theme_attributes_win_over_the_hosts_look(page, live_server, serve, app):
    site = make_site("blog", policy=FAST_POLICY)
    site.settings = {"theme": {"bg": "#fafafa"}}
    db.session.commit()
    make_comment(site, "/post", body="A [link](https://example.org).")
    host = serve(host_app({"/post": '<div style="font-family: Georgia, serif; color: #333; background: #fdf6e3">'
                                    '<a href="/x" style="color:#0a0">own link</a>'
                                    + embed_snippet(live_server.url, "blog", article="/post", theme_accent="#c00")
                                    + "</div>"}))
    page.goto(host.url + "/post")
    frame = frame_of(page, "blog")
    expect(frame.locator("#thread li.comment")).to_have_count(1)
    assert "Georgia" in style(frame, "body", "fontFamily")  # inherited
    assert style(frame, "body", "color") == "rgb(51, 51, 51)"  # inherited
    assert style(frame, "body", "backgroundColor") == "rgb(250, 250, 250)"  # the site's theme
    assert style(frame, ".body a", "color") == "rgb(204, 0, 0)"  # the embed's data-theme-accent


def test_the_form_starts_as_one_box_that_opens_on_focus(page, live_server, app):
    make_site("blog", policy=FAST_POLICY)
    page.goto(live_server.url + "/embed/blog?article=/post")
    box = page.get_by_placeholder("Write a comment…")
    expect(box).to_be_visible()
    expect(page.get_by_label("Name")).to_be_hidden()
    expect(page.get_by_role("button", name="Post comment")).to_be_hidden()
    box.focus()
    expect(page.get_by_label("Name")).to_be_visible()
    expect(page.get_by_role("button", name="Post comment")).to_be_visible()


def frame_fits_its_content(page, inner, timeout_ms: int = 10_000) -> int:
    """The frame's height once the widget has told the host its size and the host has applied it:
    equal to the widget's content (the host page and the frame are different origins, so this is
    polled from here rather than waited for inside the page)."""
    content = "Math.ceil(document.body.getBoundingClientRect().height)"
    height = "document.querySelector('iframe').offsetHeight"
    for _ in range(timeout_ms // 100):
        framed = page.evaluate(height)
        if abs(framed - inner.evaluate(content)) <= 2:
            return framed
        page.wait_for_timeout(100)
    raise AssertionError(f"the frame ({page.evaluate(height)} px) never fitted its content ({inner.evaluate(content)} px)")


def test_the_frame_shrinks_when_its_content_gets_shorter(page, live_server, serve, app):
    make_site("blog", policy=FAST_POLICY)
    host = serve(host_app({"/post": embed_snippet(live_server.url, "blog", article="/post")}))
    page.goto(host.url + "/post")
    frame = page.frame_locator("iframe")
    inner = frame_of(page, "blog")
    frame.get_by_label("Comment", exact=True).click()
    expect(frame.get_by_label("Name")).to_be_visible()
    opened = frame_fits_its_content(page, inner)
    frame.get_by_label("Comment", exact=True).fill("\n\n".join(f"Paragraph {n} of a long thought." for n in range(15)))
    expect(frame.locator("#preview p")).to_have_count(15)
    page.wait_for_function(f"document.querySelector('iframe').offsetHeight > {opened + 500}")
    frame.get_by_label("Comment", exact=True).fill("")
    expect(frame.locator("#preview-box")).to_be_hidden()
    # back to the height it had before the preview, with no empty band below the form
    assert abs(frame_fits_its_content(page, inner) - opened) <= 2


def test_a_comment_just_posted_has_its_reply_link_at_once(page, live_server, app):
    make_site("blog", policy=FAST_POLICY)
    page.goto(live_server.url + "/embed/blog?article=/post")
    page.get_by_label("Comment", exact=True).fill("The first word.")
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator("#thread > li.comment")
    expect(posted).to_have_count(1)
    posted.get_by_role("link", name="Reply").click()
    expect(page.locator("#replying")).to_have_text(re.compile("Replying to Ada"))
    page.get_by_label("Comment", exact=True).fill("An answer, without a reload.")
    page.get_by_role("button", name="Post comment").click()
    reply = posted.locator("ol.replies > li.comment")
    expect(reply).to_contain_text("An answer, without a reload.")
    expect(reply.get_by_role("link", name="Reply")).to_have_count(1)  # depth 2 of 3: still answerable
    assert page.url.endswith("/embed/blog?article=/post")


def test_the_host_pages_count_updates_after_a_post(page, live_server, serve, app):
    host = serve(host_app({}))
    make_site("blog", origins=[host.url], policy=FAST_POLICY)
    host.replace_app(host_app({"/post": (
        '<a id="count" href="#comments" data-comments-count>Comments</a>'
        + embed_snippet(live_server.url, "blog")
        + f'<script src="{live_server.url}/count.js" data-site="blog" async></script>')}))
    page.goto(host.url + "/post")
    expect(page.locator("#count")).to_have_text("Comments (0)")
    # a message from the host page itself is not the service's word
    page.evaluate("window.postMessage({type: 'comments:count', site: 'blog', article: '/post', count: 99}, '*')")
    page.wait_for_timeout(200)
    expect(page.locator("#count")).to_have_text("Comments (0)")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Comment", exact=True).fill("Counted at once.")
    frame.get_by_label("Name").fill("Ada")
    frame.get_by_role("button", name="Post comment").click()
    expect(frame.locator("#status")).to_contain_text("Your comment is published.")
    expect(page.locator("#count")).to_have_text("Comments (1)")


def test_russian_forms_for_1_2_5_and_21_comments(page, live_server, serve, app):
    site = make_site("blog", policy=FAST_POLICY)
    for key, n in (("/one", 1), ("/two", 2), ("/five", 5), ("/many", 21)):
        for _ in range(n):
            make_comment(site, key)
    links = "".join(f'<a id="c{n}" href="{key}" data-comments-count>?</a> '
                    for key, n in (("/one", 1), ("/two", 2), ("/five", 5), ("/many", 21)))
    host = serve(host_app({"/": links + f'<script src="{live_server.url}/count.js" data-site="blog" data-lang="ru" '
                                        f'async></script>'}))
    page.goto(host.url + "/")
    page.wait_for_function("document.getElementById('c21').textContent !== '?'")
    assert [page.text_content(f"#c{n}") for n in (1, 2, 5, 21)] == [
        "1 комментарий", "2 комментария", "5 комментариев", "21 комментарий"]

    # the page itself: Babel's form on the server, Intl.PluralRules after a post
    page.goto(live_server.url + "/embed/blog?article=/many&lang=ru")
    expect(page.locator("h1")).to_have_text("21 комментарий")
    page.get_by_label("Комментарий", exact=True).fill("Ещё один.")
    page.get_by_label("Имя").fill("Аня")
    page.get_by_role("button", name="Отправить комментарий").click()
    expect(page.locator("h1")).to_have_text("22 комментария")
    expect(page.locator("#thread > li.comment").last.locator("time")).to_have_text(re.compile(r"\d{4} г\."))


def test_arabic_reads_right_to_left(page, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    parent = make_comment(site, "/post", author="ليلى", body="تعليق أول.")
    make_comment(site, "/post", author="سمير", body="رد عليه.", parent=parent)
    english = make_comment(site, "/post", author="Sam", body="Written in English.")
    page.goto(live_server.url + "/embed/blog?article=/post&lang=ar")
    expect(page.locator("h1")).to_have_text("3 تعليقات")
    # a comment in a left-to-right script keeps its own direction on the right-to-left page
    assert style(page, f"#comment-{english.id} .body", "direction") == "ltr"
    assert style(page, f"#comment-{parent.id} .body", "direction") == "rtl"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert style(page, "body", "direction") == "rtl"
    # the reply's rule and indent sit on the right, where the lines start
    assert style(page, "ol.replies", "borderRightWidth") == "2px"
    assert style(page, "ol.replies", "borderLeftWidth") == "0px"
    thread = page.locator("#thread").bounding_box()
    reply = page.locator("ol.replies > li.comment").bounding_box()
    assert reply["x"] + reply["width"] < thread["x"] + thread["width"] - 10
    # no sideways scrolling from anything pushed off to the left
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_without_javascript_the_blog_page_leads_to_comments_that_work(browser, live_server, app):
    site = make_site("demo", policy=FAST_POLICY)
    make_comment(site, "/demo/welcome", author="Grace", body="A first comment.")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/demo/welcome")
        page.get_by_role("link", name="Read and write comments").click()
        expect(page.locator("h1")).to_have_text("Comments (1)")
        expect(page.locator("#thread")).to_contain_text("A first comment.")
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Comment", exact=True).fill("Written with scripts off, from the article.")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("#status")).to_have_text("Your comment is published.")
        expect(page.locator("#thread")).to_contain_text("Written with scripts off, from the article.")
        page.get_by_role("link", name="Back to the article").click()
        assert page.url == live_server.url + "/demo/welcome"
        expect(page.locator("h1")).to_have_text("Welcome to the workshop notebook")
    finally:
        context.close()
    db.session.expire_all()
    article = db.session.execute(db.select(Article).where(Article.site_id == site.id)).scalar_one()
    assert (article.key, article.approved_count) == ("/demo/welcome", 2)
