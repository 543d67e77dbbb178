"""Atom 1.0 feeds of approved comments: per site and per article, the newest 50.

An article's feed is built once per article version (like its thread); a site's feed, which
changes with any of its articles, is kept for CACHE_TTL_SECONDS. Both read one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa

from service.models import Article, Comment, CommentStatus, Site
from service.services.comments import read_cache
from service.services.comments.threads import article_state, read_row, read_rows, site_id_for

LIMIT = 50

_COLUMNS = (Comment.id, Comment.author, Comment.body_html, Comment.created_at, Comment.edited_at,
            Article.key, Article.url, Article.title)
_SITE_ENTRIES = (sa.select(*_COLUMNS).join(Article, Article.id == Comment.article_id)
                 .where(Article.site_id == sa.bindparam("site_id"), Comment.status == CommentStatus.APPROVED)
                 .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(LIMIT))
_ARTICLE_ENTRIES = (sa.select(*_COLUMNS).join(Article, Article.id == Comment.article_id)
                    .where(Comment.article_id == sa.bindparam("article_id"),
                           Comment.status == CommentStatus.APPROVED)
                    .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(LIMIT))
_SITE = sa.select(Site.name, Site.created_at).where(Site.id == sa.bindparam("site_id"))
_ARTICLE = sa.select(Article.url, Article.title, Article.created_at).where(Article.id == sa.bindparam("article_id"))


@dataclass(frozen=True)
class FeedHead:
    id: str
    title: str
    self_url: str
    page_url: str
    created: datetime


def site_feed(slug: str, base_url: str) -> bytes:
    """`base_url` is this service's root (http://host/), which every address in the feed starts with."""
    site_id = site_id_for(slug)
    return read_cache.remember(("feed-site", site_id, base_url), lambda: _site_feed(slug, site_id, base_url))


def _site_feed(slug: str, site_id: int, base_url: str) -> bytes:
    site = read_row(_SITE, site_id=site_id)
    head = FeedHead(id=f"{base_url}feeds/{slug}.atom", title=f"Comments on {site.name}",
                    self_url=f"{base_url}feeds/{slug}.atom", page_url=base_url, created=site.created_at)
    return _atom(head, read_rows(_SITE_ENTRIES, site_id=site_id), slug, base_url)


def article_feed(slug: str, key: str, base_url: str) -> bytes:
    state = article_state(slug, key)
    cache_key = ("feed-article", state.site_id, state.article_id, key, base_url)
    return read_cache.rendering(cache_key, state.version, lambda: _article_feed(slug, key, state, base_url))


def _article_feed(slug: str, key: str, state, base_url: str) -> bytes:
    self_url = f"{base_url}feeds/{slug}/article.atom?{urlencode({'article': key})}"
    article = read_row(_ARTICLE, article_id=state.article_id) if state.article_id else None
    created = article.created_at if article else read_row(_SITE, site_id=state.site_id).created_at
    title = (article.title if article and article.title else key)
    page = (article.url if article and article.url else _embed_url(slug, key, base_url))
    head = FeedHead(id=self_url, title=f"Comments on {title}", self_url=self_url, page_url=page, created=created)
    rows = read_rows(_ARTICLE_ENTRIES, article_id=state.article_id) if state.article_id else []
    return _atom(head, rows, slug, base_url)


def _embed_url(slug: str, key: str, base_url: str) -> str:
    return f"{base_url}embed/{slug}?{urlencode({'article': key})}"


def _atom(head: FeedHead, rows, slug: str, base_url: str) -> bytes:
    # feedgen (and lxml under it) is loaded on the first feed asked for, not by every web
    # worker at start: most workers never serve one, and lxml alone is several MiB.
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(head.id)
    feed.title(head.title)
    feed.link(href=head.self_url, rel="self", type="application/atom+xml")
    feed.link(href=head.page_url, rel="alternate", type="text/html")
    feed.generator("comment service")
    feed.updated(max((r.edited_at or r.created_at for r in rows), default=head.created))
    for row in reversed(rows):  # feedgen lists the last added first: newest at the top
        page = row.url or _embed_url(slug, row.key, base_url)
        entry = feed.add_entry()
        entry.id(f"{base_url}comments/{slug}/{row.id}")
        entry.title(f"{row.author} on {row.title or row.key}")
        entry.author(name=row.author)
        entry.link(href=f"{page}#comment-{row.id}", rel="alternate", type="text/html")
        entry.published(row.created_at)
        entry.updated(row.edited_at or row.created_at)
        entry.content(row.body_html, type="html")
    return feed.atom_str(pretty=False)
