"""axe-core (through axe-playwright-python) on the embed page and the demo blog: no serious or
critical violation, in light and dark, on a desktop and on a phone."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.widget_fixtures import FAST_POLICY
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# The embed page is checked on its own; inside the demo article it is another document.
OPTIONS = {"resultTypes": ["violations"], "iframes": False}
AXE = Axe()


def blocking_violations(page) -> list[str]:
    response = AXE.run(page, options=OPTIONS).response
    assert response["testEngine"]["name"] == "axe-core"
    return [f"{v['id']} ({v['impact']}): " + "; ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in response["violations"] if v["impact"] in BLOCKING]


@pytest.fixture
def threads(app):
    demo = make_site("demo", policy=FAST_POLICY)
    parent = make_comment(demo, "/demo/welcome", author="Grace", body="A *published* comment with a [link](https://e.org).")
    make_comment(demo, "/demo/welcome", author="Ada", body="> a quote\n\n- a\n- list", parent=parent)
    blog = make_site("blog", mode="pre", policy=FAST_POLICY)
    first = make_comment(blog, "/post", author="ليلى", body="تعليق مع [رابط](https://e.org).")
    make_comment(blog, "/post", author="سمير", body="رد عليه.", parent=first)
    return demo, blog


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_and_demo_pages_have_no_serious_or_critical_violation(browser, live_server, threads, scheme, width,
                                                                     height):
    # axe is evaluated into the page by the test; the pages' CSP allows no script but their own
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    try:
        page.goto(live_server.url + "/demo/")
        page.wait_for_function("[...document.querySelectorAll('[data-comments-count]')].every(e => /\\d/.test(e.textContent))")
        found["demo index"] = blocking_violations(page)

        page.goto(live_server.url + "/demo/welcome")
        page.locator("#comments iframe").scroll_into_view_if_needed()
        found["demo article"] = blocking_violations(page)
        # the widget as this article shows it: in the blog's own look, for this colour scheme
        frame_url = page.locator("#comments iframe").get_attribute("src")
        assert "host-bg=" in frame_url

        page.goto(frame_url)
        expect(page.locator("#thread li.comment")).to_have_count(2)
        found["embed in the blog's look"] = blocking_violations(page)
        page.get_by_label("Comment", exact=True).fill("**Preview** me")
        page.get_by_label("Email (optional)").fill("nope")
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator("#err-author")).to_be_visible()
        expect(page.locator("#preview strong")).to_be_visible()
        found["embed with field errors and a preview"] = blocking_violations(page)

        page.goto(live_server.url + "/embed/blog?" + urlencode({"article": "/post", "lang": "ar"}))
        expect(page.locator("#thread li.comment")).to_have_count(2)
        found["embed in Arabic, premoderated, own look"] = blocking_violations(page)
        page.get_by_label("التعليق", exact=True).fill("تعليق جديد.")
        page.get_by_label("الاسم").fill("نور")
        page.get_by_role("button", name="انشر التعليق").click()
        expect(page.locator("li.comment.pending")).to_have_count(1)
        found["embed with an own comment awaiting moderation"] = blocking_violations(page)
    finally:
        context.close()
    assert found == {name: [] for name in found}


def test_the_check_does_catch_a_serious_violation(browser, live_server, app):
    """The filter above would pass anything if axe found nothing: a nameless button must count."""
    make_site("blog", policy=FAST_POLICY)
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/blog?article=/post")
        page.evaluate("document.querySelector('main').append(document.createElement('button'))")
        assert any(v.startswith("button-name (critical)") for v in blocking_violations(page))
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_with_its_subscribe_form_has_no_serious_or_critical_violation(browser, live_server, threads, app,
                                                                              scheme, width, height):
    app.config["SMTP_HOST"] = "127.0.0.1"  # the form is shown only where the service sends mail; none is sent here
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/embed/demo?" + urlencode({"article": "/demo/welcome", "lang": "ru"}))
        expect(page.locator("#subscribe")).to_be_visible()
        assert blocking_violations(page) == []
    finally:
        context.close()
