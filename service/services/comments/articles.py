"""Articles: created on first use from the site's own ID string."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from service.extensions import db
from service.models import Article, PublicSite, Site


# Built once: every comment written looks its article up.
_BY_KEY = sa.select(Article).where(Article.site_id == sa.bindparam("site"), Article.key == sa.bindparam("key"))


def find_article(site_id: int, key: str) -> Article | None:
    return db.session.execute(_BY_KEY, {"site": site_id, "key": key}).scalar_one_or_none()


def get_or_create_article(site: Site | PublicSite, key: str, *, title: str | None = None,
                          url: str | None = None) -> Article:
    """The article for `key`, inserted if new."""
    article = find_article(site.id, key)
    if article is not None:
        return article
    _insert_if_new(site.id, key, title, url)
    return find_article(site.id, key)


@dataclass(frozen=True, slots=True)
class CommentTarget:
    """What writing a comment reads of its article: who it is, and whether and how it takes
    comments. Read as a plain row, because loading an ORM object costs more than the query
    itself and every submission asks."""

    id: int
    key: str
    mode: str | None
    closed: bool
    created_at: datetime
    published_at: datetime | None = None
    url: str | None = None  # the page's address, kept only when it is one of the site's pages


_TARGET_BY_KEY = (sa.select(Article.id, Article.key, Article.mode, Article.closed, Article.created_at,
                            Article.published_at, Article.url)
                  .where(Article.site_id == sa.bindparam("site"), Article.key == sa.bindparam("key")))


def comment_target(site: Site | PublicSite, key: str, *, title: str | None = None,
                   url: str | None = None) -> CommentTarget:
    """The article a new comment goes to, inserted if new."""
    params = {"site": site.id, "key": key}
    row = db.session.connection().execute(_TARGET_BY_KEY, params).first()
    if row is None:
        # A reader's word for the article's address and title is kept only when the address is
        # one of the site's pages: both reach notification mail.
        if not on_site_origins(site.origins, url):
            title = url = None
        _insert_if_new(site.id, key, title, url)
        row = db.session.connection().execute(_TARGET_BY_KEY, params).one()
    return CommentTarget(*row)


def _insert_if_new(site_id: int, key: str, title: str | None, url: str | None) -> None:
    """Safe when two first comments race: the loser's insert does nothing and both then read
    the same row."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(Article)
        .values(site_id=site_id, key=key, title=title, url=url)
        .on_conflict_do_nothing(index_elements=["site_id", "key"])
    )


def on_site_origins(origins: list[str] | None, url: str | None) -> bool:
    """Whether `url` is an http(s) address on one of the site's origins (stored normalized:
    `scheme://host[:port]`, lowercase). A site that lists none vouches for no address."""
    if not url or not origins:
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None \
            or parts.password is not None:
        return False
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port is not None else "")
    return origin in origins
