"""The read paths: a thread of approved comments and the counts of many articles.

These run on every page view of every embedding blog, so they use one indexed Core query
each, build plain dicts, and never count rows: counts come from the stored counters.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, CommentStatus, Site
from service.services.sites import get_site

_THREAD_COLUMNS = (Comment.id, Comment.parent_id, Comment.author, Comment.website, Comment.body_html,
                   Comment.created_at, Comment.edited_at)


def site_id_for(slug: str) -> int:
    return get_site(slug).id


def counts(site_slug: str, keys: list[str]) -> dict[str, int]:
    site_id = site_id_for(site_slug)
    rows = db.session.execute(
        sa.select(Article.key, Article.approved_count).where(Article.site_id == site_id, Article.key.in_(keys))
    ).all()
    found = dict(rows)
    return {key: found.get(key, 0) for key in keys}


def thread(site_slug: str, key: str, *, order: str = "oldest", page: int = 1, per_page: int = 50) -> dict:
    site_id = site_id_for(site_slug)
    article = db.session.execute(
        sa.select(Article.id, Article.approved_count).where(Article.site_id == site_id, Article.key == key)
    ).first()
    roots: list[dict] = []
    if article is not None:
        rows = db.session.execute(
            sa.select(*_THREAD_COLUMNS)
            .where(Comment.article_id == article.id, Comment.status == CommentStatus.APPROVED)
            .order_by(Comment.created_at, Comment.id)
        ).all()
        roots = nest(key, rows)
    if order == "newest":
        roots.reverse()
    start = (page - 1) * per_page
    return {
        "article": key,
        "count": article.approved_count if article is not None else 0,
        "order": order,
        "page": page,
        "per_page": per_page,
        "total_threads": len(roots),
        "comments": roots[start:start + per_page],
    }


def comment_dict(row, key: str) -> dict:
    return {
        "id": row.id,
        "article": key,
        "parent_id": row.parent_id,
        "author": row.author,
        "website": row.website,
        "body_html": row.body_html,
        "status": "approved",
        "created": row.created_at.isoformat(),
        "edited": row.edited_at is not None,
    }


def nest(key: str, rows) -> list[dict]:
    """Rows in creation order -> top-level comments with replies nested under "replies".
    A reply whose parent is not shown (deleted, held) moves up to the top level."""
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for row in rows:
        item = comment_dict(row, key)
        item["replies"] = []
        by_id[row.id] = item
        parent = by_id.get(row.parent_id) if row.parent_id else None
        (parent["replies"] if parent is not None else roots).append(item)
    return roots
