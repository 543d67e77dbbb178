"""What every importer shares: records in a neutral form, batched inserts through SQLAlchemy
Core, idempotency by source key, reply linking (also to parents found later in the file),
exact counters, an audit event per comment, and one transaction for the whole import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.errors import NotFound
from service.extensions import db
from service.models import Article, Comment, CommentStatus, ModerationEvent, Site, utcnow
from service.moderation.sanitize import clean_text, clean_website, render_body
from service.moderation.text import fingerprint
from service.moderation.transitions import STATUSES
from service.security import hash_ip
from service.services.comments import read_cache
from service.services.comments.articles import find_article, get_or_create_article
from service.services.administration.sites import get_site

BATCH = 1000
COUNTER_BATCH = 500
COMMENTS = Comment.__table__
EVENTS = ModerationEvent.__table__


class ImportFailure(Exception):
    """The file cannot be imported; the message names the element, line or row at fault."""


@dataclass
class ImportSummary:
    source: str
    articles_created: int = 0
    articles_existing: int = 0
    imported: Counter = field(default_factory=Counter)
    already_present: int = 0
    not_comments: int = 0
    replies_linked: int = 0
    replies_unlinked: int = 0
    site_created: bool = False

    def lines(self) -> list[str]:
        by_status = ", ".join(f"{n} {status}" for status, n in sorted(self.imported.items())) or "none"
        lines = ["Site created from the file's settings."] if self.site_created else []
        lines += [f"Articles: {self.articles_created} created, {self.articles_existing} already there.",
                 f"Comments imported: {sum(self.imported.values())} ({by_status}).",
                 f"Skipped as already present: {self.already_present}."]
        if self.not_comments:
            lines.append(f"Skipped pingbacks, trackbacks and other entries that are not comments: "
                         f"{self.not_comments}.")
        lines.append(f"Replies linked to their parent: {self.replies_linked}"
                     + (f"; {self.replies_unlinked} whose parent is not in the file stay top-level." if
                        self.replies_unlinked else "."))
        return lines


@dataclass
class SourceComment:
    """One comment as read from a file, before cleaning."""

    ref: str                    # the source's own id (becomes the source key)
    thread: str                 # the source's id of the article it belongs to
    parent: str | None
    status: str
    author: str
    email: str | None
    website: str | None
    body: str                   # the markdown subset (HTML sources convert first)
    created_at: datetime
    where: str                  # "line 42: <post dsq:id=...>", for error messages
    ip: str | None = None       # a raw address, stored only hashed
    ip_hash: str | None = None  # already hashed (our own export)
    updated_at: datetime | None = None
    edited_at: datetime | None = None
    user_agent: str = ""
    notify_replies: bool = False
    author_key_hash: str | None = None
    source_key: str | None = None  # overrides "<source>:<ref>" (our export keeps the original's)


def link_key(link: str, scheme: str) -> str:
    """The article ID from a page's link: its path (the default scheme) or, with `url`, the
    whole link; a link that is no URL gives none."""
    if scheme == "url" or not link:
        return link
    try:
        return urlsplit(link).path or "/"
    except ValueError:
        return ""


def optional_datetime(value: str | None) -> datetime | None:
    """A date the import can do without (an article's publication date): None when it is
    missing, WordPress's `0000-00-00 00:00:00`, or not a date."""
    if not value or value.startswith("0000"):
        return None
    try:
        return parse_datetime(value, "")
    except ImportFailure:
        return None


def parse_datetime(value: str | float | None, where: str) -> datetime:
    """ISO 8601 (`2012-05-03T10:15:30Z`, `2012-05-03 10:15:30`) or epoch seconds, as UTC."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, timezone.utc)
        parsed = datetime.fromisoformat(str(value).strip())
    except (TypeError, ValueError, OverflowError, OSError):
        raise ImportFailure(f"{where}: {value!r} is not a date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _clip(value: str | None, length: int) -> str | None:
    value = clean_text(value or "")
    return value[:length] if value else None


def _clean_email(value: str | None) -> str | None:
    value = _clip(value, 254)
    return value if value and "@" in value and " " not in value else None


def _clean_url(value: str | None) -> str | None:
    value = clean_website(value or "")
    return value if value and len(value) <= 2048 else None


class Importer:
    """Collects a file's articles and comments and writes them in batches."""

    def __init__(self, site: Site, source: str, label: str) -> None:
        self.site = site
        self.source = source
        self.note = f"Imported from {label}"
        self.summary = ImportSummary(source)
        self.articles: dict[str, int] = {}            # the source's thread id -> article id
        self.known: dict[str, tuple[int, int]] = {}   # source key -> (comment id, article id)
        self.parent_of: dict[int, int | None] = {}    # links made by this import (cycle checks)
        self.pending: list[tuple[SourceComment, int, str]] = []
        self.forward: list[tuple[int, int, str]] = []  # (comment id, article id, parent's key)
        self.touched: set[int] = set()
        self.alias: dict[str, str] = {}  # a parent reference -> the source key it was stored under
        self.published: dict[int, datetime] = {}  # article id -> publication date the source gives
        self.oldest: dict[int, datetime] = {}  # article id -> its oldest imported comment
        self.dates_from_comments = True  # an article without a date given takes its oldest comment's
        self.now = utcnow()

    # Articles ---------------------------------------------------------------------------
    def has_article(self, thread: str) -> bool:
        return thread in self.articles

    def article(self, thread: str, key: str, *, where: str, title: str | None = None,
                url: str | None = None, extra: dict | None = None, published: datetime | None = None) -> int:
        """The article for the source's thread id, found by key or created. `published`, the
        original publication date, is recorded on an article that has none yet."""
        if thread in self.articles:
            return self.articles[thread]
        key = clean_text(key)
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ImportFailure(f"{where}: the article ID {key!r} is not 1 to 255 printable characters")
        article = find_article(self.site.id, key)
        if article is None:
            article = get_or_create_article(self.site, key, title=_clip(title, 300), url=_clean_url(url))
            if extra:
                db.session.execute(sa.update(Article).where(Article.id == article.id).values(**extra)
                                   .execution_options(synchronize_session=False))
            self.summary.articles_created += 1
        else:
            self.summary.articles_existing += 1
        self.articles[thread] = article.id
        if published is not None:
            self.published[article.id] = published
        return article.id

    # Comments ---------------------------------------------------------------------------
    def comment(self, record: SourceComment) -> None:
        article_id = self.articles.get(record.thread)
        if article_id is None:
            raise ImportFailure(f"{record.where}: refers to thread {record.thread!r}, which no earlier "
                                "element declares")
        if record.status not in STATUSES:
            raise ImportFailure(f"{record.where}: unknown status {record.status!r}")
        key = record.source_key or f"{self.source}:{record.ref}"
        if article_id not in self.oldest or record.created_at < self.oldest[article_id]:
            self.oldest[article_id] = record.created_at
        self.pending.append((record, article_id, key[:200]))
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        present = db.session.execute(
            sa.select(COMMENTS.c.id, COMMENTS.c.source_key, COMMENTS.c.article_id)
            .where(COMMENTS.c.article_id.in_({a for _, a, _ in batch}),
                   COMMENTS.c.source_key.in_([k for _, _, k in batch]))
        ).all()
        for row in present:
            self.known[row.source_key] = (row.id, row.article_id)
        rows, fresh = [], []
        for record, article_id, key in batch:
            if self.known.get(key, (0, None))[1] == article_id:
                self.summary.already_present += 1
                continue
            self.known[key] = (0, article_id)  # a duplicate later in the same file is skipped too
            rows.append(self._row(record, article_id, key))
            fresh.append((record, article_id, key))
        if not rows:
            return
        # A plain executemany, then the ids read back by key: INSERT ... RETURNING of a whole
        # batch is one statement of some 20,000 placeholders, which PostgreSQL's driver parses
        # anew for every batch.
        db.session.execute(sa.insert(COMMENTS), rows)
        inserted = self._ids_of(fresh)
        for _, article_id, key in fresh:
            self.known[key] = (inserted[article_id, key], article_id)
        self._link(fresh, inserted)
        db.session.execute(sa.insert(EVENTS), [
            {"comment_id": inserted[article_id, key], "site_id": self.site.id, "actor": "system",
             "moderator_id": None, "action": "status", "from_status": None, "to_status": record.status,
             "reasons": [], "note": self.note, "created_at": self.now}
            for record, article_id, key in fresh])
        for record, article_id, _ in fresh:
            self.summary.imported[record.status] += 1
            self.touched.add(article_id)

    @staticmethod
    def _ids_of(fresh: list) -> dict[tuple[int, str], int]:
        """The ids of the rows just written, by (article id, source key), which is unique."""
        rows = db.session.execute(
            sa.select(COMMENTS.c.article_id, COMMENTS.c.source_key, COMMENTS.c.id)
            .where(COMMENTS.c.article_id.in_({a for _, a, _ in fresh}),
                   COMMENTS.c.source_key.in_([k for _, _, k in fresh])))
        return {(row.article_id, row.source_key): row.id for row in rows}

    def _row(self, record: SourceComment, article_id: int, key: str) -> dict:
        body = clean_text(record.body, multiline=True)
        ip_hash = record.ip_hash if record.ip_hash is not None else (hash_ip(record.ip) if record.ip else "")
        email = _clean_email(record.email)
        return {
            "article_id": article_id, "parent_id": None, "author": _clip(record.author, 200) or "Anonymous",
            "email": email, "website": _clean_url(record.website), "body": body, "body_html": render_body(body).html,
            "status": CommentStatus(record.status), "ip_hash": (ip_hash or "")[:64],
            "user_agent": (record.user_agent or "")[:512], "edit_token_hash": None,
            "author_key_hash": (record.author_key_hash or None) and record.author_key_hash[:64],
            "fingerprint": fingerprint(body), "flag_count": 0, "revision": 1,
            "created_at": record.created_at, "updated_at": record.updated_at or record.edited_at or record.created_at,
            "edited_at": record.edited_at, "notify_replies": bool(record.notify_replies and email),
            "source_key": key,
        }

    def _link(self, fresh: list, inserted: dict[tuple[int, str], int]) -> None:
        """Replies whose parent is already stored are linked now; the rest wait for the end."""
        updates = []
        for record, article_id, key in fresh:
            child = inserted[article_id, key]
            self.parent_of[child] = None
            if record.parent is None:
                continue
            parent_key = f"{self.source}:{record.parent}"
            if not self._try_link(child, article_id, parent_key, updates):
                self.forward.append((child, article_id, parent_key))
        self._apply(updates)

    def _try_link(self, child: int, article_id: int, parent_key: str, updates: list) -> bool:
        parent, parent_article = self.known.get(self.alias.get(parent_key, parent_key), (0, None))
        if not parent or parent_article != article_id:
            return False
        step: int | None = parent
        while step is not None:  # a reply must not become its own ancestor
            if step == child:
                return False
            step = self.parent_of.get(step)
        self.parent_of[child] = parent
        updates.append({"child": child, "parent": parent})
        return True

    def _apply(self, updates: list[dict]) -> None:
        if updates:
            db.session.execute(
                sa.update(COMMENTS).where(COMMENTS.c.id == sa.bindparam("child"))
                .values(parent_id=sa.bindparam("parent")), updates)
            self.summary.replies_linked += len(updates)

    # The end ------------------------------------------------------------------------------
    def finish(self) -> ImportSummary:
        self._flush()
        updates: list[dict] = []
        for child, article_id, parent_key in self.forward:
            if not self._try_link(child, article_id, parent_key, updates):
                self.summary.replies_unlinked += 1
            if len(updates) >= BATCH:
                self._apply(updates)
                updates = []
        self._apply(updates)
        self._recount()
        self._record_publication()
        return self.summary

    def _record_publication(self) -> None:
        """Each article's original publication date: the one the source gives, else its oldest
        imported comment (the article was out by then). Never replaces a date already known."""
        fallback = self.oldest if self.dates_from_comments else {}
        dates = [{"article": article_id, "published": published}
                 for article_id, published in {**fallback, **self.published}.items()]
        if dates:
            db.session.execute(
                sa.update(Article.__table__)
                .where(Article.__table__.c.id == sa.bindparam("article"), Article.__table__.c.published_at.is_(None))
                .values(published_at=sa.bindparam("published", type_=Article.published_at.type)), dates)

    def _recount(self) -> None:
        """Counters from the rows themselves (an offline command can afford the COUNTs)."""
        touched = sorted(self.touched)
        for start in range(0, len(touched), COUNTER_BATCH):
            ids = touched[start:start + COUNTER_BATCH]
            db.session.execute(
                sa.update(Article).where(Article.id.in_(ids))
                .values(approved_count=_count(CommentStatus.APPROVED), pending_count=_count(CommentStatus.PENDING),
                        version=Article.version + 1)
                .execution_options(synchronize_session=False))
        if touched:
            read_cache.forget_counts()


def _count(status: CommentStatus):
    return (sa.select(sa.func.count()).select_from(Comment)
            .where(Comment.article_id == Article.id, Comment.status == status)
            .correlate(Article).scalar_subquery())


def run_import(site_slug: str, source: str, label: str, read: Callable[[Importer], None],
               create_site: Callable[[], Site] | None = None) -> ImportSummary:
    """Run `read` (which feeds the importer) in one transaction: all of the file or nothing.
    Without `create_site`, the site must exist already."""
    try:
        site = get_site(site_slug)
    except NotFound:
        if create_site is None:
            raise ImportFailure(f"there is no site {site_slug!r}; create it first with "
                                f"`flask --app wsgi sites create {site_slug}`") from None
        site = None
    try:
        created = site is None
        importer = Importer(site or create_site(), source, label)
        importer.summary.site_created = created
        read(importer)
        summary = importer.finish()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportFailure("another import into this site wrote the same comments at the same time; "
                            "nothing was imported, run it again") from None
    except BaseException:
        db.session.rollback()
        raise
    return summary
