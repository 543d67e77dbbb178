"""Reader features in Chromium: votes (with and without JavaScript), reports, the top order,
avatars served by the service alone, the feed, and pinned comments first."""

from __future__ import annotations

from urllib.parse import urlsplit

import feedparser
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service.extensions import db

from service.services.administration import tokens
from tests.browser.widget_fixtures import FAST_POLICY, embed_snippet, host_app
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_vote_and_withdraw_in_the_widget_on_a_blog(page, live_server, serve, app):
    host = serve(host_app({}))
    site = make_site("blog", origins=[host.url], policy=FAST_POLICY)
    make_comment(site, "/post", body="Vote for me", ip_hash="someone-else")
    host.replace_app(host_app({"/post": "<h1>A post</h1>" + embed_snippet(live_server.url, "blog")}))
    page.goto(host.url + "/post")
    frame = page.frame_locator("iframe")
    like = frame.locator("button.vote-like")
    expect(like).to_have_accessible_name("Like 0")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like.locator(".n")).to_have_text("0")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".n")).to_have_text("1")

    page.reload()  # the count is the service's, the pressed button this browser's memory
    frame = page.frame_locator("iframe")
    like, dislike = frame.locator("button.vote-like"), frame.locator("button.vote-dislike")
    expect(like.locator(".n")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    dislike.click()  # replaces the like
    expect(dislike).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".n")).to_have_text("0")
    expect(dislike.locator(".n")).to_have_text("1")
    dislike.click()  # pressing one's vote again withdraws it
    expect(dislike).to_have_attribute("aria-pressed", "false")
    expect(dislike.locator(".n")).to_have_text("0")
    page.reload()
    frame = page.frame_locator("iframe")
    expect(frame.locator("button.vote-like").locator(".n")).to_have_text("0")
    expect(frame.locator("button.vote-dislike").locator(".n")).to_have_text("0")
    assert page.dialogs == []


