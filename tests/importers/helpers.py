"""Shared checks for the importer tests: what the database holds, read back plainly."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, Site

DATA = Path(__file__).parent / "data"


def site_comments(site: Site) -> list[Comment]:
    return list(db.session.execute(
        sa.select(Comment).join(Article, Comment.article_id == Article.id)
        .where(Article.site_id == site.id).order_by(Comment.id)).scalars())


def by_source(site: Site) -> dict[str, Comment]:
    return {c.source_key: c for c in site_comments(site)}


def articles(site: Site) -> dict[str, Article]:
    return {a.key: a for a in db.session.execute(sa.select(Article).where(Article.site_id == site.id)).scalars()}


def assert_counters_exact(site: Site) -> None:
    """Every article's stored counters equal a COUNT over its comments."""
    for article in articles(site).values():
        counts = dict(db.session.execute(
            sa.select(Comment.status, sa.func.count()).where(Comment.article_id == article.id)
            .group_by(Comment.status)).all())
        assert (article.approved_count, article.pending_count) == (
            counts.get(CommentStatus.APPROVED, 0), counts.get(CommentStatus.PENDING, 0)), article.key


def total_rows() -> tuple[int, int, int]:
    return tuple(db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
                 for model in (Article, Comment, ModerationEvent))
