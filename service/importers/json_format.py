"""Our own export format, and importing it back.

    {"format": "comment-service-export", "version": 1, "exported_at": "...",
     "site": {"slug", "name", "origins", "policy", "settings", "created_at"},
     "articles": [{"key", "url", "title", "closed", "mode", "created_at", "published_at"}, ...],
     "comments": [{"id", "article", "parent_id", "status", "author", "email", "website", "body",
                   "body_html", "created_at", "updated_at", "edited_at", "ip_hash", "user_agent",
                   "notify_replies", "author_key_hash", "source_key"}, ...]}

The export streams from the database (one article or comment per line, memory bounded); the
import streams it back. Exporting a site and importing the file into an empty site gives the
same articles, comments, statuses, dates, counters and threads. `body_html` is informative:
the import renders `body` again rather than trust HTML from a file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TextIO

import sqlalchemy as sa

from service.errors import ServiceError
from service.extensions import db
from service.importers.common import ImportFailure, Importer, SourceComment, parse_datetime
from service.importers.json_stream import JsonObjectReader
from service.models import Article, Comment, Site
from service.embed.settings import validate_changes
from service.moderation.policy import dump_policy
from service.services.moderation.policies import validate_policy
from service.services.administration.sites import SLUG, get_site, normalize_origin

FORMAT = "comment-service-export"
VERSION = 1
_PAGE = 1000


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).isoformat() if value is not None else None


def _dumps(obj: dict) -> str:
    # ASCII only: the output is safe on any terminal or pipe encoding, and still plain JSON.
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))


def export_site(slug: str, out: TextIO) -> dict[str, int]:
    """Write the site's export to `out`; returns how many articles and comments it holds."""
    site = get_site(slug)
    header = {"format": FORMAT, "version": VERSION, "exported_at": _iso(datetime.now(timezone.utc)),
              "site": {"slug": site.slug, "name": site.name, "origins": site.origins or [],
                       "policy": site.policy or {}, "settings": site.settings or {},
                       "created_at": _iso(site.created_at)}}
    out.write(_dumps(header)[:-1] + ',\n"articles":[')
    articles = _write_rows(out, sa.select(Article.key, Article.url, Article.title, Article.closed, Article.mode,
                                          Article.created_at, Article.published_at)
                           .where(Article.site_id == site.id).order_by(Article.id), _article_dict)
    out.write('\n],\n"comments":[')
    comments = _write_rows(out, sa.select(Comment, Article.key).join(Article, Comment.article_id == Article.id)
                           .where(Article.site_id == site.id).order_by(Comment.id), _comment_dict)
    out.write("\n]}\n")
    db.session.rollback()  # a read; let go of the snapshot
    return {"articles": articles, "comments": comments}


def _write_rows(out: TextIO, statement, convert: Callable) -> int:
    """Rows streamed with a server-side cursor where the database has one, then expunged,
    so memory holds one page at a time."""
    written = 0
    result = db.session.execute(statement.execution_options(yield_per=_PAGE))
    for row in result:
        out.write(("," if written else "") + "\n" + _dumps(convert(row)))
        written += 1
        if isinstance(row[0], Comment):
            db.session.expunge(row[0])
    return written


def _article_dict(row) -> dict:
    return {"key": row.key, "url": row.url, "title": row.title, "closed": row.closed, "mode": row.mode,
            "created_at": _iso(row.created_at), "published_at": _iso(row.published_at)}


def _comment_dict(row) -> dict:
    c: Comment = row[0]
    return {"id": c.id, "article": row.key, "parent_id": c.parent_id, "status": c.status.value,
            "author": c.author, "email": c.email, "website": c.website, "body": c.body, "body_html": c.body_html,
            "created_at": _iso(c.created_at), "updated_at": _iso(c.updated_at), "edited_at": _iso(c.edited_at),
            "ip_hash": c.ip_hash, "user_agent": c.user_agent, "notify_replies": c.notify_replies,
            "author_key_hash": c.author_key_hash, "source_key": c.source_key}


