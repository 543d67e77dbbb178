"""Readers' votes: a like (+1) or a dislike (-1) on a published comment, or withdrawing one's vote (0).

One vote per reader and comment: the reader is their author token when they send one that
this site knows (it was given with a comment of theirs), otherwise their address. A new vote
replaces the old. The comment's `likes` and `dislikes` are stored counters, changed in the
vote's transaction by the difference it makes, and the article's version moves with them, so
every cached rendering of the thread is replaced on its next read.

A vote costs a handful of indexed statements, fewer than a comment: the comment (with its
site), the reader's earlier vote, the vote row, the comment's counters and the article.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.errors import Forbidden, NotFound, field_error
from service.extensions import db
from service.models import Article, Comment, CommentStatus, Site, Vote, utcnow
from service.security import hash_token
from service.services.comments.reader_options import ReaderOptions, options_from_policy
from service.services.comments.submissions import Client
from service.services.moderation.status import bump_article

ATTEMPTS = 3

_TARGET = (sa.select(Comment.id, Comment.article_id, Comment.status, Comment.author_key_hash, Comment.ip_hash,
                     Article.site_id, Site.slug, Site.policy)
           .join(Article, Article.id == Comment.article_id).join(Site, Site.id == Article.site_id)
           .where(Comment.id == sa.bindparam("comment_id")))
_KNOWN_AUTHOR = (sa.select(Comment.id).join(Article, Article.id == Comment.article_id)
                 .where(Comment.author_key_hash == sa.bindparam("key"), Article.site_id == sa.bindparam("site_id"))
                 .limit(1))
_EARLIER = sa.select(Vote.id, Vote.value).where(Vote.comment_id == sa.bindparam("comment_id"),
                                                Vote.voter_hash == sa.bindparam("voter"))


@dataclass(frozen=True)
class VoteTarget:
    comment_id: int
    article_id: int
    author_key_hash: str | None
    ip_hash: str
    site_id: int
    site_slug: str
    options: ReaderOptions


@dataclass(frozen=True)
class VoteResult:
    comment_id: int
    likes: int
    dislikes: int
    vote: int  # the reader's vote now: 1, -1 or 0


def vote_target(comment_id: int) -> VoteTarget:
    """The published comment a vote is for (any other id answers 404, telling nothing about
    held or removed comments)."""
    row = db.session.connection().execute(_TARGET, {"comment_id": comment_id}).first()
    if row is None or row.status != CommentStatus.APPROVED:
        raise NotFound(f"No published comment {comment_id}.")
    return VoteTarget(row.id, row.article_id, row.author_key_hash, row.ip_hash, row.site_id, row.slug,
                      options_from_policy(row.policy))


def cast_vote(target: VoteTarget, value: int, author_token: str | None, client: Client) -> VoteResult:
    votes = target.options.votes
    if votes == "off":
        raise Forbidden("This site does not take votes.")
    if votes == "likes" and value == -1:
        raise field_error("value", "This site takes likes only: send 1, or 0 to withdraw.")
    voter, own = _voter(target, author_token, client)
    if own:
        raise Forbidden("You cannot vote on your own comment.")
    for attempt in range(ATTEMPTS):
        try:
            return _vote_once(target, voter, value)
        except _Raced:
            # Another request of the same reader changed their vote between our read and our
            # write (our transaction was rolled back): read it again and apply ours on top.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _voter(target: VoteTarget, author_token: str | None, client: Client) -> tuple[str, bool]:
    """(the voter's key, whether the comment is theirs). A token counts only when a comment on
    this site carries it, so that made-up tokens do not make extra voters."""
    if author_token:
        key = hash_token(author_token)
        if key == target.author_key_hash:
            return key, True
        known = db.session.connection().execute(_KNOWN_AUTHOR, {"key": key, "site_id": target.site_id}).first()
        if known is not None:
            return key, False
    return hash_token("ip:" + client.ip_hash), client.ip_hash == target.ip_hash


class _Raced(Exception):
    pass


def _vote_once(target: VoteTarget, voter: str, value: int) -> VoteResult:
    conn = db.session.connection()
    earlier = conn.execute(_EARLIER, {"comment_id": target.comment_id, "voter": voter}).first()
    old = earlier.value if earlier is not None else 0
    if old == value:
        row = conn.execute(sa.select(Comment.likes, Comment.dislikes)
                           .where(Comment.id == target.comment_id)).one()
        db.session.commit()
        return VoteResult(target.comment_id, row.likes, row.dislikes, value)
    try:
        if earlier is None:
            conn.execute(sa.insert(Vote).values(comment_id=target.comment_id, voter_hash=voter, value=value,
                                                created_at=utcnow()))
        else:
            change = sa.delete(Vote) if value == 0 else sa.update(Vote).values(value=value, created_at=utcnow())
            if conn.execute(change.where(Vote.id == earlier.id, Vote.value == old)).rowcount != 1:
                raise _Raced()
    except IntegrityError:
        db.session.rollback()
        raise _Raced() from None
    except _Raced:
        db.session.rollback()
        raise
    likes = (value == 1) - (old == 1)
    dislikes = (value == -1) - (old == -1)
    row = conn.execute(
        sa.update(Comment).where(Comment.id == target.comment_id, Comment.status == CommentStatus.APPROVED)
        .values(likes=Comment.likes + likes, dislikes=Comment.dislikes + dislikes)
        .returning(Comment.likes, Comment.dislikes)
    ).first()
    if row is None:  # taken off the page meanwhile
        db.session.rollback()
        raise NotFound(f"No published comment {target.comment_id}.")
    bump_article(target.article_id)
    db.session.commit()
    return VoteResult(target.comment_id, row.likes, row.dislikes, value)
