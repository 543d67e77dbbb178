"""Building the embed page: the site and article rows, the thread, and the rendered thread.

`render_thread(site, key, lang, order, page)` is a pure function of its arguments and the
article's `version`, so a cache slot per (article, lang, order, page) that holds the version it
was built from can wrap it.
Reads use SQLAlchemy Core (no ORM objects): one primary-key lookup for the site, one for the
article, and one indexed query for its approved comments. The site row is kept per process, and
the article's lookup brings the site's `config_version` along: a site whose settings, theme or
policy changed through any process is read again on that same request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app, url_for
from markupsafe import Markup

from service.embed.i18n import Messages, format_datetime_text
from service.embed.settings import widget_settings
from service.moderation.policy import DEFAULT_POLICY
from service.errors import NotFound
from service.extensions import db
from service.models import Article, Comment, CommentStatus, Site
from service.services.comments import read_cache
from service.services.administration.sites import SLUG
from service.services.comments.reader_options import ReaderOptions, options_from_policy
from service.services.comments.threads import THREAD_COLUMNS, approved_roots, nest, order_roots, read_row

PER_PAGE = 50

# Built once: constructing a statement costs more than running it on these indexed lookups.
_SITE_BY_SLUG = sa.select(Site.id, Site.slug, Site.name, Site.origins, Site.policy, Site.settings,
                          Site.config_version).where(Site.slug == sa.bindparam("slug"))
# From the site's row, so the site's version comes back whether or not the article exists yet.
_ARTICLE_BY_KEY = (
    sa.select(Site.config_version, Article.id, Article.approved_count, Article.version, Article.closed,
              Article.created_at)
    .select_from(Site)
    .outerjoin(Article, sa.and_(Article.site_id == Site.id, Article.key == sa.bindparam("key")))
    .where(Site.id == sa.bindparam("site_id")))


@dataclass(frozen=True)
class SiteRow:
    id: int
    slug: str
    name: str
    origins: tuple[str, ...]
    mode: str
    settings: dict
    options: ReaderOptions = ReaderOptions()  # votes and avatars, from the policy
    max_author_length: int = DEFAULT_POLICY.max_author_length  # the form's name box takes no more
    version: int = 0  # the site's config_version this row was read at


@dataclass(frozen=True)
class ArticleRow:
    id: int | None
    count: int
    version: int
    closed: bool
    created: datetime | None = None
    site_version: int | None = None  # the site's config_version now (None: the site is gone)


def load_site(slug: str) -> SiteRow:
    """The site's widget view, remembered for CACHE_TTL_SECONDS (settings change rarely)."""
    if not SLUG.fullmatch(slug):  # never let an unstorable path segment reach the database
        raise NotFound(f"No site {slug!r}.")
    return read_cache.remember(("embed-site", slug), lambda: _site_row(slug))


def _site_row(slug: str) -> SiteRow:
    row = read_row(_SITE_BY_SLUG, slug=slug)
    if row is None:
        raise NotFound(f"No site {slug!r}.")
    policy = row.policy if isinstance(row.policy, dict) else {}
    longest = policy.get("max_author_length")
    return SiteRow(row.id, row.slug, row.name, tuple(row.origins or ()), str(policy.get("mode", "post")),
                   widget_settings(row.settings), options_from_policy(policy),
                   longest if type(longest) is int and longest > 0 else DEFAULT_POLICY.max_author_length,
                   row.config_version)


def load_site_and_article(slug: str, key: str) -> tuple[SiteRow, ArticleRow]:
    """The site (re-read when its version moved on since this process kept it) and the article."""
    site = load_site(slug)
    article = load_article(site, key)
    if article.site_version != site.version:
        read_cache.forget(("embed-site", slug))
        site = load_site(slug)
    return site, article


def load_article(site: SiteRow, key: str) -> ArticleRow:
    row = read_row(_ARTICLE_BY_KEY, site_id=site.id, key=key)
    if row is None:
        return ArticleRow(None, 0, 0, False)
    if row.id is None:
        return ArticleRow(None, 0, 0, False, site_version=row.config_version)
    return ArticleRow(row.id, row.approved_count, row.version, bool(row.closed), row.created_at, row.config_version)


