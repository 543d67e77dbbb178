"""The moderator's review queue: tabs with counts, filters, keyset pages, and for every item
what a moderator needs to decide (why it was held, reader reports, the author's history).

Pages are cut by (created_at, id) keysets on the indexes over comment status and time, so
the thousandth page costs what the first does; tab counts stop counting at `COUNT_CAP`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from service.extensions import db
from service.moderation.rules import RULE_CODES
from service.moderation.sanitize import clean_text
from service.models import Article, Comment, CommentStatus, Flag, ModerationEvent, Site, id_from_text
from service.services.comments import read_cache
from service.services.comments.flags import thresholds
from service.services.moderation.history import latest_reasons
from service.services.moderation.moderation_actions import comment_for
from service.services.moderation.moderation_queries import gave_reason, like_pattern, reported_clause, visible_sites

TABS = ("pending", "reported", "approved", "rejected", "spam", "all")
PER_PAGE = 50
COUNT_CAP = 10_000
_FIELD_MAX = 254


@dataclass(frozen=True)
class QueueFilters:
    site: str | None = None  # slug
    article: str | None = None  # the site's article key, or "#<id>"
    author: str | None = None
    email: str | None = None
    ip_hash: str | None = None
    q: str | None = None
    rule: str | None = None  # a reason code ("spam_score"): comments a rule gave that reason
    min_spam_score: str | None = None  # "0.5": comments the learned filter scored at least this

    @classmethod
    def from_args(cls, args) -> "QueueFilters":
        def clean(name: str) -> str | None:
            value = clean_text(args.get(name) or "")[:_FIELD_MAX]
            return value or None
        values = {name: clean(name) for name in cls.__dataclass_fields__}
        values["min_spam_score"] = _spam_score_text(values["min_spam_score"])
        return cls(**values)

    def as_args(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def _spam_score_text(text: str | None) -> str | None:
    """A spam score between 0 and 1 as the filter's text, written the same way whatever was typed
    ("0.50", ".5"); nothing for anything else, as for any filter left empty."""
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return f"{value:g}" if value is not None and 0 <= value <= 1 else None


@dataclass
class QueueItem:
    comment: Comment
    article: Article
    site: Site
    reasons: list[dict] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    history_email: dict = field(default_factory=dict)
    history_ip: dict = field(default_factory=dict)


@dataclass
class QueuePage:
    tab: str
    items: list[QueueItem]
    counts: dict[str, int]
    next_cursor: str | None
    sites: list[Site]
    count_cap: int = COUNT_CAP


def parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """`<microseconds since epoch>.<id>`; anything else means the first page."""
    if not raw:
        return None
    try:
        micros, ident = raw.split(".", 1)
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    comment_id = id_from_text(ident)
    return None if comment_id is None else (moment, comment_id)


def make_cursor(comment: Comment) -> str:
    return f"{int(round(comment.created_at.timestamp() * 1_000_000))}.{comment.id}"


def _where(actor, tab: str, filters: QueueFilters, sites: list[Site]) -> list:
    """A tab's WHERE terms. The Reported tab checks the sites in its own clause, comment by
    comment, so that the partial index over reported comments drives its reads (see
    `reported_clause`); the other tabs start from the sites' articles."""
    if tab == "reported":
        shown = [s for s in sites if s.slug == filters.site] if filters.site else sites
        return [*_scope(actor, filters, sites, by_site=False), reported_clause(shown)]
    if tab == "all":
        return _scope(actor, filters, sites)
    return [*_scope(actor, filters, sites), Comment.status == CommentStatus(tab)]


