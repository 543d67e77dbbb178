"""A lean front for the three reads every blog page view makes: counts, a thread, the embed page.

Each is answered here, before Flask's request machinery (hooks, sessions, routing), when the
answer needs no more than an index lookup and the per-process caches: a count, a thread or page
this process has already rendered for the article's current version, or a 304. Anything else —
a cache miss, a bad query, an unknown site, an error — falls through to the Flask app, which
does the full work, fills the caches and writes any error envelope. So this module adds speed
and never behaviour: the answers are the same bytes the Flask views give.
"""

from __future__ import annotations

import json
import re
import time
from hashlib import blake2b
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.datastructures import MultiDict

from service.api.counts import COUNTS_CACHE
from service.api.comments import THREAD_CACHE
from service.api.query import counts_query, thread_query
from service.embed import views as embed_views
from service.errors import ServiceError
from service.headers import security_headers
from service.logging import REQUEST_ID_HEADER, assign_request_id
from service.services.comments import threads

_SLUG = r"([a-z0-9][a-z0-9-]{0,63})"
_ROUTE = re.compile(rf"/api/v1/sites/{_SLUG}/(counts|comments)|/embed/{_SLUG}")
_ENDPOINTS = {"counts": "counts.Counts", "comments": "comments.SiteComments", "embed": "embed.show_page"}


class Answer:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes = b"") -> None:
        self.status, self.headers, self.body = status, headers, body


class HotReads:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            match = _ROUTE.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                started = time.perf_counter()
                answer = self._answer(match, environ)
                if answer is not None:
                    self._observe(match, answer, started)
                    html = answer.headers[0] == ("Content-Type", "text/html; charset=utf-8")
                    answer.headers += security_headers(html=html, own_csp=html,
                                                       hsts_seconds=self.app.config["HSTS_SECONDS"])
                    answer.headers.append((REQUEST_ID_HEADER, assign_request_id(environ)))
                    answer.headers.append(("Content-Length", str(len(answer.body))))
                    start_response(answer.status, answer.headers)
                    return [answer.body]
        return self.wsgi_app(environ, start_response)

    def _answer(self, match: re.Match, environ) -> Answer | None:
        args = _query_args(environ.get("QUERY_STRING", ""))
        if args is None:
            return None
        try:
            with self.app.app_context():
                if match[3] is not None:
                    return _embed(match[3], args, environ)
                if match[2] == "counts":
                    return _counts(match[1], args, environ)
                return _thread(match[1], args, environ)
        except ServiceError:
            return None  # an unknown site or a bad query: the Flask views explain it
        except Exception:  # noqa: BLE001 - deliberately: Flask redoes the work, logs and answers
            return None

    def _observe(self, match: re.Match, answer: Answer, started: float) -> None:
        metrics = self.app.extensions.get("service_metrics")
        if metrics is not None:
            kind = "embed" if match[3] is not None else match[2]
            metrics.observe(_ENDPOINTS[kind], "GET", f"{answer.status[0]}xx", time.perf_counter() - started)


def _query_args(query_string: str) -> MultiDict | None:
    """The query as Flask would read it; None for anything unusual (Flask reads those)."""
    try:
        pairs = parse_qsl(query_string.encode("latin-1").decode("utf-8"), keep_blank_values=True,
                          errors="strict")
    except (UnicodeError, ValueError):
        return None
    return MultiDict(pairs)


def _not_modified(environ, etag: str) -> bool:
    header = environ.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in header.split(",")}
    return etag in tags or "*" in tags


def _cors(environ, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if environ.get("HTTP_ORIGIN"):
        headers += [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "ETag")]
    return headers


def _json(environ, etag: str, cache_control: str, body: bytes | None) -> Answer:
    headers = _cors(environ, [("ETag", f'"{etag}"'), ("Cache-Control", cache_control)])
    if body is None:
        return Answer("304 NOT MODIFIED", headers)
    return Answer("200 OK", [("Content-Type", "application/json"), *headers], body)


def _counts(site: str, args: MultiDict, environ) -> Answer:
    counts = threads.counts(site, counts_query(args))
    body = json.dumps({"counts": counts}, ensure_ascii=False, separators=(",", ":")).encode()
    etag = blake2b(body, digest_size=12).hexdigest()
    return _json(environ, etag, COUNTS_CACHE, None if _not_modified(environ, etag) else body)


def _thread(site: str, args: MultiDict, environ) -> Answer | None:
    query = thread_query(args)
    state = threads.article_state(site, query["article"])
    variant = (query["order"], query["page"], query["per_page"])
    etag = state.tag("json", *variant)
    if _not_modified(environ, etag):
        return _json(environ, etag, THREAD_CACHE, None)
    body = threads.cached_thread_json(state, query["article"], *variant)
    return None if body is None else _json(environ, etag, THREAD_CACHE, body)


def _embed(site: str, args: MultiDict, environ) -> Answer | None:
    page = embed_views.Page(site, args)
    if not page.is_plain:
        return None
    etag = page.etag()
    headers = list(embed_views.plain_page_headers(page, etag).items())
    if _not_modified(environ, etag):
        return Answer("304 NOT MODIFIED", headers)
    html = embed_views.cached_plain_page(page, etag)
    if html is None:
        return None
    return Answer("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers], html)
