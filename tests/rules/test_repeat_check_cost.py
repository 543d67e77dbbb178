"""The same-text check (the same text from the same address or email, and from others, within
the repeat window) reads the comments with that text, not every recent comment of the sender:
one address that posts a lot (a busy NAT, a proxy without forwarded headers) must not make each
of its posts slower."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, utcnow
from service.moderation.policy import Policy
from service.moderation.text import fingerprint
from service.moderation.types import Draft
from service.services.moderation import decisions
from tests.factories import make_site
from tests.statements import statements_of

BUSY_ADDRESS = "b" * 32
POSTS = 3000


def _busy_sender(site) -> Article:
    article = Article(site_id=site.id, key="busy")
    db.session.add(article)
    db.session.commit()
    now = utcnow()
    db.session.execute(sa.insert(Comment), [
        {"article_id": article.id, "author": "Busy", "email": "busy@example.org", "body": f"Post {i}",
         "body_html": f"<p>Post {i}</p>", "status": "approved", "ip_hash": BUSY_ADDRESS, "user_agent": "",
         "fingerprint": fingerprint(f"Post {i}"), "created_at": now - timedelta(seconds=i),
         "updated_at": now - timedelta(seconds=i)} for i in range(POSTS)])
    # Readers from many other addresses, so that statistics call the address index selective.
    db.session.execute(sa.insert(Comment), [
        {"article_id": article.id, "author": f"Reader {i}", "email": f"r{i}@example.org", "body": f"Hello {i}",
         "body_html": f"<p>Hello {i}</p>", "status": "approved", "ip_hash": f"{i:032x}", "user_agent": "",
         "fingerprint": fingerprint(f"Hello {i}"), "created_at": now - timedelta(seconds=i),
         "updated_at": now - timedelta(seconds=i)} for i in range(POSTS)])
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL's autovacuum gathers statistics; a SQLite database is never analyzed unless
        # someone runs ANALYZE, so its planner is checked without them.
        db.session.execute(sa.text("ANALYZE comment"))
        db.session.commit()
    return article


def _plan(site_id: int) -> str:
    """The plan of the check as submissions run it (with an email), parameters bound, not
    inlined: the planner must choose without seeing the values."""
    bind = db.session.get_bind()
    compiled = decisions._SAME_TEXT[True].compile(bind)
    params = compiled.construct_params({
        "ip_hash": BUSY_ADDRESS, "email": "busy@example.org", "fingerprint": fingerprint("Post 7"),
        "site": site_id, "since": utcnow() - timedelta(minutes=60), "exclude": -1})
    connection = db.session.connection()
    if bind.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                          tuple(params[name] for name in compiled.positiontup))
    else:
        rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), params)
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_the_repeat_check_reads_the_text_index_not_the_senders_history(app):
    site = make_site("blog")
    _busy_sender(site)
    plan = _plan(site.id)
    assert "ix_comment_fingerprint_created" in plan, plan
    assert "ix_comment_ip_hash_created" not in plan and "ix_comment_email_created" not in plan, plan


def test_the_repeat_check_still_finds_a_repeat_from_the_busy_sender(app):
    site = make_site("blog")
    _busy_sender(site)
    policy = Policy()
    now = utcnow()
    draft = Draft(body="Post 7", author="Busy", email=None, website=None, ip_hash=BUSY_ADDRESS)
    assert decisions._same_text(site.id, policy, draft, fingerprint(draft.body), now, None) == (True, 0)
    fresh = Draft(body="Something new", author="Busy", email=None, website=None, ip_hash=BUSY_ADDRESS)
    assert decisions._same_text(site.id, policy, fresh, fingerprint(fresh.body), now, None) == (False, 0)
    elsewhere = Draft(body="Post 7", author="Other", email="other@example.org", website=None, ip_hash="c" * 32)
    assert decisions._same_text(site.id, policy, elsewhere, fingerprint(elsewhere.body), now, None) == (False, 1)
    by_email = Draft(body="Post 7", author="Busy", email="busy@example.org", website=None, ip_hash="d" * 32)
    assert decisions._same_text(site.id, policy, by_email, fingerprint(by_email.body), now, None) == (True, 0)


def test_copies_from_other_senders_are_counted_up_to_a_bound(app):
    site = make_site("blog")
    article = _busy_sender(site)
    now = utcnow()
    text = "Earn 500 dollars a day from home, ask me how on Telegram"
    db.session.execute(sa.insert(Comment), [
        {"article_id": article.id, "author": f"Bot {i}", "email": f"bot{i}@example.org", "body": text,
         "body_html": f"<p>{text}</p>", "status": "pending", "ip_hash": f"{i:032x}", "user_agent": "",
         "fingerprint": fingerprint(text), "created_at": now - timedelta(minutes=i % 90),
         "updated_at": now} for i in range(decisions.COPIES_COUNTED + 50)])
    db.session.commit()
    draft = Draft(body=text, author="Bot", email="new@example.org", website=None, ip_hash="e" * 32)
    found = decisions._same_text(site.id, Policy(), draft, fingerprint(text), now, None)
    assert found == (False, decisions.COPIES_COUNTED)
    # Only the window counts: in the last 10 minutes, 10 of every 90 copies.
    found = decisions._same_text(site.id, Policy(repeat_window_minutes=10), draft, fingerprint(text), now, None)
    assert found.copies == sum(1 for i in range(decisions.COPIES_COUNTED + 50) if i % 90 <= 10)



def test_without_the_text_and_time_index_the_check_still_avoids_the_senders_history(app):
    """The sender test is written so that no index on address or email can serve it: on a
    database whose only text index is on the fingerprint alone (as before migration 0005), the
    planner still starts from the text."""
    site = make_site("blog")
    _busy_sender(site)
    db.session.execute(sa.text("DROP INDEX ix_comment_fingerprint_created"))
    db.session.execute(sa.text("CREATE INDEX ix_comment_fingerprint_only ON comment (fingerprint)"))
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE comment"))
        plan = _plan(site.id)
        assert "ix_comment_fingerprint_only" in plan, plan
        assert "ix_comment_ip_hash_created" not in plan and "ix_comment_email_created" not in plan, plan
    finally:
        db.session.rollback()
        db.session.execute(sa.text("DROP INDEX IF EXISTS ix_comment_fingerprint_only"))
        db.session.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_comment_fingerprint_created "
                                   "ON comment (fingerprint, created_at)"))
        db.session.commit()


def test_a_site_with_the_check_off_reads_nothing_for_it(client, app):
    make_site("blog", policy={"repeat_window_minutes": 0})
    body = {"article": "a", "author": "Ann", "body": "The same words twice."}
    sent = statements_of(lambda: [client.post("/api/v1/sites/blog/comments", json=body) for _ in range(2)])
    assert not [s for s in sent if "fingerprint =" in s]
    statuses = db.session.scalars(sa.select(Comment.status).order_by(Comment.id)).all()
    assert [s.value for s in statuses] == ["approved", "approved"]  # the check, turned off, holds neither


def test_a_site_with_the_check_on_reads_the_comments_with_the_same_text(client, app):
    make_site("blog")
    body = {"article": "a", "author": "Ann", "body": "The same words twice."}
    sent = statements_of(lambda: [client.post("/api/v1/sites/blog/comments", json=body) for _ in range(2)])
    assert len([s for s in sent if "fingerprint =" in s]) == 2
    statuses = db.session.scalars(sa.select(Comment.status).order_by(Comment.id)).all()
    assert [s.value for s in statuses] == ["approved", "rejected"]
