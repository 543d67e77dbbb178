"""Moderator mail settings and the digest: one summary of what waits in the queue.

`flask --app wsgi notify digest` is meant for cron (hourly is fine): a moderator whose setting
is "digest" gets at most one digest per period, and none when nothing waits. The claim on
`last_digest_at` is a conditional UPDATE, so two overlapping runs cannot both send one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app

from service.auth import Actor
from service.delivery.mail import public_url
from service.errors import Unprocessable
from service.extensions import db
from service.models import Moderator, OutboxMessage, utcnow
from service.services.moderation import queue
from service.services.administration.moderators import get_moderator_by_email

NOTIFY_CHOICES = ("immediate", "digest", "off")
# A run a few minutes early (cron drift, a slow previous run) still counts as the next period.
SLACK = timedelta(minutes=5)


def set_notify(email: str, choice: str) -> Moderator:
    if choice not in NOTIFY_CHOICES:
        raise Unprocessable(f"Choose one of: {', '.join(NOTIFY_CHOICES)}.")
    moderator = get_moderator_by_email(email)
    moderator.notify = choice
    db.session.commit()
    return moderator


def waiting_for(moderator: Moderator) -> list[dict]:
    """Per site this moderator may moderate: held and reported comments, as the queue counts them."""
    actor = Actor(kind="moderator", id=moderator.id, is_admin=moderator.is_admin,
                  site_ids=frozenset(s.id for s in moderator.sites), moderator_id=moderator.id,
                  label=moderator.email)
    sites = queue.visible_sites(actor)
    summary = []
    for site in sites:
        counts = queue.tab_counts(actor, queue.QueueFilters(site=site.slug), sites)
        if counts["pending"] or counts["reported"]:
            summary.append({"slug": site.slug, "name": site.name, "pending": counts["pending"],
                            "reported": counts["reported"],
                            "url": f"{public_url()}/moderate/?{urlencode({'site': site.slug})}"})
    return summary


def queue_digests(period: timedelta = timedelta(hours=24), now: datetime | None = None) -> list[str]:
    """Queue a digest mail for every digest moderator due one; the addresses queued."""
    if not current_app.config.get("SMTP_HOST"):
        raise Unprocessable("SMTP_HOST is not set: there is no way to send a digest.")
    now = now or utcnow()
    due_before = now - period + SLACK
    moderators = list(db.session.execute(
        sa.select(Moderator).where(Moderator.active.is_(True), Moderator.notify == "digest",
                                   sa.or_(Moderator.last_digest_at.is_(None), Moderator.last_digest_at <= due_before))
        .order_by(Moderator.id)
    ).scalars())
    queued = []
    for moderator in moderators:
        sites = waiting_for(moderator)
        if not sites:
            continue
        seen = moderator.last_digest_at
        claimed = db.session.execute(
            sa.update(Moderator)
            .where(Moderator.id == moderator.id,
                   Moderator.last_digest_at.is_(None) if seen is None else Moderator.last_digest_at == seen)
            .values(last_digest_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()  # another run sent this one
            continue
        db.session.add(OutboxMessage(kind="email", site_id=None, event="digest", recipient=moderator.email,
                                     payload={"sites": sites, "since": seen.isoformat() if seen else None},
                                     status="pending", next_attempt_at=now))
        db.session.commit()
        queued.append(moderator.email)
    return queued
