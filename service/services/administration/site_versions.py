"""A site's configuration version: one number that changes whenever the site, its blocks or its
webhooks change, in the same transaction as the change.

The write path reads it with one primary-key lookup per request and keys its per-process copies
of the site row, the blocks and the webhooks on it (see read_cache.remember), so a block, a policy
or a webhook removal made through any process applies on every process from the next request,
instead of after each process's copy times out.

The bump hangs on the ORM's flush events, so no code path that changes these rows through the
session can forget it; bulk UPDATE or DELETE statements on blocks or webhooks (which skip those
events) bump every site, which is rare and cheap.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from service.extensions import db
from service.models import Block, Site, Webhook

_SITE = Site.__table__
_VERSION = sa.select(_SITE.c.config_version).where(_SITE.c.id == sa.bindparam("site_id"))
_BUMP_ONE = (sa.update(_SITE).where(_SITE.c.id == sa.bindparam("bumped_site"))
             .values(config_version=_SITE.c.config_version + 1))
_BUMP_ALL = sa.update(_SITE).values(config_version=_SITE.c.config_version + 1)


def current_version(site_id: int) -> int | None:
    """The site's configuration version as committed now; None when there is no such site."""
    return db.session.connection().execute(_VERSION, {"site_id": site_id}).scalar_one_or_none()


@event.listens_for(Site, "before_update")
def _site_changed(_mapper, _connection, site: Site) -> None:
    session = object_session(site)
    if session is not None and session.is_modified(site, include_collections=False):
        # An expression, not a read-modify-write: two admins saving at once both count.
        site.config_version = Site.config_version + 1


@event.listens_for(Block, "after_insert")
@event.listens_for(Block, "after_update")
@event.listens_for(Block, "after_delete")
@event.listens_for(Webhook, "after_insert")
@event.listens_for(Webhook, "after_update")
@event.listens_for(Webhook, "after_delete")
def _part_changed(_mapper, connection, target) -> None:
    connection.execute(_BUMP_ONE, {"bumped_site": target.site_id})


@event.listens_for(Session, "do_orm_execute")
def _bulk_change(state) -> None:
    if not (state.is_update or state.is_delete):
        return
    if any(mapper.class_ in (Block, Webhook) for mapper in state.all_mappers):
        state.session.execute(_BUMP_ALL)
