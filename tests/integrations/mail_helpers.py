"""Helpers for reader-mail tests: an address confirmed the way a reader confirms it."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import ConfirmedAddress, Site, utcnow
from service.services.delivery import addresses


def confirm_address(site: Site, email: str) -> None:
    """Record `email` as confirmed for `site` (what the confirmation page's POST leaves)."""
    digest = addresses.address_hash(email)
    row = db.session.execute(sa.select(ConfirmedAddress).filter_by(site_id=site.id, address_hash=digest)).scalar()
    if row is None:
        row = ConfirmedAddress(site_id=site.id, address_hash=digest, confirmation_sent_at=utcnow())
        db.session.add(row)
    row.confirmed_at = utcnow()
    db.session.commit()
