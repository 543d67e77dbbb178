"""Articles: created on first use from the site's own ID string."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from service.extensions import db
from service.models import Article, Site


# Built once: every comment written looks its article up.
_BY_KEY = sa.select(Article).where(Article.site_id == sa.bindparam("site"), Article.key == sa.bindparam("key"))


def find_article(site_id: int, key: str) -> Article | None:
    return db.session.execute(_BY_KEY, {"site": site_id, "key": key}).scalar_one_or_none()


def get_or_create_article(site: Site, key: str, *, title: str | None = None, url: str | None = None) -> Article:
    """The article for `key`, inserted if new. Safe when two first comments race: the loser's
    insert does nothing and both read the same row."""
    article = find_article(site.id, key)
    if article is not None:
        return article
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(Article)
        .values(site_id=site.id, key=key, title=title, url=url)
        .on_conflict_do_nothing(index_elements=["site_id", "key"])
    )
    return find_article(site.id, key)
