"""What a site's policy says about the reader features a thread shows: votes and avatars.

The read paths need these with every thread they render, so they are read from the site's
policy at most once per CACHE_TTL_SECONDS in each process, and are part of every cache key and
ETag of a rendering (a changed option changes the rendering's key, never serving the old one
past that time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy import event

from service.extensions import db
from service.models import Site
from service.moderation.policy import AVATARS, DEFAULT_POLICY, VOTES
from service.services.comments import read_cache

_POLICY = sa.select(Site.policy).where(Site.id == sa.bindparam("site_id"))


@dataclass(frozen=True)
class ReaderOptions:
    votes: str = DEFAULT_POLICY.votes  # "both" | "likes" | "off"
    avatars: str = DEFAULT_POLICY.avatars  # "identicon" | "gravatar" | "off"

    @property
    def tag(self) -> str:
        return f"{self.votes}.{self.avatars}"


def options_from_policy(policy: Mapping | None) -> ReaderOptions:
    """The options of a stored policy; a value that is not valid takes its default, as
    everywhere a stored policy is read."""
    policy = policy if isinstance(policy, Mapping) else {}
    votes, avatars = policy.get("votes"), policy.get("avatars")
    return ReaderOptions(votes if votes in VOTES else DEFAULT_POLICY.votes,
                         avatars if avatars in AVATARS else DEFAULT_POLICY.avatars)


def site_options(site_id: int) -> ReaderOptions:
    return read_cache.remember(("reader-options", site_id), lambda: _load(site_id))


def _load(site_id: int) -> ReaderOptions:
    with db.engine.connect() as conn:
        return options_from_policy(conn.execute(_POLICY, {"site_id": site_id}).scalar())


@event.listens_for(Site, "after_update")
def _forget(_mapper, _connection, site: Site) -> None:
    """This process changed a site's policy: its threads follow from the next request."""
    read_cache.forget(("reader-options", site.id))
