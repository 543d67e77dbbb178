"""Thread subscriptions: a reader asks for a mail about every new published comment on one article.

Subscribing stores the request and asks for the address's confirmation (addresses.py); mail
goes only to confirmed addresses, never to the comment's own author, and each carries a
one-click unsubscribe (RFC 8058). The answer to a subscription never says whether the address
was known, confirmed or subscribed already.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects import postgresql, sqlite

from service.errors import BadRequest
from service.extensions import db
from service.models import Article, Comment, OutboxMessage, Site, ThreadSubscription, utcnow
from service.services.administration.sites import public_site
from service.services.comments.articles import get_or_create_article
from service.services.delivery import addresses

THREAD_EVENT = "comment.thread"
MAX_TOKEN_LENGTH = 200
_SALT = "thread-subscription-unsubscribe"
_INVALID = "This unsubscribe link is incomplete or not valid."


def subscribe(site_slug: str, article_key: str, email: str) -> None:
    """Record the subscription (once) and ask for the address's confirmation; one commit."""
    site = public_site(site_slug)
    article = get_or_create_article(site, article_key)
    email = addresses.normalize(email)
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(ThreadSubscription)
        .values(site_id=site.id, article_id=article.id, email=email, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["article_id", "email"])
    )
    addresses.request_confirmation(site, email)
    db.session.commit()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(subscription_id: int) -> str:
    """Names the subscription, signed; it does not expire: an old mail's link must keep working."""
    return _serializer().dumps({"t": subscription_id})


def subscription_id_from(token: str | None) -> int:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadRequest(_INVALID)
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise BadRequest(_INVALID) from None
    value = data.get("t") if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest(_INVALID)
    return value


def unsubscribe(token: str | None) -> bool:
    """End the subscription a token names; False when it had ended already."""
    removed = db.session.execute(
        sa.delete(ThreadSubscription).where(ThreadSubscription.id == subscription_id_from(token))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(removed)


def active_subscription(subscription_id: int | None) -> ThreadSubscription | None:
    """The subscription, if it still stands and its address is confirmed (checked again when the
    mail leaves: an unsubscribe or an erasure after the comment was published wins)."""
    subscription = db.session.get(ThreadSubscription, subscription_id) if subscription_id else None
    if subscription is None or not addresses.is_confirmed(subscription.site_id, subscription.email):
        return None
    return subscription


def queue_thread_mail(comment: Comment, site: Site, article: Article, mail: dict, now: datetime,
                      skip: set[str]) -> int:
    """Outbox mail about a newly published comment to the article's confirmed subscribers, but
    not to its author nor to the addresses in `skip` (already told by a reply mail)."""
    rows = db.session.execute(
        sa.select(ThreadSubscription.id, ThreadSubscription.email)
        .where(ThreadSubscription.article_id == article.id).order_by(ThreadSubscription.id)
    ).all()
    skip = {addresses.normalize(address) for address in skip} | {addresses.normalize(comment.email)}
    wanted = [(row.id, row.email) for row in rows if row.email not in skip]
    if not wanted:
        return 0
    confirmed = addresses.confirmed_among(site.id, [email for _, email in wanted])
    messages = [{"kind": "email", "site_id": site.id, "event": THREAD_EVENT, "recipient": email,
                 "payload": {**mail, "subscription_id": subscription_id}, "status": "pending",
                 "attempts": 0, "next_attempt_at": now, "created_at": now}
                for subscription_id, email in wanted if email in confirmed]
    if messages:
        db.session.execute(sa.insert(OutboxMessage), messages)  # one executemany, however many subscribers
    return len(messages)
