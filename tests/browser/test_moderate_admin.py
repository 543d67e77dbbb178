"""The moderator UI in Chromium: the tab counts follow a keyboard decision at once, the web admin
for sites end to end, the layout details a person sees (checkboxes beside their labels, chart
labels apart), and the quick start as a newcomer lives it: demo setup's printed credentials,
a held comment approved, a second site created in the web admin and embedded on another origin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from service.extensions import db
from service.models import Comment, ModerationEvent, OutboxMessage, Site, Webhook
from service.services.administration.moderators import create_moderator
from tests.browser.moderate_fixtures import keyboard_ready, log_in, moderated  # noqa: F401
from tests.browser.widget_fixtures import host_app
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_keyboard_approval_moves_the_tab_counts_at_once(make_app, serve, page, console_errors):
    app = make_app(WTF_CSRF_ENABLED=True, CACHE_TTL_SECONDS=60.0)
    with app.app_context():
        site = make_site("blog", mode="pre")
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
        for i in range(3):
            make_comment(site, "post-1", status="pending", author=f"Reader {i}", body=f"Held {i}")
        db.session.remove()
    url = serve(app).url
    log_in(page, url, "mod@example.org")
    count = lambda tab: page.locator(f'.tab[data-tab="{tab}"] .count')  # noqa: E731
    expect(count("pending")).to_have_text("3")
    keyboard_ready(page)
    page.keyboard.press("a")
    expect(count("pending")).to_have_text("2")
    expect(count("approved")).to_have_text("1")
    page.keyboard.press("r")
    expect(count("pending")).to_have_text("1")
    expect(count("rejected")).to_have_text("1")
    page.keyboard.press("u")
    expect(count("pending")).to_have_text("2")
    expect(count("rejected")).to_have_text("0")
    page.reload()  # what the server counts agrees, with a minute's cache time
    expect(count("pending")).to_have_text("2")
    expect(count("approved")).to_have_text("1")
    assert console_errors == []


BESIDE = """labels => labels.map(label => {
  const box = label.querySelector('input').getBoundingClientRect();
  const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT,
    {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT});
  const range = document.createRange();
  range.selectNodeContents(walker.nextNode());
  const line = range.getClientRects()[0];
  return {text: label.textContent.trim(), gap: line.left - box.right,
          offset: Math.abs((box.top + box.bottom) / 2 - (line.top + line.bottom) / 2)};
})"""


def assert_checkboxes_beside_their_text(page, selector: str) -> None:
    """Each checkbox on the same line as the start of its label's text, just left of it."""
    placed = page.locator(selector).evaluate_all(BESIDE)
    assert len(placed) == 3
    for label in placed:
        assert 0 <= label["gap"] < 16 and label["offset"] < 6, label


def test_block_checkboxes_sit_beside_their_labels_and_chart_labels_do_not_overlap(browser, moderated):  # noqa: F811
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        log_in(page, moderated.url)
        page.goto(f"{moderated.url}/moderate/comments/{moderated.comment_id}")
        assert_checkboxes_beside_their_text(page, ".block-form fieldset label")
        page.goto(f"{moderated.url}/moderate/?tab=pending")
        page.locator("details.block summary").first.click()
        assert_checkboxes_beside_their_text(page, ".item:first-child .block-form fieldset label")
        page.goto(f"{moderated.url}/moderate/sites/blog/")
        ticks = [t.bounding_box() for t in page.locator(".chart .tick").all()]
        svg = page.locator(".chart-svg").bounding_box()
        assert len(ticks) >= 4
        ticks.sort(key=lambda b: b["x"])
        for left, right in zip(ticks, ticks[1:]):
            assert left["x"] + left["width"] <= right["x"], (left, right)
        assert ticks[-1]["x"] + ticks[-1]["width"] <= svg["x"] + svg["width"] + 0.5  # the last one is not cut off
        context.close()