def _scope(actor, filters: QueueFilters, sites: list[Site], *, by_site: bool = True) -> list:
    """WHERE terms every tab shares: the sites this actor may see (unless `by_site` is False:
    the caller checks them) and the filters."""
    terms = []
    site_ids = [s.id for s in sites]
    if filters.site:
        site_ids = [s.id for s in sites if s.slug == filters.site] or [-1]
    restricted = by_site and (filters.site is not None or not actor.is_admin)
    article_query = sa.select(Article.id)
    if restricted:
        article_query = article_query.where(Article.site_id.in_(site_ids or [-1]))
    if filters.article:
        article_id = id_from_text(filters.article[1:]) if filters.article.startswith("#") else None
        if article_id is not None:
            article_query = article_query.where(Article.id == article_id)
        else:
            article_query = article_query.where(Article.key == filters.article)
    if restricted or filters.article:
        terms.append(Comment.article_id.in_(article_query.scalar_subquery()))
    if filters.author:
        terms.append(sa.func.lower(Comment.author).like(like_pattern(filters.author.lower()), escape="\\"))
    if filters.email:
        terms.append(sa.func.lower(Comment.email) == filters.email.lower())
    if filters.ip_hash:
        terms.append(Comment.ip_hash == filters.ip_hash)
    if filters.q:
        terms.append(sa.func.lower(Comment.body).like(like_pattern(filters.q.lower()), escape="\\"))
    if filters.rule:
        terms.append(gave_reason(filters.rule))
    if filters.min_spam_score:
        terms.append(Comment.spam_score >= float(filters.min_spam_score))
    return terms


# What the rule filter suggests: the rules' codes, a held edit's and a hold by readers' reports.
REASON_CODES = (*RULE_CODES, "edited_after_approval", "reported")


def listing_query(actor, tab: str, filters: QueueFilters, sites: list[Site],
                  cursor: tuple[datetime, int] | None, per_page: int = PER_PAGE) -> sa.Select:
    """Newest first, one page plus one row (to know whether another page follows)."""
    query = sa.select(Comment).where(*_where(actor, tab, filters, sites))
    if cursor is not None:
        moment, ident = cursor
        query = query.where(sa.or_(Comment.created_at < moment,
                                   sa.and_(Comment.created_at == moment, Comment.id < ident)))
    return query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(per_page + 1)


def tab_counts(actor, filters: QueueFilters, sites: list[Site]) -> dict[str, int]:
    """Rows per tab, each counted over at most COUNT_CAP + 1 index entries, and reused while the
    queue's state (`state_version`) is unchanged: a moderator paging through the queue does not
    recount every time, yet an approval or a bulk reject shows in the counts on the next load,
    whichever process made it. What changes no moderation event (an import, a purge) shows
    within CACHE_TTL_SECONDS."""
    key = ("queue-counts", actor.kind, actor.id, repr(filters), tuple(sorted(s.id for s in sites)))
    return read_cache.remember(key, lambda: _count_tabs(actor, filters, sites), state_version())


def _count_tabs(actor, filters: QueueFilters, sites: list[Site]) -> dict[str, int]:
    counts = {}
    for tab in TABS:
        inner = (sa.select(sa.literal(1)).select_from(Comment).where(*_where(actor, tab, filters, sites))
                 .limit(COUNT_CAP + 1))
        counts[tab] = db.session.execute(sa.select(sa.func.count()).select_from(inner.subquery())).scalar_one()
    return counts


def normal_tab(tab: str | None) -> str:
    return tab if tab in TABS else "pending"


def list_queue(actor, tab: str, filters: QueueFilters, sites: list[Site], cursor_raw: str | None = None,
               per_page: int = PER_PAGE) -> QueuePage:
    """One page of a tab over `sites` (the actor's `visible_sites`, which the caller has read)."""
    tab = normal_tab(tab)
    cursor = parse_cursor(cursor_raw)
    rows = list(db.session.execute(listing_query(actor, tab, filters, sites, cursor, per_page)).scalars())
    next_cursor = make_cursor(rows[per_page - 1]) if len(rows) > per_page else None
    items = describe(rows[:per_page])
    return QueuePage(tab=tab, items=items, counts=tab_counts(actor, filters, sites),
                     next_cursor=next_cursor, sites=sites)


# The newest moderation event and report: see views_queue.cached_listing.
_STATE = sa.select(sa.select(sa.func.max(ModerationEvent.id)).scalar_subquery(),
                   sa.select(sa.func.max(Flag.id)).scalar_subquery())


