"""The one way a comment's status changes: allowed moves, stored counters and the audit event
in the caller's transaction."""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

from service.errors import Conflict
from service.extensions import db
from service.services.comments import read_cache
from service.services.delivery import events
from service.models import Article, Comment, CommentStatus, ModerationEvent, utcnow
from service.moderation.transitions import TransitionError, check_transition, counter_deltas


# Built once: every write runs it, and building the expression costs more than running it.
_BUMP = (sa.update(Article)
         .where(Article.id == sa.bindparam("article"))
         .values(approved_count=Article.approved_count + sa.bindparam("approved"),
                 pending_count=Article.pending_count + sa.bindparam("pending"),
                 version=Article.version + 1))


_NEW_EVENT = sa.insert(ModerationEvent)


def bump_article(article_id: int, approved: int = 0, pending: int = 0) -> None:
    """Counters and version change in one UPDATE, so concurrent writers never lose a step."""
    read_cache.forget_counts()
    db.session.connection().execute(_BUMP, {"article": article_id, "approved": approved, "pending": pending})


def record_new(comment: Comment, site_id: int, reasons: Iterable[dict] = (), actor: str = "rules") -> None:
    """A new comment's first status: counters and the event that explains it."""
    status = comment.status.value
    check_transition(None, status)
    approved, pending = counter_deltas(None, status)
    bump_article(comment.article_id, approved, pending)
    reasons = list(reasons)
    events.emit_new(comment, site_id, reasons, actor)  # outbox rows only; the worker delivers
    # A plain INSERT rather than a unit-of-work flush: nothing reads the event back in this
    # transaction, and every new comment writes one.
    # The columns left out take the model's defaults (a status event, created now).
    db.session.connection().execute(_NEW_EVENT, {
        "comment_id": comment.id, "site_id": site_id, "actor": actor, "to_status": status, "reasons": reasons})


def change_status(comment: Comment, to_status: str, *, site_id: int, actor: str,
                  moderator_id: int | None = None, reasons: Iterable[dict] = (),
                  note: str | None = None, expected_revision: int | None = None) -> ModerationEvent:
    """Move a comment to `to_status`, or raise Conflict.

    The UPDATE is guarded by the revision read, so two moderators acting on the same comment
    cannot both win: the second sees a 409 instead of silently overwriting the first.
    """
    from_status = comment.status.value
    try:
        check_transition(from_status, to_status)
    except TransitionError as exc:
        raise Conflict(str(exc), extra={"current_status": from_status}) from None
    revision = comment.revision if expected_revision is None else expected_revision
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.id == comment.id, Comment.revision == revision, Comment.status == comment.status)
        .values(status=CommentStatus(to_status), revision=Comment.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else changed this comment first; reload to see its current state.")
    approved, pending = counter_deltas(from_status, to_status)
    bump_article(comment.article_id, approved, pending)
    reasons = list(reasons)
    events.emit_status(comment, site_id, to_status, reasons, actor)  # before the event row: see emit
    event = ModerationEvent(comment_id=comment.id, site_id=site_id, actor=actor, moderator_id=moderator_id,
                            from_status=from_status, to_status=to_status, reasons=reasons, note=note)
    db.session.add(event)
    db.session.expire(comment)
    return event


def record_edit(comment: Comment, site_id: int, actor: str, reasons: Iterable[dict] = (),
                moderator_id: int | None = None, note: str | None = None, *,
                body_before: str | None = None, body_after: str | None = None) -> ModerationEvent:
    """A change of text (status unchanged): the thread's version moves, the audit log records it
    with the text before and after."""
    bump_article(comment.article_id)
    status = comment.status.value
    event = ModerationEvent(comment_id=comment.id, site_id=site_id, actor=actor, moderator_id=moderator_id,
                            action="edit", from_status=status, to_status=status, reasons=list(reasons),
                            note=note, body_before=body_before, body_after=body_after)
    db.session.add(event)
    return event
