"""What happened to a comment, turned into outbox rows: webhook calls and notification mail.

`emit` is called from the status functions (and the reader-report path) inside the caller's
transaction and only inserts rows: nothing here touches the network, so delivery never slows
the request, and the rows commit or roll back with the change they describe. The worker
(`flask --app wsgi worker`, see service/services/delivery/outbox.py) delivers them.

Events and when they fire:
- `comment.created`: every new comment, whatever its first status.
- `comment.held`: a comment enters `pending` (a new held comment, or one moved back to review).
- `comment.approved`: a comment is published (at once, or by a moderator).
- `comment.rejected`: a comment enters `rejected` or `spam`.
- `comment.reported`: reader reports reach the site's `flags_to_review`.

A comment's first publication also mails readers: the parent's author when they asked for
reply mail, and the article's subscribers (subscriptions.py), only at addresses confirmed for the
site (addresses.py); asking for reply mail queues the address's confirmation mail.

Payloads carry what a receiver can show publicly and nothing more: never the commenter's email
or IP hash, and reasons without the values they matched (a block rule matches the email).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

import sqlalchemy as sa
from flask import current_app

from service.extensions import db
from service.models import Article, Comment, ModerationEvent, Moderator, OutboxMessage, Site, Webhook, \
    moderator_site, utcnow
from service.services.administration.site_versions import current_version
from service.services.administration.sites import version_read
from service.services.comments import read_cache
from service.services.comments.articles import on_site_origins
from service.services.delivery import addresses, subscriptions

EVENTS = ("comment.created", "comment.held", "comment.approved", "comment.rejected", "comment.reported")
STATUS_EVENTS = {"pending": "comment.held", "approved": "comment.approved",
                 "rejected": "comment.rejected", "spam": "comment.rejected"}
MODERATOR_MAIL_EVENTS = frozenset({"comment.held", "comment.reported"})
REPLY_EVENT = "comment.reply"  # mail only: a reader's comment got a published reply


def status_event(status: str) -> str | None:
    """The event a comment entering `status` fires (none for `deleted`)."""
    return STATUS_EVENTS.get(status)


def emit(event: str, comment: Comment, site_id: int, *, status: str | None = None,
         reasons: Iterable[dict] = (), actor: str = "rules", **extra) -> None:
    """Queue everything `event` on `comment` calls for, in the caller's transaction (no commit).

    `status` is the comment's status after the change (the caller may have updated the row
    without refreshing the object); `extra` goes into the payload as it is. Call it before
    the change's ModerationEvent is added: a reply's first publication is told from there
    being no earlier one.
    """
    _emit([event], comment, site_id, status, reasons, actor, extra)


def emit_new(comment: Comment, site_id: int, reasons: Iterable[dict], actor: str) -> None:
    """A new comment: `comment.created`, then the event of its first status."""
    status = comment.status.value
    if comment.notify_replies and comment.email and status in ("approved", "pending") and addresses.mail_enabled():
        # Reply mail waits for the reader to confirm the address; a refused comment asks nothing.
        addresses.request_confirmation(db.session.get(Site, site_id), comment.email)
    _emit(["comment.created", *filter(None, [status_event(status)])], comment, site_id, status, reasons,
          actor, {})


def emit_status(comment: Comment, site_id: int, to_status: str, reasons: Iterable[dict], actor: str) -> None:
    """A comment moved to `to_status` (nothing for a move that has no event, like deletion)."""
    event = status_event(to_status)
    if event:
        _emit([event], comment, site_id, to_status, reasons, actor, {})


def _emit(names: list[str], comment: Comment, site_id: int, status: str | None, reasons: Iterable[dict],
          actor: str, extra: dict) -> None:
    unknown = [name for name in names if name not in EVENTS]
    if unknown:
        raise ValueError(f"Unknown event {unknown[0]!r}")
    webhooks = _active_webhooks(site_id)
    mail_on = bool(current_app.config.get("SMTP_HOST"))
    if not webhooks and not mail_on:
        return  # every comment passes here; with nobody listening, build no payload
    article = db.session.get(Article, comment.article_id)
    site = db.session.get(Site, site_id)
    status = status or comment.status.value
    reasons = [{"code": r.get("code"), "verdict": r.get("verdict"), "message": r.get("message")}
               for r in reasons]
    now = utcnow()
    for event in names:
        payload = comment_payload(event, comment, site, article, status, reasons, **extra)
        for webhook in webhooks:
            if event in webhook.events:
                db.session.add(OutboxMessage(kind="webhook", site_id=site_id, event=event, webhook_id=webhook.id,
                                             payload=payload, status="pending", next_attempt_at=now))
        if not mail_on:
            continue
        if event in MODERATOR_MAIL_EVENTS and _worth_a_mail(event, actor, reasons):
            mail = {**payload, "body_text": comment.body, "site_name": site.name, "actor": actor}
            for address in _immediate_moderators(site_id):
                db.session.add(OutboxMessage(kind="email", site_id=site_id, event=event, recipient=address,
                                             payload=mail, status="pending", next_attempt_at=now))
        if event == "comment.approved" and _first_publication(comment, names):
            _queue_reader_mail(comment, site, article, payload, now)


def comment_payload(event: str, comment: Comment, site: Site, article: Article, status: str,
                    reasons: list[dict], **extra) -> dict:
    return {
        "event": event,
        "id": comment.id,
        "site": site.slug,
        "article": {"key": article.key, "url": article.url, "title": article.title},
        "parent_id": comment.parent_id,
        "author": comment.author,
        "website": comment.website,
        "status": status,
        "body_html": comment.body_html,
        "created": _iso(comment.created_at),
        "occurred": _iso(utcnow()),
        "reasons": reasons,
        "spam_score": comment.spam_score,
        **extra,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _active_webhooks(site_id: int) -> tuple[WebhookSubscription, ...]:
    """The site's active subscriptions. Every comment asks, so a process keeps them per site
    configuration version, which every webhook change bumps: the version comes with the site
    this request already read (public_site reads it on every request), else it is read here.
    A removal that commits while this transaction runs still finds the webhook's row, which is
    deleted only later (see services/delivery/webhooks.py), so the outbox rows are accepted and
    the worker drops them."""
    version = version_read(site_id)
    if version is None:
        version = current_version(site_id)

    def load() -> tuple[WebhookSubscription, ...]:
        rows = db.session.execute(
            sa.select(Webhook.id, Webhook.events)
            .where(Webhook.site_id == site_id, Webhook.active.is_(True), Webhook.deleted_at.is_(None))
            .order_by(Webhook.id)
        ).all()
        return tuple(WebhookSubscription(row.id, frozenset(row.events or ())) for row in rows)

    return read_cache.remember(("webhooks", site_id), load, version)


def subscriptions_changed(site_id: int) -> None:
    """This process added, changed or removed a webhook of the site: stop using the old list."""
    read_cache.forget(("webhooks", site_id))


@dataclass(frozen=True)
class WebhookSubscription:
    id: int
    events: frozenset[str]


def _worth_a_mail(event: str, actor: str, reasons: list[dict]) -> bool:
    # A moderator who moved a comment back to review knows it is there; and a comment hidden
    # because readers reported it has its own comment.reported mail already.
    if event != "comment.held":
        return True
    return actor != "moderator" and not any(r.get("code") == "reported" for r in reasons)


def _immediate_moderators(site_id: int) -> list[str]:
    """Addresses of the active moderators of the site (administrators moderate every site)
    who asked for mail as things happen."""
    assigned = sa.select(moderator_site.c.moderator_id).where(moderator_site.c.site_id == site_id)
    return list(db.session.execute(
        sa.select(Moderator.email)
        .where(Moderator.active.is_(True), Moderator.notify == "immediate",
               sa.or_(Moderator.is_admin.is_(True), Moderator.id.in_(assigned)))
        .order_by(Moderator.id)
    ).scalars())


def _first_publication(comment: Comment, names: list[str]) -> bool:
    if "comment.created" in names:
        return True
    published_before = db.session.execute(
        sa.select(sa.func.count()).select_from(ModerationEvent)
        .where(ModerationEvent.comment_id == comment.id, ModerationEvent.to_status == "approved")
    ).scalar_one()
    return not published_before  # approved, hidden, approved again: readers heard the first time


def _queue_reader_mail(comment: Comment, site: Site, article: Article, payload: dict, now: datetime) -> None:
    """A comment was published for the first time: mail the parent's author (if they asked) and
    the article's subscribers, each once, and only at confirmed addresses."""
    # The article's address goes into reader mail only when it is one of the site's pages.
    link = article.url if on_site_origins(site.origins, article.url) else None
    mail = {**payload, "body_text": comment.body, "site_name": site.name, "article_link": link}
    told = _queue_reply_notification(comment, site, mail, now) if comment.parent_id is not None else None
    subscriptions.queue_thread_mail(comment, site, article, mail, now, skip={told} if told else set())


def _queue_reply_notification(reply: Comment, site: Site, mail: dict, now: datetime) -> str | None:
    """Mail the parent's author, if they asked for it and confirmed their address; the address
    mailed, if any."""
    parent = db.session.get(Comment, reply.parent_id)
    if parent is None or not parent.notify_replies or not parent.email:
        return None
    if reply.email and reply.email.strip().lower() == parent.email.strip().lower():
        return None  # answering oneself is no news
    if parent.status.value != "approved" or not addresses.is_confirmed(site.id, parent.email):
        return None
    mail = {**mail, "notify_comment_id": parent.id, "parent_author": parent.author}
    db.session.add(OutboxMessage(kind="email", site_id=site.id, event=REPLY_EVENT, recipient=parent.email,
                                 payload=mail, status="pending", next_attempt_at=now))
    return parent.email