def test_an_admin_manages_a_site_in_the_web_admin(page, moderated, console_errors):  # noqa: F811
    log_in(page, moderated.url)
    page.click("text=Sites")
    page.click("#new-site")
    page.fill("#slug", "Bad Slug")
    page.fill("#name", "Travel notes")
    page.click("text=Create the site")  # the browser says what the slug may hold, before sending
    assert page.locator("#slug").evaluate("input => input.validity.patternMismatch")
    page.fill("#slug", "blog")
    page.click("text=Create the site")
    expect(page.locator("#e-slug")).to_contain_text("Site 'blog' exists already.")
    page.fill("#slug", "travel")
    page.fill("#origins", "https://travel.example")
    page.select_option("#mode", "pre")
    page.click("text=Create the site")
    expect(page.locator("h1")).to_contain_text("Travel notes")
    expect(page.locator(".flashes")).to_contain_text("Site 'travel' is created.")
    expect(page.locator("pre.snippet")).to_contain_text('data-site="travel"')

    page.fill('input[name="theme-accent"]', "#8a4b2a")
    page.fill('input[name="theme-dark-bg"]', "#101010")
    page.select_option("#language", "fr")
    page.click("text=Save the widget settings")
    expect(page.locator(".flashes")).to_contain_text("The widget settings are saved.")
    expect(page.locator('input[name="theme-accent"]')).to_have_value("#8a4b2a")

    page.fill("#url", "https://hooks.example.org/travel")
    page.locator('#webhook-form input[value="comment.held"]').check()
    page.click("text=Add the webhook")
    secret = page.text_content("#new-secret").strip()
    assert len(secret) == 64
    page.click("button.test")
    expect(page.locator(".flashes")).to_contain_text("A test call to webhook")
    expect(page.locator("table.deliveries")).to_contain_text("webhook.test")
    page.click("button.toggle")
    expect(page.locator(".webhook .state")).to_have_text("disabled")
    expect(page.locator("button.test")).to_have_count(0)

    page.fill('#moderator-form input[name="email"]', "writer@example.org")
    page.click("text=Add a moderator")
    expect(page.locator("#new-password")).not_to_be_empty()
    page.fill('#token-form input[name="name"]', "deploy")
    page.click("text=Create a token for this site")
    expect(page.locator("#new-token")).to_contain_text("cmt_")
    expect(page.locator("#changes")).to_contain_text("token.created")
    expect(page.locator("#changes")).to_contain_text("webhook.disabled")
    with moderated.app.app_context():
        site = db.session.execute(db.select(Site).filter_by(slug="travel")).scalar_one()
        assert site.settings["language"] == "fr" and site.settings["theme"]["dark-bg"] == "#101010"
        assert db.session.execute(db.select(Webhook).filter_by(site_id=site.id)).scalar_one().active is False
        assert db.session.execute(db.select(OutboxMessage).filter_by(event="webhook.test")).scalar_one()
    assert console_errors == []


def test_the_policy_page_backtests_a_change_before_saving_it(page, moderated, console_errors):  # noqa: F811
    log_in(page, moderated.url)
    page.goto(moderated.url + "/moderate/sites/blog/policy")
    expect(page.get_by_label("Minimum seconds between opening the form and posting")).to_have_value("3.0")
    page.get_by_label("Banned words").fill("watches")
    page.click("#backtest-button")
    expect(page.locator("#backtest")).to_contain_text("would change status")
    expect(page.locator("#backtest")).to_contain_text("Contains a banned word")
    expect(page.get_by_label("Banned words")).to_have_value("watches")  # still in the form, not saved
    with moderated.app.app_context():
        assert "banned_words" not in db.session.execute(db.select(Site).filter_by(slug="blog")).scalar_one().policy
    page.click("text=Save the policy")
    expect(page.locator(".flashes")).to_contain_text("The policy is saved.")
    assert console_errors == []


