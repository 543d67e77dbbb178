"""The plans SQLite chooses for the queue's heaviest reads. SQLite keeps no statistics unless
told to, so its planner goes by the shape of a query alone: these shapes make it start from
the few rows an author's key or the reported comments' partial index finds, not from every
approved comment or every article of a site (0.5-0.6 s each on a million comments). The plans
are read from SQLite itself with EXPLAIN QUERY PLAN, whichever database the suite runs on."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, Site
from service.services.moderation.moderation_queries import reported_clause
from service.auth import Actor
from service.services.moderation.queue import QueueFilters, history_query, listing_query


def _plan(tmp_path, statement) -> str:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    db.metadata.create_all(engine)
    # Compiled as the application sends it: values as parameters, not written into the text (a
    # partial index applies only to a condition written as its own, literal values included).
    compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(getattr(value, "value", value) for value in (compiled.params[name] for name in compiled.positiontup))
    with engine.connect() as connection:
        plan = " | ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params))
    engine.dispose()
    return plan


def test_an_authors_history_starts_from_the_index_over_their_address_or_email(tmp_path):
    keys = {(1, f"{n:032x}") for n in range(50)}
    by_address = _plan(tmp_path, history_query(Comment.ip_hash, keys))
    assert "SEARCH comment USING INDEX ix_comment_ip_hash_created" in by_address, by_address
    by_email = _plan(tmp_path, history_query(Comment.email, {(1, f"r{n}@example.org") for n in range(50)}))
    assert "SEARCH comment USING INDEX ix_comment_email_created" in by_email, by_email
    for plan in (by_address, by_email):
        assert "ix_comment_status_created" not in plan and "ix_comment_article_status" not in plan, plan


def test_reported_comments_are_read_from_their_partial_index(tmp_path):
    sites = [Site(id=1, slug="blog", name="Blog", policy={}), Site(id=2, slug="big", name="Big",
                                                                    policy={"flags_to_review": 5})]
    listing = (sa.select(Comment.id).where(reported_clause(sites))
               .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(51))
    plan = _plan(tmp_path, listing)
    assert plan.startswith("SCAN comment USING INDEX ix_comment_reported_created"), plan
    assert "TEMP B-TREE" not in plan, plan  # newest first straight from the index, no sort


def test_a_site_moderators_reported_tab_is_read_from_the_partial_index_too(tmp_path):
    sites = [Site(id=1, slug="blog", name="Blog", policy={})]
    moderator = Actor(kind="moderator", id=1, is_admin=False, site_ids=frozenset({1}), moderator_id=1, label="m")
    for filters in (QueueFilters(), QueueFilters(site="blog")):
        plan = _plan(tmp_path, listing_query(moderator, "reported", filters, sites, None))
        assert plan.startswith("SCAN comment USING INDEX ix_comment_reported_created"), plan
