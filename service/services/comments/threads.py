"""The read paths: a thread of approved comments and the counts of many articles.

These run on every page view of every embedding blog. Each is one indexed query at most:
counts come from the stored counters (never COUNT(*)), threads are rendered once per article
version and served from the per-process cache (see read_cache), and a client that already
has the current version gets a 304 from the version alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, CommentStatus, Site
from service.services.comments import read_cache
from service.errors import NotFound
from service.services.administration.sites import SLUG

# Built once: the hot paths only bind parameters (SQLAlchemy caches their compiled form).
_SITE_ID = sa.select(Site.id).where(Site.slug == sa.bindparam("slug"))
_ARTICLE_STATE = sa.select(Article.id, Article.version, Article.approved_count).where(
    Article.site_id == sa.bindparam("site_id"), Article.key == sa.bindparam("key"))
_COUNTS = sa.select(Article.key, Article.approved_count).where(
    Article.site_id == sa.bindparam("site_id"), Article.key.in_(sa.bindparam("keys", expanding=True)))
_THREAD_ROWS = (
    sa.select(Comment.id, Comment.parent_id, Comment.author, Comment.website, Comment.body_html,
              Comment.created_at, Comment.edited_at)
    .where(Comment.article_id == sa.bindparam("article_id"), Comment.status == CommentStatus.APPROVED)
    .order_by(Comment.created_at, Comment.id)
)


def read_rows(statement, **params) -> list:
    """Core execution on a pooled connection of its own: the read paths skip the ORM session,
    whose set-up and tear-down cost more than these indexed lookups themselves."""
    with db.engine.connect() as conn:
        return conn.execute(statement, params).all()


def read_row(statement, **params):
    rows = read_rows(statement, **params)
    return rows[0] if rows else None


def site_id_for(slug: str) -> int:
    if not SLUG.fullmatch(slug):
        raise NotFound(f"No site {slug!r}.")
    return read_cache.site_id(slug, lambda: _site_id(slug))


def _site_id(slug: str) -> int:
    row = read_row(_SITE_ID, slug=slug)
    if row is None:
        raise NotFound(f"No site {slug!r}.")
    return row.id


def counts(site_slug: str, keys: list[str]) -> dict[str, int]:
    site_id = site_id_for(site_slug)

    def load(missing: list[str]) -> dict[str, int]:
        return dict(read_rows(_COUNTS, site_id=site_id, keys=missing))

    return read_cache.get_counts(site_id, keys, load)


@dataclass(frozen=True)
class ArticleState:
    """What decides whether a cached rendering is current: the article's id and version."""

    site_id: int
    article_id: int | None  # None: nobody has commented yet
    version: int
    approved_count: int

    def tag(self, *variant) -> str:
        """An (unquoted) entity tag for one rendering of this version of the thread."""
        parts = [str(self.article_id or f"s{self.site_id}"), str(self.version), *map(str, variant)]
        return ".".join(parts)


def article_state(site_slug: str, key: str) -> ArticleState:
    site_id = site_id_for(site_slug)
    row = read_row(_ARTICLE_STATE, site_id=site_id, key=key)
    if row is None:
        return ArticleState(site_id, None, 0, 0)
    return ArticleState(site_id, row.id, row.version, row.approved_count)


def _thread_key(state: ArticleState, key: str, order: str, page: int, per_page: int) -> tuple:
    return ("thread-json", state.site_id, state.article_id, key, order, page, per_page)


def cached_thread_json(state: ArticleState, key: str, order: str, page: int, per_page: int) -> bytes | None:
    """The thread's JSON if this process has built it for the current version, else None."""
    return read_cache.current_rendering(_thread_key(state, key, order, page, per_page), state.version)


def thread_json(state: ArticleState, key: str, *, order: str, page: int, per_page: int) -> bytes:
    """The thread as JSON bytes, built once per article version and variant."""
    cache_key = _thread_key(state, key, order, page, per_page)
    return read_cache.rendering(cache_key, state.version, lambda: json.dumps(
        thread(state, key, order=order, page=page, per_page=per_page),
        ensure_ascii=False, separators=(",", ":")).encode())


def thread(state: ArticleState, key: str, *, order: str = "oldest", page: int = 1, per_page: int = 50) -> dict:
    roots = approved_roots(state.article_id, key) if state.article_id else []
    if order == "newest":
        roots.reverse()
    start = (page - 1) * per_page
    return {
        "article": key,
        "count": state.approved_count,
        "order": order,
        "page": page,
        "per_page": per_page,
        "total_threads": len(roots),
        "comments": roots[start:start + per_page],
    }


def approved_roots(article_id: int, key: str) -> list[dict]:
    return nest(key, read_rows(_THREAD_ROWS, article_id=article_id))


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
