"""An article as a moderator sees it: every comment in thread order with its status.
(Closing and reopening it is `moderation_actions.set_article_closed`.)"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from service.auth import Actor, require_site_access
from service.errors import NotFound
from service.extensions import db
from service.models import Article, Comment, Site

MAX_COMMENTS = 2000  # one page of an article view; a longer thread is cut, oldest kept


@dataclass(frozen=True)
class ThreadEntry:
    comment: Comment
    depth: int


def get_article(actor: Actor, article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article {article_id}.")
    require_site_access(actor, article.site_id)
    return article


def article_thread(actor: Actor, article_id: int) -> tuple[Article, Site, list[ThreadEntry], bool]:
    """The article, its site, all its comments (any status) in thread order, and whether the
    list was cut at MAX_COMMENTS."""
    article = get_article(actor, article_id)
    rows = list(db.session.execute(
        sa.select(Comment).where(Comment.article_id == article.id)
        .order_by(Comment.created_at, Comment.id).limit(MAX_COMMENTS + 1)
    ).scalars())
    cut = len(rows) > MAX_COMMENTS
    return article, article.site, thread_order(rows[:MAX_COMMENTS]), cut


def thread_order(comments: list[Comment]) -> list[ThreadEntry]:
    """Depth-first: each comment followed by its replies (oldest first). A reply whose
    parent is missing from the list stands at the top level."""
    ids = {c.id for c in comments}
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in ids else None
        children.setdefault(parent, []).append(comment)
    ordered: list[ThreadEntry] = []
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:  # iterative, so a deep chain of replies cannot exhaust the recursion limit
        comment, depth = stack.pop()
        ordered.append(ThreadEntry(comment, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(comment.id, [])))
    return ordered
