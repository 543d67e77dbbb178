"""A queue of 10,000 pending comments opens on its first page, pages by keyset, and is
listed through an index rather than a scan of the table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, utcnow
from service.services.moderation import queue
from tests.queue.conftest import login

PENDING = 10_000


@pytest.fixture
def big_queue(world):
    article = Article(site_id=world.blog.id, key="busy", title="Busy")
    other = Article(site_id=world.other.id, key="elsewhere")
    db.session.add_all([article, other])
    db.session.commit()
    start = utcnow() - timedelta(days=2)
    rows = [{"article_id": article.id if i % 10 else other.id, "author": f"Author {i}", "body": f"Comment {i}",
             "body_html": f"<p>Comment {i}</p>", "status": "pending", "ip_hash": f"{i % 97:032x}",
             "user_agent": "", "fingerprint": "", "created_at": start + timedelta(seconds=i),
             "updated_at": start + timedelta(seconds=i)} for i in range(PENDING)]
    db.session.execute(sa.insert(Comment), rows)
    for art, count in ((article, PENDING - PENDING // 10), (other, PENDING // 10)):
        db.session.execute(sa.update(Article).where(Article.id == art.id)
                           .values(pending_count=count, version=Article.version + 1))
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE comment"))
        db.session.execute(sa.text("ANALYZE article"))
        db.session.commit()
    return article


def _authors(html: str) -> list[str]:
    return re.findall(r'<strong class="author">(Author \d+)</strong>', html)


@pytest.mark.parametrize("email,visible", [("admin@example.org", PENDING), ("mod@example.org", PENDING - PENDING // 10)])
def test_ten_thousand_pending_open_on_the_first_page_with_a_next_page(app, world, big_queue, email, visible):
    client = app.test_client()
    login(client, email)
    html = client.get("/moderate/").get_data(as_text=True)
    first = _authors(html)
    assert len(first) == queue.PER_PAGE
    assert first[0] == "Author 9999"  # newest first
    assert f'Pending <span class="count">{visible:,}</span>' in html
    next_link = re.search(r'href="([^"]+)" rel="next">Next page', html).group(1).replace("&amp;", "&")
    second = _authors(client.get(next_link).get_data(as_text=True))
    assert len(second) == queue.PER_PAGE and not set(first) & set(second)
    numbers = [int(a.split()[1]) for a in first + second]
    assert numbers == sorted(numbers, reverse=True)


def _plan(statement) -> str:
    bind = db.session.get_bind()
    sql = str(statement.compile(bind, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if bind.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(" ".join(str(c) for c in row) for row in db.session.execute(sa.text(prefix + sql)))


@pytest.mark.parametrize("email", ["admin@example.org", "mod@example.org"])
def test_the_pending_listing_reads_an_index_not_the_whole_table(app, world, big_queue, email):
    from service.auth import Actor

    moderator = world.admin if email.startswith("admin") else world.blog_mod
    actor = Actor(kind="moderator", id=moderator.id, is_admin=moderator.is_admin,
                  site_ids=frozenset(s.id for s in moderator.sites), moderator_id=moderator.id, label=email)
    sites = queue.visible_sites(actor)
    cursor = queue.parse_cursor(queue.make_cursor(db.session.get(Comment, 5000)))
    for position in (None, cursor):
        plan = _plan(queue.listing_query(actor, "pending", queue.QueueFilters(), sites, position))
        assert "ix_comment_status_created" in plan or "ix_comment_article_status_created" in plan, plan
        assert "SCAN comment\n" not in plan + "\n" and "Seq Scan on comment" not in plan, plan
