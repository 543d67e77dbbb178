"""What reader mail keeps about an address: its confirmations (a keyed hash, per site) and its
thread subscriptions; their privacy export and erasure, and the purge of requests never
confirmed."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, ConfirmedAddress, Site, ThreadSubscription, utcnow
from service.services.delivery import addresses


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(email: str) -> dict:
    """JSON-ready records of `email` (already normalized)."""
    confirmations = db.session.execute(
        sa.select(ConfirmedAddress, Site.slug).join(Site, ConfirmedAddress.site_id == Site.id)
        .where(ConfirmedAddress.address_hash == addresses.address_hash(email)).order_by(ConfirmedAddress.id)).all()
    subscriptions = db.session.execute(
        sa.select(ThreadSubscription, Site.slug, Article.key)
        .join(Site, ThreadSubscription.site_id == Site.id).join(Article, ThreadSubscription.article_id == Article.id)
        .where(ThreadSubscription.email == email).order_by(ThreadSubscription.id)).all()
    return {
        "mail_confirmations": [{"site": slug, "confirmed_at": _iso(row.confirmed_at),
                                "confirmation_sent_at": _iso(row.confirmation_sent_at),
                                "created_at": _iso(row.created_at)} for row, slug in confirmations],
        "thread_subscriptions": [{"site": slug, "article": key, "created_at": _iso(row.created_at)}
                                 for row, slug, key in subscriptions],
    }


def erase(email: str) -> int:
    """Delete the address's confirmations and subscriptions in the caller's transaction; how many."""
    removed = db.session.execute(
        sa.delete(ConfirmedAddress).where(ConfirmedAddress.address_hash == addresses.address_hash(email))
        .execution_options(synchronize_session=False)).rowcount
    removed += db.session.execute(
        sa.delete(ThreadSubscription).where(ThreadSubscription.email == email)
        .execution_options(synchronize_session=False)).rowcount
    return removed


MIN_UNCONFIRMED_DAYS = 7  # a confirmation link works this long: never purge under a live one


def purge_unconfirmed(days: int, now=None) -> dict[str, int]:
    """Forget what readers asked for but never confirmed within `days`: such addresses are
    somebody's, typed by anyone, and no mail may go to them. One transaction."""
    if days < MIN_UNCONFIRMED_DAYS:
        raise ValueError(f"Keep unconfirmed requests at least {MIN_UNCONFIRMED_DAYS} days.")
    cutoff = (now or utcnow()) - timedelta(days=days)
    stale = db.session.execute(
        sa.select(ThreadSubscription.id, ThreadSubscription.site_id, ThreadSubscription.email)
        .where(ThreadSubscription.created_at < cutoff)).all()
    by_site: dict[int, list] = {}
    for row in stale:
        by_site.setdefault(row.site_id, []).append(row)
    doomed = []
    for site_id, rows in by_site.items():
        confirmed = addresses.confirmed_among(site_id, [row.email for row in rows])
        doomed += [row.id for row in rows if row.email not in confirmed]
    subscriptions = 0
    for start in range(0, len(doomed), 500):
        subscriptions += db.session.execute(
            sa.delete(ThreadSubscription).where(ThreadSubscription.id.in_(doomed[start:start + 500]))
            .execution_options(synchronize_session=False)).rowcount
    confirmations = db.session.execute(
        sa.delete(ConfirmedAddress)
        .where(ConfirmedAddress.confirmed_at.is_(None), ConfirmedAddress.created_at < cutoff,
               sa.or_(ConfirmedAddress.confirmation_sent_at.is_(None), ConfirmedAddress.confirmation_sent_at < cutoff))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return {"subscriptions": subscriptions, "confirmations": confirmations}
