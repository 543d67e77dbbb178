"""Pinned comments: a moderator pins a comment to the top of its thread (in every order), or
unpins it. The article's version moves with it, so cached renderings change, and the audit log
records who did it."""

from __future__ import annotations

import sqlalchemy as sa

from service.auth import Actor
from service.extensions import db
from service.models import Comment, ModerationEvent, utcnow
from service.services.moderation.moderation_actions import comment_for, moderate_comment
from service.services.moderation.status import bump_article


def set_pinned(actor: Actor, comment_id: int, pinned: bool, *, note: str | None = None) -> Comment:
    """Pin or unpin; asking for what already holds changes and records nothing."""
    comment, site_id = comment_for(actor, comment_id)
    if comment.pinned == pinned:
        return comment
    db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                       .values(pinned=pinned, updated_at=utcnow()).execution_options(synchronize_session=False))
    bump_article(comment.article_id)
    status = comment.status.value
    db.session.add(ModerationEvent(comment_id=comment.id, site_id=site_id, actor="moderator",
                                   moderator_id=actor.moderator_id, action="pin" if pinned else "unpin",
                                   from_status=status, to_status=status, reasons=[], note=note))
    db.session.commit()
    db.session.refresh(comment)
    return comment


def update_comment(actor: Actor, comment_id: int, *, status: str | None = None, pinned: bool | None = None,
                   note: str | None = None, expected_revision: int | None = None) -> Comment:
    """The moderation API's PATCH: a status move (guarded by the revision), a pin, or both,
    the move first (a refused move pins nothing)."""
    comment = None
    if status is not None:
        comment = moderate_comment(actor, comment_id, status, note=note, expected_revision=expected_revision)
    if pinned is not None:
        comment = set_pinned(actor, comment_id, pinned, note=note if status is None else None)
    assert comment is not None, "the schema asks for a status or pinned"
    return comment
