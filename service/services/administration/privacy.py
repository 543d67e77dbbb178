"""What the service stores about an email address, and erasing it on request.

Export gathers every row that names the address. Erasure moves each comment by that address
to `deleted` through the status machine (so the stored counters stay exact and the audit log
says why), then blanks everything personal on it: name, email, website, text, hashed address,
user agent, author key. The audit events stay, with the address cut out of their reasons and
notes; blocks on the address are removed unless the operator keeps them; mail and webhook
payloads still waiting in the outbox lose the address.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from service.extensions import db
from service.models import (Article, Block, Comment, CommentStatus, Moderator, ModerationEvent, OutboxMessage,
                            Site, utcnow)
from service.services.moderation.status import bump_article, change_status
from service.services.delivery import reader_records

ERASED = "[erased]"
ERASE_NOTE = "Erased on request."
CHUNK = 500

NOT_STORED = {
    "flags": "Reader reports store no email address, only a keyed hash of the reporter's network "
             "address; they cannot be found by email.",
    "client_addresses": "Network addresses are never stored, only a keyed hash of them (ip_hash, on each "
                        "comment above).",
}


@dataclass
class Erasure:
    email: str
    comments: Counter = field(default_factory=Counter)  # by the status they had
    events_scrubbed: int = 0
    blocks_removed: int = 0
    blocks_kept: int = 0
    outbox_scrubbed: int = 0
    moderator_id: int | None = None
    reader_mail_removed: int = 0  # mail confirmations and thread subscriptions

    @property
    def total(self) -> int:
        return sum(self.comments.values())


def normalize(email: str) -> str:
    return (email or "").strip().lower()


def _by_email(column, email: str):
    return sa.func.lower(column) == email


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _comments(email: str) -> list[tuple[Comment, Article, Site]]:
    query = (sa.select(Comment, Article, Site).join(Article, Comment.article_id == Article.id)
             .join(Site, Article.site_id == Site.id).where(_by_email(Comment.email, email)).order_by(Comment.id))
    return [tuple(row) for row in db.session.execute(query)]


def _outbox_mentioning(email: str) -> list[OutboxMessage]:
    payload_text = sa.func.lower(sa.cast(OutboxMessage.payload, sa.Text))
    query = sa.select(OutboxMessage).where(sa.or_(_by_email(OutboxMessage.recipient, email),
                                                  payload_text.contains(email, autoescape=True)))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _email_blocks(email: str) -> list[tuple[Block, Site]]:
    query = (sa.select(Block, Site).join(Site, Block.site_id == Site.id)
             .where(Block.kind == "email", _by_email(Block.value, email)).order_by(Block.id))
    return [tuple(row) for row in db.session.execute(query)]


def _moderator(email: str) -> Moderator | None:
    return db.session.scalars(sa.select(Moderator).where(_by_email(Moderator.email, email))).first()


def export(email: str) -> dict:
    """Everything stored about `email`, as plain JSON-ready data."""
    email = normalize(email)
    rows = _comments(email)
    ids = [comment.id for comment, _, _ in rows]
    events = _events(ids)
    moderator = _moderator(email)
    return {
        "email": email,
        "exported_at": utcnow().isoformat(),
        "comments": [{
            "id": c.id, "site": s.slug, "article": a.key, "article_url": a.url, "article_title": a.title,
            "parent_id": c.parent_id, "status": c.status.value, "author": c.author, "email": c.email,
            "website": c.website, "body": c.body, "created": _iso(c.created_at), "updated": _iso(c.updated_at),
            "edited": _iso(c.edited_at), "user_agent": c.user_agent, "ip_hash": c.ip_hash,
            "notify_replies": c.notify_replies, "source": c.source_key,
            "history": [{"action": e.action, "actor": e.actor, "from": e.from_status, "to": e.to_status,
                         "reasons": e.reasons, "note": e.note, "at": _iso(e.created_at)}
                        for e in events if e.comment_id == c.id],
        } for c, a, s in rows],
        "blocks": [{"site": s.slug, "kind": b.kind, "value": b.value, "note": b.note,
                    "expires_at": _iso(b.expires_at), "created_at": _iso(b.created_at)}
                   for b, s in _email_blocks(email)],
        "moderator": None if moderator is None else {
            "id": moderator.id, "email": moderator.email, "is_admin": moderator.is_admin,
            "active": moderator.active, "sites": sorted(site.slug for site in moderator.sites),
            "notify": moderator.notify, "created_at": _iso(moderator.created_at)},
        "outbox": [{"id": m.id, "kind": m.kind, "event": m.event, "status": m.status,
                    "recipient": m.recipient, "created_at": _iso(m.created_at)} for m in _outbox_mentioning(email)],
        **reader_records.export(email),
        "not_stored": NOT_STORED,
    }


def _events(comment_ids: list[int]) -> list[ModerationEvent]:
    events: list[ModerationEvent] = []
    for start in range(0, len(comment_ids), CHUNK):
        chunk = comment_ids[start:start + CHUNK]
        events += db.session.scalars(sa.select(ModerationEvent).where(ModerationEvent.comment_id.in_(chunk))
                                     .order_by(ModerationEvent.id))
    return events


def scrub(value, email: str):
    """`value` (any JSON) with every occurrence of `email` replaced, whatever its case."""
    if isinstance(value, str):
        if email not in value.lower():
            return value
        lowered, out, start = value.lower(), [], 0
        while (hit := lowered.find(email, start)) >= 0:
            out += [value[start:hit], ERASED]
            start = hit + len(email)
        return "".join(out) + value[start:]
    if isinstance(value, list):
        return [scrub(item, email) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, email) for key, item in value.items()}
    return value


def erase(email: str, *, keep_blocks: bool = False) -> Erasure:
    """Erase `email` everywhere, in one transaction; counters and versions move as for any deletion."""
    email = normalize(email)
    summary = Erasure(email)
    rows = _comments(email)
    for comment, article, _site in rows:
        summary.comments[comment.status.value] += 1
        if comment.status == CommentStatus.DELETED:
            bump_article(article.id)  # its cached thread may still carry the name
        else:
            change_status(comment, CommentStatus.DELETED.value, site_id=article.site_id, actor="system",
                          note=ERASE_NOTE)
    ids = [comment.id for comment, _, _ in rows]
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            sa.update(Comment).where(Comment.id.in_(ids[start:start + CHUNK]))
            .values(author=ERASED, email=None, website=None, body="", body_html="", ip_hash="", user_agent="",
                    author_key_hash=None, edit_token_hash=None, fingerprint="", notify_replies=False,
                    updated_at=utcnow())
            .execution_options(synchronize_session=False))
    summary.events_scrubbed = _scrub_events(ids, email)
    for block, _site in _email_blocks(email):
        if keep_blocks:
            summary.blocks_kept += 1
        else:
            db.session.delete(block)
            summary.blocks_removed += 1
    for message in _outbox_mentioning(email):
        message.payload = scrub(message.payload, email)
        if message.recipient and normalize(message.recipient) == email:
            message.recipient = ERASED
            if message.status == "pending":
                message.status = "failed"  # mail to an erased address is not sent
                message.last_error = ERASE_NOTE
        summary.outbox_scrubbed += 1
    moderator = _moderator(email)
    summary.moderator_id = moderator.id if moderator else None
    summary.reader_mail_removed = reader_records.erase(email)
    db.session.commit()
    return summary


def _scrub_events(comment_ids: list[int], email: str) -> int:
    changed = 0
    for event in _events(comment_ids):
        reasons, note = scrub(event.reasons, email), scrub(event.note, email)
        if reasons != event.reasons or note != event.note:
            event.reasons, event.note = reasons, note
            changed += 1
    return changed
