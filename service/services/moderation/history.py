"""The audit history: every status change and edit, per comment and as a filterable log, and
the one way anything leaves it, an explicit administrator's purge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from service.auth import Actor, require_site_access
from service.errors import field_error
from service.extensions import db
from service.models import Article, Comment, CommentStatus, Flag, ModerationEvent, Moderator, utcnow

MAX_LIMIT = 200
MIN_RETENTION_DAYS = 1
PURGE_CHUNK = 500


@dataclass(frozen=True)
class EventView:
    event: ModerationEvent
    moderator_email: str | None
    article_id: int | None = None
    article_key: str | None = None


def _events_query():
    return (sa.select(ModerationEvent, Moderator.email)
            .outerjoin(Moderator, Moderator.id == ModerationEvent.moderator_id))


def events_for_comment(comment_id: int) -> list[EventView]:
    """A comment's history, oldest first."""
    rows = db.session.execute(
        _events_query().where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id)
    ).all()
    return [EventView(event, email) for event, email in rows]


def latest_reasons(comment_ids) -> dict[int, list]:
    """The reasons of each comment's latest status-setting event: why it is where it is. A
    comment a moderator sent back to review (an undo, "back to review") keeps the reasons the
    rules last gave it: the moderator's move says nothing about what to look at."""
    ids = list(comment_ids)
    if not ids:
        return {}
    latest = (sa.select(sa.func.max(ModerationEvent.id))
              .where(ModerationEvent.comment_id.in_(ids), ModerationEvent.action == "status")
              .group_by(ModerationEvent.comment_id))
    rows = db.session.execute(
        sa.select(ModerationEvent.comment_id, ModerationEvent.reasons, ModerationEvent.actor, ModerationEvent.to_status)
        .where(ModerationEvent.id.in_(latest))
    ).all()
    found = {comment_id: reasons or [] for comment_id, reasons, _, _ in rows}
    returned = [comment_id for comment_id, reasons, actor, to_status in rows
                if not reasons and actor == "moderator" and to_status == "pending"]
    if returned:
        for comment_id, reasons in db.session.execute(
                sa.select(ModerationEvent.comment_id, ModerationEvent.reasons)
                .where(ModerationEvent.comment_id.in_(returned), ModerationEvent.actor == "rules")
                .order_by(ModerationEvent.id.desc())):
            if reasons and not found[comment_id]:
                found[comment_id] = reasons
    return found


def event_log(actor: Actor, site_id: int | None = None, moderator_id: int | None = None,
              before_id: int | None = None, limit: int = 50) -> list[EventView]:
    """Events newest first, `limit` at a time; pass the last id seen as `before_id` for the
    next page (keyset pagination: every page costs the same however deep)."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = (_events_query().add_columns(Article.id, Article.key)
             .join(Comment, Comment.id == ModerationEvent.comment_id)
             .join(Article, Article.id == Comment.article_id))
    if site_id is not None:
        require_site_access(actor, site_id)
        query = query.where(ModerationEvent.site_id == site_id)
    elif not actor.is_admin:
        query = query.where(ModerationEvent.site_id.in_(actor.site_ids or {-1}))
    if moderator_id is not None:
        query = query.where(ModerationEvent.moderator_id == moderator_id)
    if before_id is not None:
        query = query.where(ModerationEvent.id < before_id)
    rows = db.session.execute(query.order_by(ModerationEvent.id.desc()).limit(limit)).all()
    return [EventView(event, email, article_id, key) for event, email, article_id, key in rows]


def purge(older_than_days: int) -> dict:
    """Delete what is older than the retention: deleted comments last changed before it (with
    their events and reports), and events before it, except the latest status event of each
    comment that remains, which says why the comment is where it is."""
    if older_than_days < MIN_RETENTION_DAYS:
        raise field_error("older_than_days", f"Keep at least {MIN_RETENTION_DAYS} day.")
    cutoff = utcnow() - timedelta(days=older_than_days)
    doomed = list(db.session.execute(
        sa.select(Comment.id).where(Comment.status == CommentStatus.DELETED, Comment.updated_at < cutoff)
    ).scalars())
    comments = events = 0
    articles: set[int] = set()
    for start in range(0, len(doomed), PURGE_CHUNK):
        ids = doomed[start:start + PURGE_CHUNK]
        articles.update(db.session.execute(sa.select(Comment.article_id).where(Comment.id.in_(ids))).scalars())
        # Replies outlive a purged parent as top-level comments.
        _run(sa.update(Comment).where(Comment.parent_id.in_(ids)).values(parent_id=None))
        events += _run(sa.delete(ModerationEvent).where(ModerationEvent.comment_id.in_(ids)))
        _run(sa.delete(Flag).where(Flag.comment_id.in_(ids)))
        comments += _run(sa.delete(Comment).where(Comment.id.in_(ids)))
    keep = (sa.select(sa.func.max(ModerationEvent.id)).where(ModerationEvent.action == "status")
            .group_by(ModerationEvent.comment_id))
    events += _run(sa.delete(ModerationEvent).where(ModerationEvent.created_at < cutoff,
                                                    ModerationEvent.id.not_in(keep)))
    if articles:
        _run(sa.update(Article).where(Article.id.in_(articles)).values(version=Article.version + 1))
    db.session.commit()
    return {"comments": comments, "events": events}


def _run(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
