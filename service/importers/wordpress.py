"""WordPress export (WXR) -> comments.

A WXR file is RSS: each <item> (a post or page: <title>, <link>, <wp:post_id>, <wp:post_name>,
<wp:comment_status>, <wp:post_date_gmt>: its publication date) carries its comments as <wp:comment> children (<wp:comment_id>,
<wp:comment_author>, <wp:comment_author_email>, <wp:comment_author_url>,
<wp:comment_author_IP>, <wp:comment_date_gmt>, <wp:comment_content>, <wp:comment_approved>,
<wp:comment_type>, <wp:comment_parent>). WordPress stores comment text with bare newlines and
a little HTML, adding paragraphs only when it shows it; the importer reads it the same way.
Pingbacks, trackbacks and other non-comment types (such as shop order notes) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable

from service.importers.common import (ImportFailure, Importer, SourceComment, link_key, optional_datetime,
                                      parse_datetime)
from service.importers.html_text import html_to_text
from service.importers.xml_stream import children, iter_ended, text_of

KEYS = ("path", "url", "id", "slug")
_WANTED = {"item": 2, "comment": 3}
STATUSES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "deleted", "post-trashed": "deleted"}
COMMENT_TYPES = ("", "comment")
_ARTICLE_MARK = "{urn:comment-service}post-id"  # no real attribute lives in this namespace


def item_key(found: dict, scheme: str) -> str:
    """The article ID a post gets: its link's path (default), its whole link, its WordPress
    post ID or its slug."""
    link = text_of(found, "link")
    if scheme == "id":
        return text_of(found, "post_id")
    if scheme == "slug":
        return text_of(found, "post_name")
    return link_key(link, scheme)


def read(path: str, importer: Importer, *, key: str = "path",
         progress: Callable[[int], None] = lambda n: None) -> None:
    for ended in iter_ended(path, _WANTED, progress):
        if ended.name == "comment" and ended.parent is not None:
            _comment(importer, ended.parent, children(ended.elem), ended.line, key)


def _article(importer: Importer, item, where: str, scheme: str) -> str:
    if item.get(_ARTICLE_MARK):  # this item's article is known: skip reading its children again
        return item.get(_ARTICLE_MARK)
    found = children(item)
    post_id = text_of(found, "post_id")
    if not post_id:
        raise ImportFailure(f"{where} is inside an <item> without <wp:post_id>")
    item.set(_ARTICLE_MARK, post_id)
    if not importer.has_article(post_id):
        article_key = item_key(found, scheme)
        if not article_key:
            raise ImportFailure(f"{where} is inside <item> {post_id} which has no <link> (try --key id)")
        closed = text_of(found, "comment_status") == "closed"
        published = optional_datetime(text_of(found, "post_date_gmt")) or optional_datetime(text_of(found, "post_date"))
        importer.article(post_id, article_key, where=where, title=text_of(found, "title"),
                         url=text_of(found, "link"), extra={"closed": True} if closed else None, published=published)
    return post_id


def _comment(importer: Importer, item, found: dict, line: int, scheme: str) -> None:
    ref = text_of(found, "comment_id")
    if not ref:
        raise ImportFailure(f"line {line}: <wp:comment> without <wp:comment_id>")
    where = f"line {line}: <wp:comment> {ref}"
    if text_of(found, "comment_type") not in COMMENT_TYPES:
        importer.summary.not_comments += 1
        return
    thread = _article(importer, item, where, scheme)
    approved = text_of(found, "comment_approved")
    if approved not in STATUSES:
        raise ImportFailure(f"{where}: <wp:comment_approved> is {approved!r}, not one of 1, 0, spam, trash")
    date = text_of(found, "comment_date_gmt")
    if not date or date.startswith("0000"):
        date = text_of(found, "comment_date")  # unset GMT dates: the local one is the best there is
    parent = text_of(found, "comment_parent")
    importer.comment(SourceComment(
        ref=ref, thread=thread, parent=parent if parent not in ("", "0") else None, status=STATUSES[approved],
        author=text_of(found, "comment_author"), email=text_of(found, "comment_author_email"),
        website=text_of(found, "comment_author_url"),
        body=html_to_text(text_of(found, "comment_content"), newlines_are_breaks=True),
        created_at=parse_datetime(date, where), where=where, ip=text_of(found, "comment_author_IP") or None,
    ))
