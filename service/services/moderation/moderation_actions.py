"""What a moderator does to comments: change their status (one or many) and edit their text.

Every status change goes through `status.change_status`, so the allowed moves, the stored
counters and the audit event stay in one place. A moderator's decision also resolves the
reader reports that were pending on the comment (its `flag_count` goes back to 0; the flag
rows stay, so the same readers cannot report it again and the reports remain visible).
Approving a published comment that readers reported is that decision too: it stays published
and leaves the Reported queue ("Keep"), recorded like any other.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.auth import Actor, require_site_access
from service.errors import Conflict, NotFound, field_error
from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, utcnow
from service.moderation.sanitize import render_body
from service.moderation.transitions import TransitionError, check_transition
from service.services.moderation.status import bump_article, change_status, record_edit

MAX_BULK = 500
BULK_ATTEMPTS = 3


def comment_for(actor: Actor, comment_id: int) -> tuple[Comment, int]:
    """The comment and its site id, if it exists and the actor moderates its site."""
    row = db.session.execute(
        sa.select(Comment, Article.site_id).join(Article, Article.id == Comment.article_id)
        .where(Comment.id == comment_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"No comment {comment_id}.")
    comment, site_id = row
    require_site_access(actor, site_id)
    return comment, site_id


def is_keep(comment: Comment, status: str) -> bool:
    """Whether moving `comment` to `status` means keeping a reported comment published."""
    return status == CommentStatus.APPROVED.value and comment.status == CommentStatus.APPROVED \
        and comment.flag_count > 0


def _decide(actor: Actor, comment: Comment, site_id: int, status: str, note: str | None,
            expected_revision: int | None = None) -> None:
    if is_keep(comment, status):
        _keep(actor, comment, site_id, note, expected_revision)
        return
    change_status(comment, status, site_id=site_id, actor="moderator", moderator_id=actor.moderator_id,
                  note=note, expected_revision=expected_revision)
    db.session.execute(sa.update(Comment).where(Comment.id == comment.id, Comment.flag_count != 0)
                       .values(flag_count=0).execution_options(synchronize_session=False))


def _keep(actor: Actor, comment: Comment, site_id: int, note: str | None, expected_revision: int | None) -> None:
    """The reports on a published comment are dismissed; it stays as it is. Guarded by the
    revision read, like a status change, so a concurrent decision wins once."""
    reports = comment.flag_count
    revision = comment.revision if expected_revision is None else expected_revision
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.id == comment.id, Comment.revision == revision, Comment.status == CommentStatus.APPROVED,
               Comment.flag_count > 0)
        .values(flag_count=0, revision=Comment.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else changed this comment first; reload to see its current state.")
    message = f"Kept: {reports} reader report{'s' if reports != 1 else ''} dismissed."
    db.session.add(ModerationEvent(
        comment_id=comment.id, site_id=site_id, actor="moderator", moderator_id=actor.moderator_id,
        from_status=CommentStatus.APPROVED.value, to_status=CommentStatus.APPROVED.value, note=note,
        reasons=[{"code": "reports_dismissed", "verdict": "approve", "message": message, "matched": []}]))
    db.session.expire(comment)


def moderate_comment(actor: Actor, comment_id: int, status: str, *, note: str | None = None,
                     expected_revision: int | None = None) -> Comment:
    """Move one comment to `status`. With `expected_revision`, the move happens only if nobody
    changed the comment since the moderator saw that revision (else 409)."""
    comment, site_id = comment_for(actor, comment_id)
    if expected_revision is not None and expected_revision != comment.revision:
        raise Conflict("Someone else changed this comment first; reload to see its current state.",
                       extra={"current_status": comment.status.value, "current_revision": comment.revision})
    _decide(actor, comment, site_id, status, note, expected_revision)
    db.session.commit()
    return comment


def bulk_moderate(actor: Actor, ids, status: str, *, note: str | None = None) -> dict:
    """Move many comments at once, in one transaction.

    Comments that cannot make the move (already there, or not an allowed move) are reported
    as conflicts and left alone; unknown ids, and ids on sites the actor does not moderate,
    are reported as not found (a bulk call does not reveal other sites' comments).
    """
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_BULK:
        raise field_error("ids", f"At most {MAX_BULK} comments per bulk action.")
    for attempt in range(BULK_ATTEMPTS):
        try:
            return _bulk_once(actor, ids, status, note)
        except Conflict:
            # A concurrent writer changed one of these comments between our read and our
            # update; change_status rolled the whole batch back, so it is safe to redo it.
            if attempt == BULK_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _bulk_once(actor: Actor, ids: list[int], status: str, note: str | None) -> dict:
    rows = db.session.execute(
        sa.select(Comment, Article.site_id).join(Article, Article.id == Comment.article_id)
        .where(Comment.id.in_(ids)).order_by(Comment.id)
        .with_for_update(of=Comment)
    ).all() if ids else []
    # Each move changes its article's counters. Lock those rows up front, in id order as every
    # bulk does: taken in comment order instead, two bulks over the same articles deadlock.
    article_ids = sorted({comment.article_id for comment, _ in rows})
    if article_ids:
        db.session.execute(sa.select(Article.id).where(Article.id.in_(article_ids)).order_by(Article.id)
                           .with_for_update(key_share=True))
    found = {comment.id: (comment, site_id) for comment, site_id in rows if actor.can_access(site_id)}
    updated, kept, conflicts = [], [], []
    for comment_id in ids:
        if comment_id not in found:
            continue
        comment, site_id = found[comment_id]
        keep = is_keep(comment, status)
        try:
            if not keep:
                check_transition(comment.status.value, status)
        except TransitionError as exc:
            conflicts.append({"id": comment_id, "message": str(exc)})
            continue
        _decide(actor, comment, site_id, status, note)
        updated.append(comment_id)
        if keep:
            kept.append(comment_id)
    db.session.commit()
    return {"updated": updated, "kept": kept, "conflicts": conflicts,
            "not_found": [i for i in ids if i not in found]}


def edit_comment_text(actor: Actor, comment_id: int, body: str, *, note: str | None = None,
                      expected_revision: int | None = None) -> Comment:
    """Replace a comment's text: rendered and sanitized again, and recorded in its history."""
    comment, site_id = comment_for(actor, comment_id)
    revision = comment.revision if expected_revision is None else expected_revision
    before = comment.body
    rendered = render_body(body)
    now = utcnow()
    result = db.session.execute(
        sa.update(Comment).where(Comment.id == comment.id, Comment.revision == revision)
        .values(body=body, body_html=rendered.html, revision=Comment.revision + 1, updated_at=now, edited_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else changed this comment first; reload to see its current state.")
    record_edit(comment, site_id, "moderator", moderator_id=actor.moderator_id,
                note=note or "Edited by a moderator.", body_before=before, body_after=body)
    db.session.commit()
    db.session.refresh(comment)
    return comment


def set_article_closed(actor: Actor, article_id: int, closed: bool) -> Article:
    """Close an article to new comments, or reopen it."""
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    require_site_access(actor, article.site_id)
    if article.closed != closed:
        article.closed = closed
        bump_article(article.id)
        db.session.commit()
    return article
