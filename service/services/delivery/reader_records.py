"""What reader mail keeps about an address, for privacy export and erasure: its confirmations
(stored as a keyed hash, per site) and its thread subscriptions."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, ConfirmedAddress, Site, ThreadSubscription
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
