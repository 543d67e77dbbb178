"""The moderator queue in Chromium: logging in, deciding from the keyboard, undo, bulk
approval, blocking an author from an item, and a form without its CSRF token refused.

The app runs with CSRF checks on, as in production, and the page's strict CSP must not
report any violation (no inline script, handler or style)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.extensions import db
from service.models import Block, Comment
from service.services.administration.moderators import create_moderator
from tests.browser.moderate_fixtures import keyboard_ready
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@dataclass
class Setup:
    app: object
    url: str
    ids: list[int]  # newest first, as the queue lists them


@pytest.fixture
def moderated(make_app, serve):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        site = make_site("blog", mode="pre")
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
        ids = [make_comment(site, "post-1", status="pending", author=f"Reader {i}", email=f"r{i}@example.org",
                            body=f"Held comment {i}").id for i in range(4)]
    return Setup(app=app, url=serve(app).url, ids=list(reversed(ids)))


def status_of(setup: Setup, comment_id: int) -> str:
    with setup.app.app_context():
        return db.session.get(Comment, comment_id).status.value


@pytest.fixture
def console_errors(page):
    """Script errors and CSP refusals reported by the page (not HTTP error statuses, which
    the wrong-password attempt produces on purpose)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def log_in(page, setup: Setup) -> None:
    page.goto(setup.url + "/moderate/")
    assert "/moderate/login" in page.url
    page.fill('input[name="email"]', "mod@example.org")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_selector("#items")
    keyboard_ready(page)


def test_login_shows_the_pending_queue(page, moderated, console_errors):
    page.goto(moderated.url + "/moderate/login")
    page.fill('input[name="email"]', "mod@example.org")
    page.fill('input[name="password"]', "wrong password!")
    page.click('button[type="submit"]')
    assert "do not match an active account" in page.text_content(".flashes")
    log_in(page, moderated)
    assert page.locator("#items > li.item").count() == 4
    assert "Pending" in page.text_content(".tab.current") and "4" in page.text_content(".tab.current .count")
    assert console_errors == []


def test_keyboard_j_then_a_approves_r_rejects_and_u_undoes(page, moderated, console_errors):
    log_in(page, moderated)
    first, second, third = moderated.ids[:3]
    assert page.get_attribute("#items > li.item.current", "data-id") == str(first)
    page.keyboard.press("j")
    assert page.get_attribute("#items > li.item.current", "data-id") == str(second)
    page.keyboard.press("a")
    page.wait_for_selector(f'#c{second}[data-status="approved"]')
    assert status_of(moderated, second) == "approved"
    assert page.get_attribute("#items > li.item.current", "data-id") == str(third)
    page.keyboard.press("r")
    page.wait_for_selector(f'#c{third}[data-status="rejected"]')
    assert status_of(moderated, third) == "rejected"
    assert "Press u to undo" in page.text_content("#live")
    page.keyboard.press("u")
    page.wait_for_selector(f'#c{third}[data-status="pending"]')
    assert status_of(moderated, third) == "pending"
    assert status_of(moderated, first) == "pending"
    page.keyboard.press("?")
    assert page.is_visible("#help")
    assert console_errors == []


def test_bulk_approve_of_comments_selected_with_x(page, moderated, console_errors):
    log_in(page, moderated)
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.text_content("#bulk-count") == "2 selected"
    page.click('#bulk-form button[value="approved"]')
    page.wait_for_selector(".flash.ok")
    assert "Approved: 2 comments." in page.text_content(".flashes")
    assert [status_of(moderated, i) for i in moderated.ids] == ["approved", "approved", "pending", "pending"]
    assert page.locator("#items > li.item").count() == 2
    assert console_errors == []


def test_keys_still_work_after_a_box_is_ticked_by_hand(page, moderated, console_errors):
    log_in(page, moderated)
    page.click(f"#c{moderated.ids[1]} input.pick")  # focus is on the box now
    assert page.text_content("#bulk-count") == "1 selected"
    page.keyboard.press("j")  # from the ticked item to the next one
    page.keyboard.press("x")
    assert page.text_content("#bulk-count") == "2 selected"
    assert page.is_checked(f"#c{moderated.ids[2]} input.pick")
    assert console_errors == []


def test_bulk_with_nothing_selected_says_so(page, moderated, console_errors):
    log_in(page, moderated)
    page.click('#bulk-form button[value="rejected"]')
    page.wait_for_selector(".flash")
    assert "Select at least one comment first." in page.text_content(".flashes")
    assert [status_of(moderated, i) for i in moderated.ids] == ["pending"] * 4


def test_a_keeps_a_reported_published_comment(page, moderated, console_errors):
    with moderated.app.app_context():
        site = db.session.execute(db.select(Comment)).scalars().first().article.site
        reported = make_comment(site, "post-2", status="approved", author="Reported Rita", body="Fine words.")
        reported.flag_count = 3
        db.session.commit()
        reported_id = reported.id
    log_in(page, moderated)
    page.goto(moderated.url + "/moderate/?tab=reported")
    keyboard_ready(page)
    assert page.text_content('.tab[data-tab="reported"] .count') == "1"
    page.keyboard.press("a")
    page.wait_for_function("() => document.querySelector('#live') "
                           "&& document.querySelector('#live').textContent.includes('Kept')")
    assert page.text_content('.tab[data-tab="reported"] .count') == "0"
    assert page.locator(f'#c{reported_id} button[value="approved"]').count() == 0  # nothing left to keep
    with moderated.app.app_context():
        comment = db.session.get(Comment, reported_id)
        assert (comment.status.value, comment.flag_count) == ("approved", 0)
    assert console_errors == []


def test_block_the_author_from_an_item(page, moderated, console_errors):
    log_in(page, moderated)
    item = page.locator(f"#c{moderated.ids[0]}")
    item.locator("details.block summary").click()
    item.locator('input[name="kinds"][value="name"]').check()
    item.locator('select[name="expires"]').select_option("7")
    item.locator("button.block-button").click()
    page.wait_for_selector(".flash.ok")
    assert "Blocked by email, ip, name." in page.text_content(".flashes")
    with moderated.app.app_context():
        blocks = {b.kind: b for b in db.session.execute(db.select(Block)).scalars()}
    assert set(blocks) == {"email", "ip", "name"}
    assert blocks["email"].value == "r3@example.org" and blocks["name"].expires_at is not None
    assert console_errors == []


def test_a_form_posted_without_its_csrf_token_is_refused(page, moderated):
    log_in(page, moderated)
    target = moderated.ids[0]
    item = page.locator(f"#c{target}")
    item.locator("details.block summary").click()
    item.locator('.block-form input[name="csrf_token"]').evaluate("input => input.remove()")
    item.locator("button.block-button").click()
    page.wait_for_load_state()
    assert "400 Bad Request" in page.title() and "CSRF" in page.text_content("main")
    page.go_back()
    status = page.evaluate("""async (url) => {
        const body = new FormData(); body.append("status", "spam");
        const response = await fetch(url, {method: "POST", body, headers: {"X-Requested-With": "fetch"}});
        return response.status;
    }""", f"{moderated.url}/moderate/comments/{target}/status")
    assert status == 400
    assert status_of(moderated, target) == "pending"
    with moderated.app.app_context():
        assert db.session.execute(db.select(Block)).first() is None
