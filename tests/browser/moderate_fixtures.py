"""A moderator UI with something on every page: two sites, held, reported and approved
comments with reasons and long unbroken text, a block, a webhook with a delivery, a token,
an administrator; and the list of every /moderate/ page to visit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.extensions import db
from service.models import Block, OutboxMessage
from service.services.administration.moderators import create_moderator
from service.services.administration.tokens import create_token
from service.services.delivery.webhooks import create_webhook
from service.services.comments.flags import flag_comment
from service.services.comments.submissions import Client
from tests.factories import make_comment, make_site

ADMIN = "admin@example.org"
PASSWORD = "correct horse battery"


@dataclass
class Moderated:
    app: object
    url: str
    comment_id: int
    article_id: int
    pages: list[str]


def populate() -> tuple[int, int]:
    blog = make_site("blog", mode="pre", name="A blog with a rather long name for a phone screen",
                     origins=["https://blog.example.com"])
    make_site("second", mode="post", name="Second")
    create_moderator(ADMIN, PASSWORD, is_admin=True)
    create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
    held = make_comment(blog, "/2024/05/a-very-long-article-path-that-goes-on-and-on-without-a-break",
                        status="pending", author="Mallory Longname-Withoutspaces", email="mallory@example.net",
                        body="Buy cheap watches at https://spam.example/" + "x" * 120, ip_hash="a" * 32,
                        reasons=[{"code": "suspect_word", "verdict": "hold", "message": "Contains a suspect word.",
                                  "matched": ["cheap"]}])
    for i in range(3):
        make_comment(blog, "post-2", status="pending", author=f"Reader {i}", email=f"r{i}@example.org",
                     body=f"A held comment number {i} " + "with some words " * 10)
    published = make_comment(blog, "post-2", status="approved", author="Dave", body="Reported text.")
    for reporter in range(3):
        flag_comment(published.id, "spam", "Selling things", Client(ip_hash=f"reporter-{reporter}"))
    make_comment(blog, "post-2", status="rejected", author="Eve", body="Rejected text.")
    db.session.add(Block(site_id=blog.id, kind="email", value="someone-with-a-long-address@example.org",
                         note="repeated spam"))
    hook = create_webhook(blog, "https://hooks.example.org/a/rather/long/path/for/the/comment/webhook/receiver")
    db.session.add(OutboxMessage(kind="webhook", site_id=blog.id, event="comment.held", webhook_id=hook.id,
                                 payload={}, status="pending"))
    db.session.commit()
    create_token("ci-bot", site_slugs=["blog"])
    return held.id, held.article_id


def moderate_pages(comment_id: int, article_id: int) -> list[str]:
    tabs = [f"/moderate/?tab={tab}" for tab in ("pending", "reported", "approved", "rejected", "spam", "all")]
    return [*tabs, f"/moderate/comments/{comment_id}", f"/moderate/articles/{article_id}", "/moderate/sites/",
            "/moderate/sites/blog/", "/moderate/sites/blog/policy", "/moderate/sites/blog",
            "/moderate/sites/new", "/moderate/log", "/moderate/tokens", "/moderate/moderators"]


@pytest.fixture
def moderated(make_app, serve) -> Moderated:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        comment_id, article_id = populate()
        db.session.remove()
    return Moderated(app=app, url=serve(app).url, comment_id=comment_id, article_id=article_id,
                     pages=moderate_pages(comment_id, article_id))


def keyboard_ready(page) -> None:
    """The queue's keys work once queue.js has run: it marks the first comment as the current one."""
    # A function, not an expression: an expression would be run through eval, which the
    # pages' Content-Security-Policy forbids.
    page.wait_for_function("() => !document.querySelector('#items > li.item')"
                           " || !!document.querySelector('#items > li.item.current')")


def log_in(page, url: str, email: str = ADMIN, password: str = PASSWORD) -> None:
    page.goto(url + "/moderate/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(lambda u: "/moderate/login" not in u)
