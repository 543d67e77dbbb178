"""Sites: the blogs this instance serves."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from service.errors import Conflict, NotFound, Unprocessable
from service.extensions import db
from service.models import PublicSite, Site
from service.services.administration.site_versions import current_version
from service.services.comments import read_cache

MODES = ("pre", "post", "first-time")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def get_site(slug: str) -> Site:
    if not SLUG.fullmatch(slug):  # also keeps NUL and other unstorable text away from the database
        raise NotFound(f"No site {slug!r}.")
    # Slugs never change, so the id is remembered per process; the session's identity map
    # then answers the later lookups of one request (origin check, write path, events). The
    # identity map holds objects weakly: the session keeps the site it found, or a lookup after
    # the caller let go of it would read the row again.
    site_id = read_cache.site_id(slug, lambda: _site_id(slug))
    session = db.session()
    held = session.info.setdefault("sites", {})
    site = held.get(site_id)
    if site is None or site not in session:
        site = held[site_id] = session.get(Site, site_id)
        if site is None:
            raise NotFound(f"No site {slug!r}.")
    return site


def public_site(slug: str) -> PublicSite:
    """The site for the public routes: each process keeps a copy of the row per configuration
    version, and reads that version by primary key once per request, so a change made through
    any process applies from the next request."""
    if not SLUG.fullmatch(slug):
        raise NotFound(f"No site {slug!r}.")
    site_id = read_cache.site_id(slug, lambda: _site_id(slug))
    held = db.session().info.setdefault("public_sites", {})
    site = held.get(site_id)
    if site is None:
        version = current_version(site_id)
        if version is None:
            raise NotFound(f"No site {slug!r}.")
        row = read_cache.remember(("site-row", site_id), lambda: _site_row(slug, site_id), version)
        site = held[site_id] = _copy(row)
    return site


def version_read(site_id: int) -> int | None:
    """The site's configuration version as this request already read it, if it did."""
    session = db.session()
    site = session.info.get("public_sites", {}).get(site_id) or session.info.get("sites", {}).get(site_id)
    return site.config_version if site is not None else None


# The row with its JSON columns as text: each request decodes its own copy, so nothing one
# request does to a policy or settings dict can reach what the cache holds.
_JSON_COLUMNS = frozenset(c.key for c in Site.__table__.columns if isinstance(c.type, sa.JSON))
_ROW = sa.select(*(sa.cast(c, sa.Text).label(c.key) if c.key in _JSON_COLUMNS else c
                   for c in Site.__table__.columns)).where(Site.id == sa.bindparam("site_id"))


def _site_row(slug: str, site_id: int) -> dict:
    row = db.session.connection().execute(_ROW, {"site_id": site_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(f"No site {slug!r}.")
    return dict(row)


def _copy(row: dict) -> PublicSite:
    return PublicSite(**{key: json.loads(value) if key in _JSON_COLUMNS and value is not None else value
                         for key, value in row.items()})


@event.listens_for(Site, "after_update")
@event.listens_for(Site, "after_delete")
def _forget_row(_mapper, _connection, site: Site) -> None:
    """This process changed a site: its public routes see the change from the next request."""
    read_cache.forget(("site-row", site.id))


def _site_id(slug: str) -> int:
    site_id = db.session.execute(db.select(Site.id).filter_by(slug=slug)).scalar_one_or_none()
    if site_id is None:
        raise NotFound(f"No site {slug!r}.")
    return site_id


def list_sites() -> list[Site]:
    return list(db.session.execute(db.select(Site).order_by(Site.slug)).scalars())


def normalize_origin(origin: str) -> str:
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unprocessable(f"Origin {origin!r} is not an http(s) URL.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def create_site(slug: str, name: str | None = None, origins: tuple[str, ...] = (),
                mode: str = "post") -> Site:
    if not SLUG.fullmatch(slug):
        raise Unprocessable("A site slug is 1-64 lowercase letters, digits and dashes.")
    if mode not in MODES:
        raise Unprocessable(f"Moderation mode is one of {', '.join(MODES)}.")
    # The stored policy holds only what the owner chose; defaults fill the rest when loaded.
    site = Site(slug=slug, name=name or slug, origins=[normalize_origin(o) for o in origins],
                policy={"mode": mode}, settings={})
    db.session.add(site)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"Site {slug!r} exists already.") from None
    return site
