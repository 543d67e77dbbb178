"""The queue listing is rendered once per page and queue state, and reused: these tests run two
apps on one database (two worker processes) with a long cache time, so that only the state key
can make a change show at once."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from service.extensions import db
from service.models import Comment, Moderator, Site
from service.services.comments.submissions import Client
from service.services.comments.flags import flag_comment, thresholds
from service.services.administration.moderators import assign_sites, create_moderator, deactivate
from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site
from tests.queue.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture
def workers(make_app):
    """Two apps that remember for a minute, and the data, made through the first."""
    first = make_app(CACHE_TTL_SECONDS=60.0, WTF_CSRF_ENABLED=True)
    second = make_app(CACHE_TTL_SECONDS=60.0, WTF_CSRF_ENABLED=True)
    with first.app_context():
        make_site("blog", mode="pre")
        make_site("other", mode="pre")
        create_moderator("admin@example.org", PASSWORD, is_admin=True)
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
    return first, second


def _client(app, email: str):
    client = app.test_client()
    page = client.get("/moderate/login").get_data(as_text=True)
    response = client.post("/moderate/login", data={"email": email, "password": PASSWORD,
                                                      "csrf_token": TOKEN.search(page).group(1)})
    assert response.status_code == 302
    return client


def _comment(app, site: str, author: str, **kwargs) -> int:
    with app.app_context():
        return make_comment(db.session.scalar(db.select(Site).filter_by(slug=site)), "post-1", status="pending",
                            author=author, **kwargs).id


def _statements(app, fetch) -> tuple[str, list[str]]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        return fetch(), seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_a_second_load_reuses_the_listing_and_looks_the_same(workers):
    first, _ = workers
    _comment(first, "blog", "Alice")
    admin = _client(first, "admin@example.org")
    cold, cold_sql = _statements(first, lambda: admin.get("/moderate/").get_data(as_text=True))
    warm, warm_sql = _statements(first, lambda: admin.get("/moderate/").get_data(as_text=True))
    assert "Alice" in warm
    assert not any("FROM comment" in s for s in warm_sql)  # no listing query, no counts
    assert any("FROM comment" in s for s in cold_sql)
    assert TOKEN.sub("", warm) == TOKEN.sub("", cold)


def test_every_form_carries_the_callers_own_valid_token(workers):
    first, _ = workers
    alice = _comment(first, "blog", "Alice")
    admin, moderator = _client(first, "admin@example.org"), _client(first, "mod@example.org")
    admin.get("/moderate/")  # fills the cache with the admin's rendering
    page = moderator.get("/moderate/?tab=pending").get_data(as_text=True)
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1  # one session, one token: the layout's and every form's
    approve = moderator.post(f"/moderate/comments/{alice}/status",
                             data={"status": "approved", "csrf_token": tokens.pop(), "next": "/moderate/"})
    assert approve.status_code == 302
    with first.app_context():
        assert db.session.get(Comment, alice).status.value == "approved"


def test_a_decision_in_another_process_shows_on_the_next_load(workers):
    first, second = workers
    alice = _comment(first, "blog", "Alice")
    _comment(first, "blog", "Bob")
    admin = _client(first, "admin@example.org")
    assert "Alice" in admin.get("/moderate/").get_data(as_text=True)
    with second.app_context():
        comment = db.session.get(Comment, alice)
        change_status(comment, "approved", site_id=comment.article.site_id, actor="moderator")
        db.session.commit()
    page = admin.get("/moderate/").get_data(as_text=True)
    assert "Alice" not in page and "Bob" in page
    listings = [key for key in first.extensions["read_cache"].pages._data if key[0] == "queue-listing"]
    assert len(listings) == 1  # the new state's rendering replaced the old one's


def test_a_new_comment_and_a_report_from_another_process_show_at_once(workers):
    first, second = workers
    _comment(first, "blog", "Alice")
    admin = _client(first, "admin@example.org")
    assert "Carol" not in admin.get("/moderate/").get_data(as_text=True)
    _comment(second, "blog", "Carol")
    assert "Carol" in admin.get("/moderate/").get_data(as_text=True)

    with second.app_context():
        site = db.session.scalar(db.select(Site).filter_by(slug="blog"))
        published = make_comment(site, "post-2", status="approved", author="Dave").id
    assert "Dave" not in admin.get("/moderate/?tab=reported").get_data(as_text=True)
    with second.app_context():
        site = db.session.scalar(db.select(Site).filter_by(slug="blog"))
        for reporter in range(thresholds(site)[0]):
            flag_comment(published, "spam", "Selling things", Client(ip_hash=f"reporter-{reporter}"))
    assert "Dave" in admin.get("/moderate/?tab=reported").get_data(as_text=True)


def test_a_moderator_never_gets_a_listing_rendered_for_wider_access(workers):
    first, _ = workers
    _comment(first, "blog", "Alice")
    _comment(first, "other", "Oscar")
    admin, moderator = _client(first, "admin@example.org"), _client(first, "mod@example.org")
    assert "Oscar" in admin.get("/moderate/").get_data(as_text=True)
    page = moderator.get("/moderate/").get_data(as_text=True)
    assert "Alice" in page and "Oscar" not in page


def test_a_renamed_site_shows_its_new_name(workers):
    first, second = workers
    _comment(first, "blog", "Alice")
    admin = _client(first, "admin@example.org")
    assert "The Blog Renamed" not in admin.get("/moderate/").get_data(as_text=True)
    with second.app_context():
        db.session.scalar(db.select(Site).filter_by(slug="blog")).name = "The Blog Renamed"
        db.session.commit()
    assert "The Blog Renamed" in admin.get("/moderate/").get_data(as_text=True)


def test_a_change_that_writes_no_event_shows_after_the_cache_time(make_app):
    """An import or an erasure changes rows without a moderation event: the key cannot see it,
    the cache time bounds how long the listing shows the old text."""
    first = make_app(CACHE_TTL_SECONDS=2.0, WTF_CSRF_ENABLED=True)
    second = make_app(CACHE_TTL_SECONDS=2.0, WTF_CSRF_ENABLED=True)
    with first.app_context():
        make_site("blog", mode="pre")
        create_moderator("admin@example.org", PASSWORD, is_admin=True)
    alice = _comment(first, "blog", "Alice")
    admin = _client(first, "admin@example.org")
    assert "Alice" in admin.get("/moderate/").get_data(as_text=True)
    with second.app_context():
        db.session.execute(sa.update(Comment).where(Comment.id == alice).values(author="Erased"))
        db.session.commit()
    assert "Alice" in admin.get("/moderate/").get_data(as_text=True)  # still the remembered listing
    time.sleep(2.1)
    page = admin.get("/moderate/").get_data(as_text=True)
    assert "Erased" in page and "Alice" not in page


def test_a_warm_load_costs_three_statements_and_sets_no_cookie(workers):
    """Who is asking (the moderator and their sites, in one statement), the sites they see and
    the queue's state. The login's cookie already holds the session's CSRF token, so neither
    the first page after it nor any later one sets the cookie again."""
    first, _ = workers
    _comment(first, "blog", "Alice")
    moderator = _client(first, "mod@example.org")
    assert "Set-Cookie" not in moderator.get("/moderate/").headers
    response, sql = _statements(first, lambda: moderator.get("/moderate/"))
    assert response.status_code == 200 and "Alice" in response.get_data(as_text=True)
    assert len(sql) == 3, sql
    assert "Set-Cookie" not in response.headers


def test_site_membership_and_deactivation_apply_on_the_next_request(workers):
    """The session user is read anew on every request: nothing about who may see what is cached."""
    first, second = workers
    _comment(first, "blog", "Alice")
    _comment(first, "other", "Olga")
    moderator = _client(first, "mod@example.org")
    page = moderator.get("/moderate/").get_data(as_text=True)
    assert "Alice" in page and "Olga" not in page
    with second.app_context():
        mod_id = db.session.scalar(sa.select(Moderator.id).where(Moderator.email == "mod@example.org"))
        assign_sites(mod_id, ["other"])
    page = moderator.get("/moderate/").get_data(as_text=True)
    assert "Olga" in page and "Alice" not in page
    assert moderator.get("/moderate/comments/1").status_code in (403, 404)
    with second.app_context():
        assign_sites(mod_id, [])
    page = moderator.get("/moderate/").get_data(as_text=True)
    assert "Olga" not in page and "Alice" not in page
    with second.app_context():
        deactivate(mod_id)
    assert moderator.get("/moderate/").status_code == 302