def test_the_dry_run_tries_unsaved_values_and_keeps_them(page, moderated, console_errors):  # noqa: F811
    log_in(page, moderated.url)
    page.goto(moderated.url + "/moderate/sites/blog/policy")
    page.get_by_label("Suspect words").fill("sunglasses")
    page.locator("section.dry-run").get_by_label("Comment").fill("Cheap sunglasses here")
    page.locator("section.dry-run").get_by_role("button", name="Try it").click()
    expect(page.locator("#verdict")).to_contain_text("suspect_word")
    expect(page.get_by_label("Suspect words")).to_have_value("sunglasses")  # still there, not saved
    # The verdict shows while the page is still loading; Enter is the page script's to handle,
    # which starts once the document is parsed (deferred), so wait for it as a reader would.
    page.wait_for_load_state("load")
    page.locator("section.dry-run").get_by_label("Name").fill("Sunny")
    page.locator("section.dry-run").get_by_label("Name").press("Enter")  # Try it, not the Backtest
    expect(page.locator("#verdict")).to_contain_text("suspect_word")
    expect(page.locator("#backtest")).to_have_count(0)
    expect(page.locator(".flash.warning")).to_have_text("These values are not saved yet.")
    with moderated.app.app_context():
        assert "suspect_words" not in db.session.execute(db.select(Site).filter_by(slug="blog")).scalar_one().policy
    assert console_errors == []


CREDENTIALS = re.compile(r"email: (\S+)\n\s*password: (\S+)")


def test_quick_start_demo_credentials_approve_a_held_comment_and_embed_a_second_site(make_app, serve, page,
                                                                                     console_errors):
    """README's quick start: `make run` (migrate, demo setup, serve), log in with the printed
    credentials, approve a held comment, create a second site in the web admin and embed it on
    a page of another origin."""
    app = make_app(WTF_CSRF_ENABLED=True)
    service = serve(app)
    with app.app_context():
        banner = app.test_cli_runner().invoke(args=["demo", "setup", "--url", service.url]).output
        db.session.remove()
    assert f"Moderator queue:  {service.url}/moderate/" in banner
    email, password = CREDENTIALS.search(banner).groups()

    # A reader on the demo blog writes a comment with three links: the rules hold it.
    page.goto(service.url + "/demo/welcome")
    frame = page.frame_locator("iframe")
    frame.get_by_label("Comment", exact=True).fill(  # the form opens when its comment box is used
        "Useful: https://docs.python.org/3/ https://flask.palletsprojects.com/ https://www.sqlite.org/")
    frame.get_by_label("Name").fill("Newcomer")
    page.wait_for_timeout(3100)  # as long as a person takes to type it
    frame.get_by_role("button", name="Post comment").click()
    expect(frame.locator("#status")).to_contain_text("awaiting moderation")

    # The owner logs in with the printed credentials and approves it.
    page.goto(service.url + "/moderate/")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    item = page.locator("#items > li.item").first
    expect(item).to_contain_text("Newcomer")
    expect(item.locator(".reasons")).to_contain_text("link")
    item.locator("button.approve").click()
    expect(page.locator('.tab[data-tab="pending"] .count')).to_have_text("0")
    with app.app_context():
        assert db.session.execute(db.select(Comment)).scalar_one().status.value == "approved"
        assert db.session.execute(db.select(ModerationEvent.actor).order_by(ModerationEvent.id.desc())).first()[0] \
            == "moderator"

    # A second site, created in the web admin for a blog on another origin.
    blog_pages: dict[str, str] = {}
    blog = serve(host_app(blog_pages))
    page.click("text=Sites")
    page.click("#new-site")
    page.fill("#slug", "second")
    page.fill("#name", "Second blog")
    page.fill("#origins", blog.url)
    page.select_option("#mode", "post")
    page.click("text=Create the site")
    snippet = page.text_content("pre.snippet").replace("/path/of/the/article", "/hello")
    assert f'src="{service.url}/embed.js"' in snippet
    blog_pages["/hello"] = "<h1>Hello</h1><p>An article.</p>" + snippet

    page.goto(blog.url + "/hello")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("Comments (0)")
    frame.get_by_label("Comment", exact=True).fill("Glad to find comments here.")  # opens the form
    frame.get_by_label("Name").fill("Visitor")
    page.wait_for_timeout(3100)
    frame.get_by_role("button", name="Post comment").click()
    expect(frame.locator("#status")).to_contain_text("published")
    expect(frame.locator("#thread li.comment")).to_contain_text("Glad to find comments here.")
    with app.app_context():
        site = db.session.execute(db.select(Site).filter_by(slug="second")).scalar_one()
        assert site.origins == [blog.url]
    assert page.dialogs == [] and console_errors == []
