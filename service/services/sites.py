"""Sites: the blogs this instance serves."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from service.errors import Conflict, NotFound, Unprocessable
from service.extensions import db
from service.models import Site
from service.services import read_cache

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
