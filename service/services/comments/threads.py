"""The read paths: a thread of approved comments and the counts of many articles.

These run on every page view of every embedding blog. Each is one indexed query at most:
counts come from the stored counters (never COUNT(*)), threads are rendered once per article
version and served from the per-process cache (see read_cache), and a client that already
has the current version gets a 304 from the version alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, CommentStatus, Site
from service.services.comments import read_cache
from service.services.comments.avatars import avatar_url
from service.services.comments.reader_options import ReaderOptions, site_options
from service.errors import NotFound
from service.services.administration.sites import SLUG

# Built once: the hot paths only bind parameters (SQLAlchemy caches their compiled form).
_SITE_ID = sa.select(Site.id).where(Site.slug == sa.bindparam("slug"))
_ARTICLE_STATE = sa.select(Article.id, Article.version, Article.approved_count).where(
    Article.site_id == sa.bindparam("site_id"), Article.key == sa.bindparam("key"))
_COUNTS = sa.select(Article.key, Article.approved_count).where(
    Article.site_id == sa.bindparam("site_id"), Article.key.in_(sa.bindparam("keys", expanding=True)))
# What a thread shows of each comment. The email and author-key hash never leave the service:
# they only key the comment's avatar.
THREAD_COLUMNS = (Comment.id, Comment.parent_id, Comment.author, Comment.website, Comment.body_html,
                  Comment.created_at, Comment.edited_at, Comment.likes, Comment.dislikes, Comment.pinned,
                  Comment.by_moderator, Comment.email, Comment.author_key_hash)
_THREAD_ROWS = (
    sa.select(*THREAD_COLUMNS)
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
    options: ReaderOptions = ReaderOptions()  # the site's votes and avatars: they shape the rendering

    def tag(self, *variant) -> str:
        """An (unquoted) entity tag for one rendering of this version of the thread."""
        parts = [str(self.article_id or f"s{self.site_id}"), str(self.version), self.options.tag,
                 *map(str, variant)]
        return ".".join(parts)


def article_state(site_slug: str, key: str) -> ArticleState:
    site_id = site_id_for(site_slug)
    options = site_options(site_id)
    row = read_row(_ARTICLE_STATE, site_id=site_id, key=key)
    if row is None:
        return ArticleState(site_id, None, 0, 0, options)
    return ArticleState(site_id, row.id, row.version, row.approved_count, options)


def _thread_key(state: ArticleState, key: str, order: str, page: int, per_page: int) -> tuple:
    return ("thread-json", state.site_id, state.article_id, key, state.options, order, page, per_page)


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
    roots = approved_roots(state.article_id, key, state.options) if state.article_id else []
    roots = order_roots(roots, order)
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


def approved_roots(article_id: int, key: str, options: ReaderOptions = ReaderOptions()) -> list[dict]:
    return nest(key, read_rows(_THREAD_ROWS, article_id=article_id), options)


def wilson_lower_bound(likes: int, dislikes: int, z: float = 1.96) -> float:
    """The lower end of the 95% confidence interval of the share of likes: a comment with
    40 likes of 50 ranks above one with 1 like of 1, which a plain ratio would not do."""
    n = likes + dislikes
    if n == 0:
        return 0.0
    p = likes / n
    return (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)


def order_roots(roots: list[dict], order: str) -> list[dict]:
    """Top-level comments in the asked order (replies keep theirs, oldest first); pinned ones
    first in every order. `roots` comes oldest first, and both sorts are stable."""
    if order == "newest":
        roots.reverse()
    elif order == "top":
        roots.sort(key=lambda c: wilson_lower_bound(c["likes"] or 0, c["dislikes"] or 0), reverse=True)
    roots.sort(key=lambda c: not c["pinned"])
    return roots


def comment_dict(row, key: str, options: ReaderOptions = ReaderOptions()) -> dict:
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
        "likes": row.likes if options.votes != "off" else None,
        "dislikes": row.dislikes if options.votes == "both" else None,
        "pinned": row.pinned,
        "by_moderator": row.by_moderator,
        "avatar": avatar_url(options.avatars, row.email, row.author_key_hash, row.author),
    }


def nest(key: str, rows, options: ReaderOptions = ReaderOptions()) -> list[dict]:
    """Rows in creation order -> top-level comments with replies nested under "replies".
    A reply whose parent is not shown (deleted, held) moves up to the top level."""
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for row in rows:
        item = comment_dict(row, key, options)
        item["replies"] = []
        by_id[row.id] = item
        parent = by_id.get(row.parent_id) if row.parent_id else None
        (parent["replies"] if parent is not None else roots).append(item)
    return roots
