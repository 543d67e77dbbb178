"""Confirmed addresses: the double opt-in in front of every mail a reader asks for.

Anyone can type any address into a comment form, so asking for reply or thread mail only
queues a confirmation mail; reply and thread mail go to an address once its reader has opened
that mail's link and pressed the button on the page it shows (a POST: mail scanners follow
links, they do not submit forms). Confirmation is per site, so confirming for one blog does
not let another mail you.

At most one confirmation mail leaves per address per day, whatever the site, so the form cannot
be used to flood a stranger's mailbox. The address is kept here only as a keyed hash (under
IP_HASH_KEY, like client addresses); rotating that key asks readers to confirm again.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql, sqlite

from service.errors import BadRequest
from service.extensions import db
from service.models import ConfirmedAddress, OutboxMessage, PublicSite, Site, utcnow

CONFIRM_EVENT = "address.confirm"
MAIL_INTERVAL = timedelta(days=1)
TOKEN_MAX_AGE = timedelta(days=7)
MAX_TOKEN_LENGTH = 200
_SALT = "address-confirmation"
_INVALID = "This confirmation link is incomplete, not valid or too old."


def normalize(email: str | None) -> str:
    return (email or "").strip().lower()


def address_hash(email: str) -> str:
    key = current_app.config["IP_HASH_KEY"].encode()
    # A prefix keeps an address's hash apart from a client address that happened to be the same text.
    return hmac.new(key, b"mail-address\x00" + normalize(email).encode(), hashlib.sha256).hexdigest()[:32]


def mail_enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def is_confirmed(site_id: int, email: str | None) -> bool:
    if not email:
        return False
    return db.session.execute(
        sa.select(ConfirmedAddress.id).where(ConfirmedAddress.site_id == site_id,
                                             ConfirmedAddress.address_hash == address_hash(email),
                                             ConfirmedAddress.confirmed_at.is_not(None))
    ).first() is not None


def confirmed_among(site_id: int, emails: list[str]) -> set[str]:
    """Which of `emails` are confirmed for the site (one query)."""
    by_hash = {address_hash(email): email for email in emails}
    if not by_hash:
        return set()
    hashes = db.session.execute(
        sa.select(ConfirmedAddress.address_hash)
        .where(ConfirmedAddress.site_id == site_id, ConfirmedAddress.address_hash.in_(list(by_hash)),
               ConfirmedAddress.confirmed_at.is_not(None))
    ).scalars()
    return {by_hash[h] for h in hashes}


def request_confirmation(site: Site | PublicSite, email: str, now: datetime | None = None) -> bool:
    """Queue a confirmation mail to `email` for `site` unless it is confirmed already or one
    was sent to it (for any site) within the last day; in the caller's transaction. True when
    a mail was queued."""
    if not mail_enabled() or not email:
        return False
    now = now or utcnow()
    digest = address_hash(email)
    _insert_if_new(site.id, digest, now)
    row_id, confirmed_at = db.session.execute(
        sa.select(ConfirmedAddress.id, ConfirmedAddress.confirmed_at)
        .where(ConfirmedAddress.site_id == site.id, ConfirmedAddress.address_hash == digest)
    ).one()
    if confirmed_at is not None:
        return False
    last_sent = db.session.execute(
        sa.select(sa.func.max(ConfirmedAddress.confirmation_sent_at)).where(ConfirmedAddress.address_hash == digest)
    ).scalar_one()
    if last_sent is not None and last_sent > now - MAIL_INTERVAL:
        return False
    # Conditional, so that of two requests racing for the same site's row only one sends.
    taken = db.session.execute(
        sa.update(ConfirmedAddress)
        .where(ConfirmedAddress.id == row_id, ConfirmedAddress.confirmed_at.is_(None),
               sa.or_(ConfirmedAddress.confirmation_sent_at.is_(None),
                      ConfirmedAddress.confirmation_sent_at <= now - MAIL_INTERVAL))
        .values(confirmation_sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if taken:
        db.session.add(OutboxMessage(kind="email", site_id=site.id, event=CONFIRM_EVENT, recipient=normalize(email),
                                     payload={"site": site.slug, "site_name": site.name, "confirm_id": row_id},
                                     status="pending", next_attempt_at=now))
    return taken


def _insert_if_new(site_id: int, digest: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(ConfirmedAddress)
        .values(site_id=site_id, address_hash=digest, created_at=now)
        .on_conflict_do_nothing(index_elements=["site_id", "address_hash"])
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def confirmation_token(row_id: int) -> str:
    return _serializer().dumps({"a": row_id})


def pending_row(token: str | None) -> ConfirmedAddress:
    """The address row a confirmation link names, or a 400 for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadRequest(_INVALID)
    try:
        data = _serializer().loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except (BadSignature, SignatureExpired):
        raise BadRequest(_INVALID) from None
    row_id = data.get("a") if isinstance(data, dict) else None
    row = db.session.get(ConfirmedAddress, row_id) if isinstance(row_id, int) and not isinstance(row_id, bool) \
        else None
    if row is None:  # erased meanwhile
        raise BadRequest(_INVALID)
    return row


def site_name_for(row: ConfirmedAddress) -> str:
    site = db.session.get(Site, row.site_id)
    return site.name if site else ""


def confirm(token: str | None) -> ConfirmedAddress:
    """The POST behind the confirmation page: from now on reader mail may go to the address."""
    row = pending_row(token)
    if row.confirmed_at is None:
        db.session.execute(
            sa.update(ConfirmedAddress).where(ConfirmedAddress.id == row.id, ConfirmedAddress.confirmed_at.is_(None))
            .values(confirmed_at=utcnow()).execution_options(synchronize_session=False))
        db.session.commit()
        db.session.refresh(row)
    return row
