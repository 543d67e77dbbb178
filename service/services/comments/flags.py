"""Reader reports ("flags") on published comments.

One report per client address per comment: a second one from the same address is a 409, so
a reader learns their report is already in and a script cannot inflate the count. When the
reports reach the site's `flags_to_review`, the comment shows in the moderators' Reported
queue; if the site's policy says `hide_flagged`, it is also taken off the page (moved to
pending) until a moderator decides.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.errors import Conflict, NotFound
from service.extensions import db
from service.models import Article, Comment, CommentStatus, Flag, Site
from service.services.comments.submissions import Client
from service.services.delivery.events import emit
from service.services.moderation.policies import site_policy
from service.services.moderation.status import change_status

REASONS = ("spam", "abusive", "off-topic", "other")


def thresholds(site: Site) -> tuple[int, bool]:
    """(flags_to_review, hide_flagged) of the site's policy."""
    policy = site_policy(site)
    return policy.flags_to_review, policy.hide_flagged


def flag_comment(comment_id: int, reason: str, note: str | None, client: Client) -> Flag:
    """Record one reader's report. Only published (approved) comments can be reported; any
    other id answers 404, so the endpoint tells nothing about held or removed comments."""
    for attempt in range(2):
        try:
            return _flag_once(comment_id, reason, note, client, hide=attempt == 0)
        except _HideRace:
            # A moderator changed the comment while we were hiding it (and our transaction
            # was rolled back): record the report again, leaving the status to the moderator.
            continue
    raise AssertionError("unreachable")


class _HideRace(Exception):
    pass


def _flag_once(comment_id: int, reason: str, note: str | None, client: Client, *, hide: bool) -> Flag:
    row = db.session.execute(
        sa.select(Comment, Site).join(Article, Article.id == Comment.article_id)
        .join(Site, Site.id == Article.site_id).where(Comment.id == comment_id)
    ).one_or_none()
    if row is None or row[0].status != CommentStatus.APPROVED:
        raise NotFound(f"No published comment {comment_id}.")
    comment, site = row
    flag = Flag(comment_id=comment.id, reason=reason, note=note or None, ip_hash=client.ip_hash)
    db.session.add(flag)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have reported this comment already.") from None
    db.session.execute(sa.update(Comment).where(Comment.id == comment.id)
                       .values(flag_count=Comment.flag_count + 1).execution_options(synchronize_session=False))
    count = db.session.execute(sa.select(Comment.flag_count).where(Comment.id == comment.id)).scalar_one()
    to_review, hide_flagged = thresholds(site)
    if count == to_review:  # once, as the reports reach the threshold (a decision resets the count)
        emit("comment.reported", comment, site.id, actor="readers", flags=count)
    if hide and hide_flagged and count >= to_review and comment.status == CommentStatus.APPROVED:
        message = f"Reported by {count} readers; hidden until a moderator decides."
        try:
            change_status(comment, CommentStatus.PENDING.value, site_id=site.id, actor="system",
                          reasons=[{"code": "reported", "verdict": "hold", "message": message, "matched": []}])
        except Conflict:
            raise _HideRace() from None
    db.session.commit()
    return flag


def flags_for_comment(comment_id: int) -> list[Flag]:
    return list(db.session.execute(
        sa.select(Flag).where(Flag.comment_id == comment_id).order_by(Flag.id)
    ).scalars())