def state_version() -> tuple:
    """Changes whenever a comment is added, changes status or text, or is reported: two
    primary-key lookups, run on the session's connection (plain values need nothing of the ORM)."""
    return tuple(db.session.connection().execute(_STATE).one())


def sites_state(sites: list[Site]) -> tuple:
    """What a listing shows of the sites themselves (names, report thresholds)."""
    return tuple((s.id, s.slug, s.name, thresholds(s)) for s in sites)


def describe(comments: list[Comment]) -> list[QueueItem]:
    """Attach to each comment its article, site, latest reasons, reports and author history."""
    if not comments:
        return []
    ids = [c.id for c in comments]
    articles = {a.id: a for a in db.session.execute(
        sa.select(Article).where(Article.id.in_({c.article_id for c in comments}))).scalars()}
    sites = {s.id: s for s in db.session.execute(
        sa.select(Site).where(Site.id.in_({a.site_id for a in articles.values()}))).scalars()}
    reasons = latest_reasons(ids)
    flags: dict[int, list[Flag]] = {}
    for flag in db.session.execute(sa.select(Flag).where(Flag.comment_id.in_(ids)).order_by(Flag.id)).scalars():
        flags.setdefault(flag.comment_id, []).append(flag)
    by_email = _history(Comment.email, {(articles[c.article_id].site_id, c.email) for c in comments if c.email})
    by_ip = _history(Comment.ip_hash, {(articles[c.article_id].site_id, c.ip_hash)
                                       for c in comments if c.ip_hash})
    items = []
    for comment in comments:
        article = articles[comment.article_id]
        items.append(QueueItem(
            comment=comment, article=article, site=sites[article.site_id],
            reasons=reasons.get(comment.id, []),
            flags=flags.get(comment.id, []),
            history_email=_others(by_email.get((article.site_id, comment.email)), comment) if comment.email else {},
            history_ip=_others(by_ip.get((article.site_id, comment.ip_hash)), comment) if comment.ip_hash else {},
        ))
    return items


def _others(counts: dict | None, comment: Comment) -> dict:
    """The author's history without this comment itself (an approved comment is not its own
    earlier decision); empty when nothing else is left."""
    if not counts:
        return {}
    counts = dict(counts)
    if comment.status.value in counts:
        counts[comment.status.value] -= 1
    return counts if any(counts.values()) else {}


def _history(column, keys: set[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    """Approved and rejected comments per (site, author email or address hash), counted on
    the index over email or ip_hash. The comments of those keys are counted per article and
    status first, with no other condition: given a status or a site to filter on as well,
    SQLite's planner (which keeps no statistics) reads every approved comment through the
    status index, or every comment of the site, instead of the few the key's index finds: 0.6 s
    instead of 15-50 ms for a page of 50 on a million comments."""
    if not keys:
        return {}
    rows = db.session.execute(history_query(column, keys)).all()
    result: dict[tuple[int, str], dict] = {}
    for site_id, value, status, count in rows:
        if status in (CommentStatus.APPROVED, CommentStatus.REJECTED):
            result.setdefault((site_id, value), {"approved": 0, "rejected": 0})[status.value] = int(count)
    return result


def history_query(column, keys: set[tuple[int, str]]) -> sa.Select:
    """(site id, key, status, comments) for `_history`, every status."""
    per_article = (sa.select(Comment.article_id, column.label("key"), Comment.status, sa.func.count().label("n"))
                   .where(column.in_({value for _, value in keys}))
                   .group_by(Comment.article_id, column, Comment.status)).subquery()
    return (sa.select(Article.site_id, per_article.c.key, per_article.c.status, sa.func.sum(per_article.c.n))
            .join(per_article, per_article.c.article_id == Article.id)
            .where(Article.site_id.in_({site for site, _ in keys}))
            .group_by(Article.site_id, per_article.c.key, per_article.c.status))


def queue_item(actor, comment_id: int) -> QueueItem:
    """One comment described as in the queue (404 if unknown, 403 if not the actor's site)."""
    comment, _ = comment_for(actor, comment_id)
    return describe([comment])[0]