def limit_depth(comments: list[dict], max_depth: int, depth: int = 1) -> list[dict]:
    """Replies deeper than the site's depth are shown flat under their ancestor at that depth,
    in creation order, so nothing disappears and the layout stays readable on a phone."""
    for item in comments:
        item["depth"] = depth
        if depth >= max_depth:
            flat = _descendants(item["replies"])
            flat.sort(key=lambda c: (c["created"], c["id"]))
            for reply in flat:
                reply["depth"] = depth + 1
                reply["replies"] = []
            item["replies"] = flat
            item["can_reply"] = False
            for reply in flat:
                reply["can_reply"] = False
        else:
            item["can_reply"] = True
            limit_depth(item["replies"], max_depth, depth + 1)
    return comments


def _descendants(replies: list[dict]) -> list[dict]:
    out: list[dict] = []
    for reply in replies:
        out.append(reply)
        out.extend(_descendants(reply["replies"]))
    return out


def thread(site: SiteRow, article: ArticleRow, key: str, order: str, page: int) -> tuple[list[dict], int]:
    """One page of top-level comments (with their replies) and the number of pages."""
    if article.id is None:
        return [], 1
    roots = order_roots(approved_roots(article.id, key, site.options), order)
    pages = max(1, -(-len(roots) // PER_PAGE))
    start = (min(page, pages) - 1) * PER_PAGE
    return limit_depth(roots[start:start + PER_PAGE], site.settings["reply_depth"]), pages


def short_date(iso: str, lang: str = "en") -> str:
    """A comment's time as the page's language writes it (the page's script localizes it further)."""
    return format_datetime_text(iso, lang)


def render_thread(site: SiteRow, article: ArticleRow, key: str, lang: str, order: str, page: int,
                  base_query: dict) -> Markup:
    """The thread section of the page, as HTML: built on a miss, else from the cache.
    `base_query` (article, lang, order, theme) is what its reply and page links keep."""
    cache_key = ("embed-thread", site.id, site.settings["reply_depth"], site.options, article.id, article.created,
                 key, lang, order, page, tuple(sorted(base_query.items())))
    # Kept as UTF-8 (see read_cache._weight): decoded only when a page is built around it.
    html = read_cache.rendering(cache_key, article.version, lambda: _build_thread(
        site, article, key, lang, order, page, base_query).encode())
    return Markup(html.decode())


def _build_thread(site: SiteRow, article: ArticleRow, key: str, lang: str, order: str, page: int,
                  base_query: dict) -> Markup:
    comments, pages = thread(site, article, key, order, page)
    template = current_app.jinja_env.get_template("embed/thread.html")
    messages = Messages(lang)
    return Markup(template.render(comments=comments, pages=pages, page=min(page, pages), m=messages,
                                  site=site, key=key, lang=lang, order=order, short_date=messages.date,
                                  link_query=urlencode(base_query), reader=_reader(site, base_query)))


def _reader(site: SiteRow, base_query: dict) -> dict:
    """What every comment's votes and report forms need: the site's option and where they post."""
    return {"votes": site.options.votes,
            "vote_action": url_for("embed_votes.vote", site=site.slug, **base_query),
            "report_action": url_for("embed_reports.report", site=site.slug, **base_query)}


def own_pending(article: ArticleRow, ids: list[int], key: str, avatars: str = "identicon") -> list[dict]:
    """The reader's own held comments on this article (ids from their session)."""
    if article.id is None or not ids:
        return []
    rows = db.session.execute(
        sa.select(*THREAD_COLUMNS)
        .where(Comment.id.in_(ids[-20:]), Comment.article_id == article.id,
               Comment.status == CommentStatus.PENDING)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    items = nest(key, rows, ReaderOptions(votes="off", avatars=avatars))  # a held reply's parent is not among them: it shows at the top level
    for item in items:
        item["depth"] = 1
        item["can_reply"] = False
        item["pending"] = True
    return items


def reply_author(article: ArticleRow, comment_id: int | None) -> str | None:
    """The name of the published comment a reader replies to (no-JS replies), if it is one."""
    if article.id is None or comment_id is None:
        return None
    return db.session.execute(
        sa.select(Comment.author).where(Comment.id == comment_id, Comment.article_id == article.id,
                                        Comment.status == CommentStatus.APPROVED)
    ).scalar_one_or_none()