# Import -----------------------------------------------------------------------------------
def read_header(path: str) -> dict:
    """The members before the arrays (format, version, site), checked."""
    with _open(path) as stream:
        reader = JsonObjectReader(stream)
        header: dict = {}
        for name in reader.members():
            if name in ("articles", "comments"):
                break
            header[name] = reader.value()
    if header.get("format") != FORMAT:
        raise ImportFailure(f'line 1: not a {FORMAT} file (its "format" must come first and say so)')
    if header.get("version") != VERSION:
        raise ImportFailure(f"line 1: export version {header.get('version')!r} is not supported (only {VERSION})")
    if not isinstance(header.get("site"), dict):
        raise ImportFailure('line 1: "site" must be an object')
    return header


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise ImportFailure(f"cannot read {path}: {exc.strerror or exc}") from None


def create_site_from(slug: str, data: dict) -> Site:
    """A new site with the exported one's name, origins, policy and widget settings, in the
    import's transaction (so a failed import leaves no site behind)."""
    if not SLUG.fullmatch(slug):
        raise ImportFailure("a site slug is 1-64 lowercase letters, digits and dashes")
    try:
        origins = [normalize_origin(str(o)) for o in data.get("origins") or []]
        policy = data.get("policy") or {}
        full = dump_policy(validate_policy(policy))
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            raise ImportFailure('line 1: the "site" settings must be an object')
        validate_changes(settings)
    except ServiceError as exc:
        raise ImportFailure(f'line 1: the "site" settings are not valid: {exc.description} '
                            f"{exc.errors or ''}".strip()) from None
    site = Site(slug=slug, name=str(data.get("name") or slug)[:200], origins=origins,
                policy={key: full[key] for key in policy}, settings=settings)
    db.session.add(site)
    db.session.flush()
    return site


def read(path: str, importer: Importer, *, progress: Callable[[int], None] = lambda n: None) -> None:
    importer.dates_from_comments = False  # the export says which articles have a publication date
    with _open(path) as stream:
        reader = JsonObjectReader(stream, progress)
        for name in reader.members():
            if name == "articles":
                for line, item in reader.items():
                    _article(importer, line, item)
            elif name == "comments":
                for line, item in reader.items():
                    _comment(importer, line, item)
            else:
                reader.value()


def _article(importer: Importer, line: int, item) -> None:
    where = f"line {line}: article"
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        raise ImportFailure(f"{where} must be an object with a \"key\"")
    extra = {"closed": bool(item.get("closed"))}
    if item.get("mode") in ("pre", "post", "first-time"):
        extra["mode"] = item["mode"]
    if item.get("created_at"):
        extra["created_at"] = parse_datetime(item["created_at"], where)
    published = parse_datetime(item["published_at"], where) if item.get("published_at") else None
    importer.article(item["key"], item["key"], where=where, title=_text(item.get("title")),
                     url=_text(item.get("url")), extra=extra, published=published)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _comment(importer: Importer, line: int, item) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int) or isinstance(item.get("id"), bool):
        raise ImportFailure(f"line {line}: a comment must be an object with a numeric \"id\"")
    where = f"line {line}: comment {item['id']}"
    article = item.get("article")
    if not isinstance(article, str) or not importer.has_article(article):
        raise ImportFailure(f"{where} belongs to article {article!r}, which the \"articles\" list does not hold")
    for name in ("body", "author"):
        if not isinstance(item.get(name), str):
            raise ImportFailure(f"{where} has no \"{name}\" text")
    source_key = _text(item.get("source_key")) or f"json:{item['id']}"
    if source_key != f"json:{item['id']}":
        importer.alias[f"json:{item['id']}"] = source_key  # replies name their parent by exported id
    parent = item.get("parent_id")
    dates = {name: parse_datetime(item[name], where) if item.get(name) else None
             for name in ("updated_at", "edited_at")}
    importer.comment(SourceComment(
        ref=str(item["id"]), thread=article, parent=str(parent) if parent is not None else None,
        status=str(item.get("status")), author=item["author"], email=_text(item.get("email")),
        website=_text(item.get("website")), body=item["body"],
        created_at=parse_datetime(item.get("created_at"), where), where=where,
        ip_hash=_text(item.get("ip_hash")) or "", user_agent=_text(item.get("user_agent")) or "",
        notify_replies=item.get("notify_replies") is True, author_key_hash=_text(item.get("author_key_hash")),
        source_key=source_key, **dates,
    ))
