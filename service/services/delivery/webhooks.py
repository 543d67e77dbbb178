"""A site's webhooks: register, list, remove, and the delivery log admins read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from service.delivery.webhooks import target_problem
from service.errors import NotFound, field_error
from service.extensions import db
from service.models import DeliveryAttempt, OutboxMessage, Site, Webhook, utcnow
from service.services.delivery.events import EVENTS, subscriptions_changed

SECRET_MIN, SECRET_MAX = 16, 128
DELIVERY_STATUSES = ("pending", "delivered", "failed")
# Far longer than any request's transaction (gunicorn kills a request after 30 s).
REMOVED_KEPT = timedelta(minutes=10)


@dataclass
class Delivery:
    message: OutboxMessage
    attempts: list[DeliveryAttempt]


def new_secret() -> str:
    return secrets.token_hex(32)


def create_webhook(site: Site, url: str, events: list[str] | tuple[str, ...] = (),
                   secret: str | None = None) -> Webhook:
    """Subscribe `url` to `events` (all of them when none are named). The secret signs every
    call; one is generated when none is given, and the caller shows it to the admin once."""
    problem = target_problem(url)
    if problem:
        raise field_error("url", problem)
    chosen = list(dict.fromkeys(events)) or list(EVENTS)
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown:
        raise field_error("events", f"Unknown event {unknown[0]!r}; known: {', '.join(EVENTS)}.")
    if secret is not None and not (SECRET_MIN <= len(secret) <= SECRET_MAX and secret.isprintable()
                                   and secret.isascii() and not any(c.isspace() for c in secret)):
        raise field_error("secret", f"A secret is {SECRET_MIN} to {SECRET_MAX} printable ASCII characters, "
                                    "without spaces.")
    webhook = Webhook(site_id=site.id, url=url, secret=secret or new_secret(), events=chosen, active=True)
    db.session.add(webhook)
    db.session.commit()
    subscriptions_changed(site.id)
    return webhook


def list_webhooks(site: Site) -> list[Webhook]:
    return list(db.session.execute(
        sa.select(Webhook).where(Webhook.site_id == site.id, Webhook.deleted_at.is_(None)).order_by(Webhook.id)
    ).scalars())


def get_webhook(webhook_id: int, site: Site | None = None) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if (webhook is None or webhook.deleted_at is not None
            or (site is not None and webhook.site_id != site.id)):
        raise NotFound(f"No webhook {webhook_id}" + (f" on site {site.slug!r}." if site else "."))
    return webhook


def delete_webhook(webhook_id: int, site: Site | None = None) -> Webhook:
    """Remove a webhook with its queued deliveries and their log.

    The row itself stays, hidden and inactive, for REMOVED_KEPT: a request on another process
    that read the site's webhooks just before this commits may still write an event for it, and
    deleting the row at once would make the foreign key refuse that reader's comment. Such a
    late event is dropped by the worker; the row (with anything that still points at it) is
    deleted by the next removal or worker pass after REMOVED_KEPT.
    """
    webhook = get_webhook(webhook_id, site)
    site_id = webhook.site_id
    webhook.active = False
    webhook.deleted_at = utcnow()
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.webhook_id == webhook.id)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    subscriptions_changed(site_id)
    purge_removed_webhooks()
    return webhook


def purge_removed_webhooks(now: datetime | None = None) -> int:
    """Delete the rows of webhooks removed more than REMOVED_KEPT ago; how many went."""
    cutoff = (now or utcnow()) - REMOVED_KEPT
    # Looked up first: the worker asks on every pass, and a bulk DELETE bumps every site's version.
    ids = list(db.session.execute(sa.select(Webhook.id).where(Webhook.deleted_at.is_not(None),
                                                                Webhook.deleted_at < cutoff)).scalars())
    if ids:
        db.session.execute(sa.delete(Webhook).where(Webhook.id.in_(ids))
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return len(ids)


def deliveries(site: Site, limit: int = 50, status: str | None = None) -> list[Delivery]:
    """The site's webhook deliveries, newest first, each with its attempts (two queries)."""
    query = sa.select(OutboxMessage).where(OutboxMessage.site_id == site.id, OutboxMessage.kind == "webhook")
    if status:
        query = query.where(OutboxMessage.status == status)
    messages = list(db.session.execute(query.order_by(OutboxMessage.id.desc()).limit(limit)).scalars())
    by_message: dict[int, list[DeliveryAttempt]] = {m.id: [] for m in messages}
    if messages:
        for attempt in db.session.execute(
            sa.select(DeliveryAttempt).where(DeliveryAttempt.message_id.in_(list(by_message)))
            .order_by(DeliveryAttempt.id)
        ).scalars():
            by_message[attempt.message_id].append(attempt)
    return [Delivery(message=m, attempts=by_message[m.id]) for m in messages]


TEST_EVENT = "webhook.test"  # sent only on an administrator's request, never for a comment


def set_webhook_active(webhook_id: int, site: Site, active: bool) -> Webhook:
    """Disable a webhook (nothing more is sent; queued calls fail as "disabled") or enable it
    again; its history stays, unlike a removal."""
    webhook = get_webhook(webhook_id, site)
    webhook.active = bool(active)
    db.session.commit()
    subscriptions_changed(site.id)
    return webhook


def queue_test_delivery(webhook_id: int, site: Site) -> OutboxMessage:
    """Queue a signed `webhook.test` call to the webhook, for the worker to send like any other;
    its outcome appears in the delivery log."""
    webhook = get_webhook(webhook_id, site)
    if not webhook.active:
        raise field_error("webhook", "This webhook is disabled: enable it to send a test.")
    now = utcnow()
    message = OutboxMessage(kind="webhook", site_id=site.id, event=TEST_EVENT, webhook_id=webhook.id,
                            payload={"event": TEST_EVENT, "site": site.slug, "webhook_id": webhook.id,
                                     "occurred": now.isoformat()},
                            status="pending", next_attempt_at=now)
    db.session.add(message)
    db.session.commit()
    return message
