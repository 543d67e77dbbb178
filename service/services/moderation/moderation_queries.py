"""Read paths of the moderation API: the filtered, paginated list of comments, limited to the
sites the actor moderates, and what the queue page shares with it (the sites an actor sees,
the "reported" condition, LIKE patterns).

"Reported" is not a stored status: it is a published or held comment whose unresolved reader
reports (`flag_count`) reached its site's `flags_to_review`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.auth import Actor, require_site_access
from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, Site
from service.services.comments.flags import thresholds
from service.services.moderation.history import latest_reasons
from service.services.administration.sites import get_site

REPORTED = "reported"
ALL = "all"
STATUS_FILTERS = tuple(s.value for s in CommentStatus) + (REPORTED, ALL)
REPORTABLE = (CommentStatus.APPROVED, CommentStatus.PENDING)
NOT_REPORTABLE = tuple(status for status in CommentStatus if status not in REPORTABLE)


@dataclass(frozen=True)
class ListedComment:
    """One comment of the moderation API's listing (the queue page has its own, richer
    `queue.QueueItem`)."""

    comment: Comment
    site_slug: str
    article_key: str
    article_url: str | None
    article_title: str | None
    reasons: list


@dataclass(frozen=True)
class CommentListPage:
    items: list[ListedComment]
    page: int
    per_page: int
    total: int


def visible_sites(actor: Actor, site_slug: str | None = None) -> list[Site]:
    """The sites a listing covers: the one asked for (403 if not the actor's), else all of the
    actor's sites."""
    if site_slug:
        site = get_site(site_slug)
        require_site_access(actor, site.id)
        return [site]
    query = sa.select(Site).order_by(Site.slug)
    if not actor.is_admin:
        query = query.where(Site.id.in_(actor.site_ids or {-1}))
    return list(db.session.execute(query).scalars())


def reported_clause(sites: list[Site]):
    """SQL condition for "reported" on these sites: published or held comments with at least
    the site's own `flags_to_review` open reports. A moderator's decision clears the open
    reports, and the comment leaves the Reported tab."""
    by_threshold: dict[int, list[int]] = {}
    for site in sites:
        by_threshold.setdefault(thresholds(site)[0], []).append(site.id)
    article = aliased(Article)  # its own name: a listing may join the articles itself
    per_site = [sa.and_(Comment.flag_count >= threshold,
                        sa.select(article.id).where(article.id == Comment.article_id, article.site_id.in_(site_ids))
                        .correlate(Comment).exists())
                for threshold, site_ids in sorted(by_threshold.items())]
    # Reported comments are few, and the partial index over them (`flag_count > 0`) finds them
    # newest first. So that SQLite's planner, which keeps no statistics, takes it: the index's
    # own condition is written out (the thresholds, at least 1, imply it), the site is checked
    # per comment (EXISTS) rather than as a list of the site's articles to start from, and the
    # status as the ones it is not (which no index answers) rather than the status index's two
    # values. On a million comments: 0.5 s before, under a millisecond (tests/queue/test_query_plans.py).
    return sa.and_(Comment.flag_count > 0, Comment.status.not_in(NOT_REPORTABLE),
                   sa.or_(sa.false(), *per_site))


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere; LIKE's own wildcards in it are escaped with a
    backslash, which the query names as its escape character."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def gave_reason(code: str):
    """Comments one of whose events (a rule's decision on arrival or after an edit, a hold by
    reports) gave the reason `code`: an EXISTS on the comment's events, which the index on
    (comment_id, id) answers row by row."""
    return (sa.select(ModerationEvent.id)
            .where(ModerationEvent.comment_id == Comment.id, ModerationEvent.gave_reason(code))
            .exists())


def list_comments(actor: Actor, *, site: str | None = None, status: str | None = None,
                  article: str | None = None, q: str | None = None, author: str | None = None,
                  email: str | None = None, ip_hash: str | None = None, rule: str | None = None,
                  min_spam_score: float | None = None, page: int = 1, per_page: int = 50) -> CommentListPage:
    sites = visible_sites(actor, site)
    query = (sa.select(Comment, Site.slug, Article.key, Article.url, Article.title)
             .join(Article, Article.id == Comment.article_id).join(Site, Site.id == Article.site_id)
             .where(Article.site_id.in_([s.id for s in sites] or [-1])))
    if status == REPORTED:
        query = query.where(reported_clause(sites))
    elif status and status != ALL:
        query = query.where(Comment.status == CommentStatus(status))
    if article:
        query = query.where(Article.key == article)
    if q:
        query = query.where(sa.or_(Comment.body.ilike(like_pattern(q), escape="\\"),
                                   Comment.author.ilike(like_pattern(q), escape="\\")))
    if author:
        query = query.where(Comment.author.ilike(like_pattern(author), escape="\\"))
    if email:
        query = query.where(Comment.email == email.strip().lower())
    if ip_hash:
        query = query.where(Comment.ip_hash == ip_hash.strip().lower())
    if rule:
        query = query.where(gave_reason(rule))
    if min_spam_score is not None:
        query = query.where(Comment.spam_score >= min_spam_score)
    total = db.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    reasons = latest_reasons(row[0].id for row in rows)
    items = [ListedComment(comment, slug, key, url, title, reasons.get(comment.id, []))
             for comment, slug, key, url, title in rows]
    return CommentListPage(items=items, page=page, per_page=per_page, total=total)
