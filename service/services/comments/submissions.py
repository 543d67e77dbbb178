"""The write path: submit, edit and delete a comment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from service.errors import Forbidden, NotFound, field_error
from service.extensions import db
from service.models import Comment, CommentStatus, Site, utcnow
from service.moderation.sanitize import render_body
from service.ops.metrics import count_submission
from service.security import hash_token, new_token, token_matches
from service.services.moderation import decisions
from service.services.comments.articles import CommentTarget, comment_target
from service.services.moderation.policies import effective_policy
from service.services.administration.sites import public_site
from service.services.moderation.status import change_status, record_edit, record_new


@dataclass(frozen=True)
class Client:
    """Who is submitting, as far as the request tells."""

    ip_hash: str
    user_agent: str = ""
    # The sites a moderator logged in on this service's origin moderates (None: not one; an
    # admin's is every site): their comments there carry the moderator's badge.
    moderated_site_ids: frozenset[int] | None = None
    moderates_all: bool = False

    def moderates(self, site_id: int) -> bool:
        return self.moderates_all or (self.moderated_site_ids is not None and site_id in self.moderated_site_ids)


@dataclass(frozen=True)
class Submission:
    comment: Comment
    article_key: str
    status: str  # what the submitter is told: approved | pending | rejected
    message: str
    reasons: list[dict]
    edit_token: str | None
    edit_until: datetime | None
    author_token: str | None


def submit_comment(site_slug: str, data: dict, client: Client) -> Submission:
    site = public_site(site_slug)
    article = comment_target(site, data["article"], title=data.get("title"), url=data.get("url"))
    parent_id = _check_parent(article, data.get("parent_id"))
    rendered = render_body(data["body"])
    author_token = data.get("author_token") or new_token()
    author_key_hash = hash_token(author_token)
    policy = effective_policy(site, article)
    decision = decisions.decide_submission(site, article, policy, data, rendered, client.ip_hash,
                                           author_key_hash if data.get("author_token") else None)

    edit_token = new_token()
    now = utcnow()
    comment = Comment(
        article_id=article.id, parent_id=parent_id, author=data["author"], email=data.get("email"),
        website=data.get("website"), body=data["body"], body_html=rendered.html,
        status=CommentStatus(decision.status), ip_hash=client.ip_hash,
        user_agent=client.user_agent[:512], edit_token_hash=hash_token(edit_token),
        author_key_hash=author_key_hash, fingerprint=decision.fingerprint,
        notify_replies=bool(data.get("notify_replies") and data.get("email")),
        flag_count=0, revision=1, created_at=now, updated_at=now, edited_at=None, source_key=None,
        likes=0, dislikes=0, pinned=False, by_moderator=client.moderates(site.id), spam_score=decision.spam_score,
    )
    comment.id = _insert(comment)
    record_new(comment, site.id, decision.reasons)
    commit_keeping_state()
    count_submission(decision.status)

    public = decision.public_status
    keeps_token = public in ("approved", "pending")
    return Submission(
        comment=comment, article_key=article.key, status=public, message=decision.message,
        reasons=decision.public_reasons,
        edit_token=edit_token if keeps_token else None,
        edit_until=comment.created_at + edit_window() if keeps_token else None,
        author_token=author_token if not data.get("author_token") else None,
    )


# Every column but the id, which the database assigns.
_COLUMNS = tuple(column.key for column in Comment.__table__.columns if not column.primary_key)
_INSERT = sa.insert(Comment.__table__)


def _insert(comment: Comment) -> int:
    """Write a new comment with one INSERT and return its id. Submitting is the busiest write,
    and nothing in its transaction reads the row back, so it skips the session's unit of work:
    `comment`, with every column set, stays outside the session as the record of what was
    written."""
    values = {name: getattr(comment, name) for name in _COLUMNS}
    return db.session.connection().execute(_INSERT, values).inserted_primary_key[0]


def commit_keeping_state() -> None:
    """Commit without expiring what the session holds: everything the answer needs was just
    written by this transaction, so reading it back would only cost two more queries."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _check_parent(article: CommentTarget, parent_id: int | None) -> int | None:
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.article_id != article.id or parent.status != CommentStatus.APPROVED:
        raise field_error("parent_id", "No such published comment on this article.")
    return parent.id


def site_of(comment_id: int) -> Site:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"No comment {comment_id}.")
    return comment.article.site


def edit_window() -> timedelta:
    return timedelta(seconds=current_app.config["EDIT_WINDOW_SECONDS"])


# One answer for every id whose token is missing or wrong, whatever the comment's status or
# site: the answer to a guessed id must not tell what is behind it.
NOT_YOURS = "No such comment, or this edit token does not belong to it."


def _own_comment(comment_id: int, token: str | None,
                 check_site: Callable[[Site], None] | None = None) -> tuple[Comment, Site]:
    """The comment its author may still change, or the reason they may not. The token is checked
    before anything that depends on the comment (its site's origins, the edit window)."""
    comment = db.session.get(Comment, comment_id)
    if (comment is None or comment.status not in (CommentStatus.APPROVED, CommentStatus.PENDING)
            or not token_matches(token, comment.edit_token_hash)):
        raise NotFound(NOT_YOURS)
    site = comment.article.site
    if check_site is not None:
        check_site(site)
    if utcnow() > comment.created_at + edit_window():
        raise Forbidden("The time to edit or delete this comment has passed.")
    return comment, site


def edit_comment(comment_id: int, token: str | None, body: str,
                 check_site: Callable[[Site], None] | None = None) -> tuple[Comment, str]:
    """The author's own edit: re-rendered, re-checked by the rules, recorded. `check_site` (the
    origin check) runs once the token is known to be right."""
    comment, site = _own_comment(comment_id, token, check_site)
    rendered = render_body(body)
    decision = decisions.decide_edit(site, comment, effective_policy(site, comment.article), body, rendered)
    before = comment.body
    comment.body = body
    comment.body_html = rendered.html
    comment.fingerprint = decision.fingerprint
    comment.spam_score = decision.spam_score
    comment.updated_at = comment.edited_at = utcnow()
    record_edit(comment, site.id, "author", decision.reasons, note="Edited by its author.",
                body_before=before, body_after=body)
    if decision.status != comment.status.value:
        change_status(comment, decision.status, site_id=site.id, actor="rules", reasons=decision.reasons,
                      note="Checked again after an edit.")
    db.session.commit()
    return comment, comment.article.key


def delete_comment(comment_id: int, token: str | None, check_site: Callable[[Site], None] | None = None) -> None:
    comment, site = _own_comment(comment_id, token, check_site)
    change_status(comment, CommentStatus.DELETED.value, site_id=site.id, actor="author",
                  note="Deleted by its author.")
    db.session.commit()
