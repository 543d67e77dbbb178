"""Disqus XML export -> comments.

The export lists <category>, then <thread> elements (dsq:id, <id> the page's identifier,
<link>, <title>, <isClosed>, <createdAt>: the page's publication date), then <post> elements (dsq:id, <message> as HTML, <createdAt>,
<author> with <name> and <email>, <ipAddress>, <isDeleted>, <isSpam>, and references
<thread dsq:id>, <parent dsq:id>). Articles are created only for threads that have posts.
Spam stays spam, deleted posts come in as deleted (so replies keep their place), everything
else is approved unless an <isApproved>false</isApproved> says it waits for review.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from service.importers.common import ImportFailure, Importer, SourceComment, link_key, optional_datetime, parse_datetime
from service.importers.html_text import html_to_text
from service.importers.xml_stream import children, iter_ended, local, text_of

KEYS = ("path", "url", "identifier")
_WANTED = {"thread": 1, "post": 1}


def _dsq_id(elem: Element | None) -> str:
    if elem is None:
        return ""
    for name, value in elem.attrib.items():
        if local(name) == "id":
            return value.strip()
    return ""


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def thread_key(link: str, identifier: str, scheme: str) -> str:
    """The article ID a thread gets: its link's path (default), its whole link, or the
    identifier the page gave Disqus (the path where it gave none)."""
    if scheme == "identifier" and identifier:
        return identifier
    return link_key(link, scheme)


def read(path: str, importer: Importer, *, key: str = "path",
         progress: Callable[[int], None] = lambda n: None) -> None:
    threads: dict[str, tuple[str, str, str, bool]] = {}  # dsq:id -> (key, title, link, closed)
    for ended in iter_ended(path, _WANTED, progress):
        found = children(ended.elem)
        if ended.name == "thread":
            ref = _dsq_id(ended.elem)
            if not ref:
                raise ImportFailure(f"line {ended.line}: <thread> without a dsq:id")
            link = text_of(found, "link")
            article_key = thread_key(link, text_of(found, "id"), key)
            if not article_key:
                raise ImportFailure(f"line {ended.line}: <thread dsq:id=\"{ref}\"> has no <link>")
            threads[ref] = (article_key, text_of(found, "title"), link, _true(text_of(found, "isClosed")),
                            optional_datetime(text_of(found, "createdAt")))
        else:
            _post(importer, threads, ended.elem, found, ended.line)


def _post(importer: Importer, threads: dict, elem: Element, found: dict, line: int) -> None:
    ref = _dsq_id(elem)
    if not ref:
        raise ImportFailure(f"line {line}: <post> without a dsq:id")
    where = f"line {line}: <post dsq:id=\"{ref}\">"
    thread = _dsq_id(found.get("thread"))
    if not thread:
        raise ImportFailure(f"{where} without <thread>")
    if not importer.has_article(thread):
        if thread not in threads:
            raise ImportFailure(f"{where} refers to thread {thread!r}, which no <thread> before it declares")
        article_key, title, link, closed, published = threads[thread]
        importer.article(thread, article_key, where=where, title=title, url=link,
                         extra={"closed": True} if closed else None, published=published)
    author = children(found["author"]) if "author" in found else {}
    if _true(text_of(found, "isSpam")):
        status = "spam"
    elif _true(text_of(found, "isDeleted")):
        status = "deleted"
    elif text_of(found, "isApproved").lower() == "false":
        status = "pending"
    else:
        status = "approved"
    importer.comment(SourceComment(
        ref=ref, thread=thread, parent=_dsq_id(found.get("parent")) or None, status=status,
        author=text_of(author, "name") or text_of(author, "username"), email=text_of(author, "email"),
        website=None, body=html_to_text(text_of(found, "message")),
        created_at=parse_datetime(text_of(found, "createdAt"), where), where=where,
        ip=text_of(found, "ipAddress") or None,
    ))