def test_vote_and_withdraw_without_javascript(browser, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    make_comment(site, "/post", body="Vote for me", ip_hash="someone-else")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        page.locator("button.vote-like").click()
        expect(page.locator("#status")).to_contain_text("Your vote is counted.")
        expect(page.locator("button.vote-like").locator(".n")).to_have_text("1")
        page.get_by_role("button", name="Withdraw my vote").click()
        expect(page.locator("#status")).to_contain_text("Your vote is withdrawn.")
        expect(page.locator("button.vote-like").locator(".n")).to_have_text("0")
    finally:
        context.close()


def test_order_by_top(page, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    plain = make_comment(site, "/post", body="Nobody voted")
    loved = make_comment(site, "/post", body="Everybody liked this")
    client = app.test_client()
    for i in range(3):
        assert client.post(f"/api/v1/comments/{loved.id}/vote", json={"value": 1},
                           environ_base={"REMOTE_ADDR": f"10.9.0.{i + 1}"}).status_code == 200
    page.goto(live_server.url + "/embed/blog?article=/post&order=top")
    items = page.locator("#thread > li.comment")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Everybody liked this")
    expect(items.nth(0).locator("button.vote-like").locator(".n")).to_have_text("3")
    expect(items.nth(1)).to_contain_text("Nobody voted")
    page.goto(live_server.url + "/embed/blog?article=/post")
    expect(page.locator("#thread > li.comment").nth(0)).to_have_attribute("id", f"comment-{plain.id}")


def test_avatars_are_shown_and_no_request_leaves_the_services_origin(page, live_server, serve, app):
    host = serve(host_app({}))
    site = make_site("blog", origins=[host.url], policy=FAST_POLICY)
    for email, author in (("ann@example.com", "Ann"), ("bob@example.com", "Bob"), (None, "Cy")):
        make_comment(site, "/post", email=email, author=author)
    host.replace_app(host_app({"/post": "<h1>A post</h1>" + embed_snippet(live_server.url, "blog")}))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host.url + "/post")
    frame = page.frame_locator("iframe")
    avatars = frame.locator("img.avatar")
    expect(avatars).to_have_count(3)
    for i in range(3):
        expect(avatars.nth(i)).to_be_visible()
    # The avatars load lazily: wait until each has arrived and decoded to a real picture.
    widget = next(f for f in page.frames if "/embed/blog" in f.url)
    widget.wait_for_function("() => [...document.querySelectorAll('img.avatar')]"
                             ".every(img => img.complete && img.naturalWidth > 0)")
    page.wait_for_load_state("networkidle")
    origins = {origin(url) for url in requests}
    assert origins == {host.url, live_server.url}, origins
    avatar_requests = [url for url in requests if "/avatars/" in url]
    assert len(avatar_requests) == 3 and all(url.startswith(live_server.url + "/avatars/") for url in avatar_requests)
    host_requests = [url for url in requests if url.startswith(host.url)]
    assert host_requests == [host.url + "/post"]  # the blog's own page, nothing else on its origin


def test_the_feed_linked_from_the_widget_parses(page, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    make_comment(site, "/post", body="In the *feed*", author="Ann")
    page.goto(live_server.url + "/embed/blog?article=/post")
    link = page.get_by_role("link", name="Comments feed (Atom)")
    expect(link).to_be_visible()
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.version == "atom10"
    assert [e.author for e in feed.entries] == ["Ann"]
    assert feed.entries[0].content[0].value == "<p>In the <em>feed</em></p>"


def test_a_pinned_comment_comes_first(page, live_server, app):
    site = make_site("blog", policy=FAST_POLICY)
    make_comment(site, "/post", body="First in time")
    later = make_comment(site, "/post", body="The answer, pinned")
    page.goto(live_server.url + "/embed/blog?article=/post")
    expect(page.locator("#thread > li.comment").nth(0)).to_contain_text("First in time")
    _, plaintext = tokens.create_token("bot", site_slugs=["blog"])
    pinned = app.test_client().patch(f"/api/v1/moderation/comments/{later.id}", json={"pinned": True},
                                     headers={"Authorization": f"Bearer {plaintext}"})
    assert pinned.status_code == 200
    for order in ("oldest", "newest", "top"):
        page.goto(live_server.url + f"/embed/blog?article=/post&order={order}")
        first = page.locator("#thread > li.comment").nth(0)
        expect(first).to_contain_text("The answer, pinned")
        expect(first.locator(".badge-pinned")).to_have_text("Pinned")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_votes_badges_and_avatars_pass_axe(browser, live_server, app, scheme):
    site = make_site("blog", policy=FAST_POLICY)
    pinned = make_comment(site, "/post", body="Pinned, by the editor")
    make_comment(site, "/post", body="A reader's")
    pinned.pinned = pinned.by_moderator = True
    db.session.commit()
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        page.locator("button.vote-like").nth(1).click()
        expect(page.locator("button.vote-like").nth(1)).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".badge-moderator")).to_have_count(1)
        page.locator("details.report summary").first.click()  # the open report form is checked too
        expect(page.locator("details.report").first.get_by_role("radio", name="Abusive")).to_be_visible()
        response = Axe().run(page, options={"resultTypes": ["violations"], "iframes": False}).response
        blocking = [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in response["violations"]
                    if v["impact"] in {"serious", "critical"}]
        assert blocking == []
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_reader_reports_a_comment_from_the_widget(browser, live_server, app, javascript):
    from service.models import Flag

    site = make_site("blog", policy=FAST_POLICY)
    rude = make_comment(site, "/post", body="Something rude")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        if javascript:  # sent without a reload: a half-written comment stays
            page.get_by_label("Comment", exact=True).fill("Half a thought")
        item = page.locator(f"#comment-{rude.id}")
        item.get_by_text("Report", exact=True).click()
        item.get_by_role("radio", name="Abusive").check()
        item.get_by_role("button", name="Send report").click()
        expect(page.locator("#status")).to_have_text("Thank you: a moderator will look at this comment.")
        flags = db.session.execute(db.select(Flag.comment_id, Flag.reason)).all()
        assert [tuple(f) for f in flags] == [(rude.id, "abusive")]
        page.locator(f"#comment-{rude.id}").get_by_text("Report", exact=True).click()
        page.locator(f"#comment-{rude.id}").get_by_role("button", name="Send report").click()
        expect(page.locator("#status")).to_have_text("You have reported this comment already.")
        if javascript:
            expect(page.get_by_label("Comment", exact=True)).to_have_value("Half a thought")
    finally:
        context.close()
