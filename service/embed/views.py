"""The comments page an embed shows: GET renders the thread and the form; POST takes the form
without JavaScript and answers 303 back to the page (published / held), or the page again with
the reader's text and what went wrong (field errors, refused, too fast, closed).

The status after a redirect travels in the URL, not a cookie: inside a third-party iframe the
browser does not send this service's cookies, and the page must work there too.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import cached_property

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import ValidationError

from service.api import cors
from service.api.http import current_client
from service.embed import render
from service.embed.assets import asset_version
from service.embed.i18n import Messages, catalogue_json, pick_language
from service.embed.schemas import FORM_FIELDS, OPTIONAL_FORM_FIELDS, EmbedQuerySchema
from service.embed.settings import ORDERS, host_style_from_query, theme_from_query, theme_stylesheet
from service.errors import BadRequest, ServiceError, TooManyRequests, Unprocessable
from service.extensions import csrf, limiter
from service.form_tokens import issue_form_token
from service.models import id_from_text
from service.schemas.comments import CommentCreateSchema
from service.services.comments import read_cache
from service.services.comments.avatars import GRAVATAR_ORIGIN
from service.services.comments.submissions import submit_comment
from service.services.administration.sites import public_site

bp = Blueprint("embed", __name__)

PAGE_CACHE = "private, no-cache"  # revalidate every time; a matching ETag is a cheap 304
OWN_SALT = "embed-own-comment"
TOKEN_SLOT = "\x00form-token\x00"  # cannot occur in rendered text (NUL is stripped from every input)
_TOKEN_SLOT_BYTES = TOKEN_SLOT.encode()
ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(?::[0-9]{1,5})?$")


_QUERY = EmbedQuerySchema()  # built once: a schema instance is reusable and costly to build
_COMMENT = CommentCreateSchema()


_PLAIN_KEYS = frozenset({"article", "lang", "order"})


def _query(args: MultiDict) -> dict:
    # The common embed URL (?article=ID, perhaps lang and order) is read directly; anything
    # else goes through the schema, which also words the errors.
    if args.keys() <= _PLAIN_KEYS and len(args) == len(args.lists() and list(args.lists())):
        article, lang, order = args.get("article"), args.get("lang"), args.get("order")
        if (article and len(article) <= 255 and article.isprintable() and not article.isspace()
                and (lang is None or len(lang) <= 16) and (order is None or order in ORDERS)):
            return {"article": article, "lang": lang, "order": order, "page": 1, "reply": None, "status": None,
                    "own": None, "title": None, "url": None, "voted": None}
    try:
        return _QUERY.load(args.to_dict())
    except ValidationError as exc:
        raise BadRequest("This comments page needs a valid ?article=ID.", errors={"query": exc.messages}) from None


class Page:
    """What one request to the page is about: site, article, language, order, page, theme."""

    def __init__(self, site_slug: str, args: MultiDict | None = None) -> None:
        args = request.args if args is None else args
        self.args = args
        self.query = _query(args)
        self.key = self.query["article"]
        self.site, self.article = render.load_site_and_article(site_slug, self.key)
        settings = self.site.settings
        self.lang = pick_language(self.query["lang"], settings["language"])
        self.order = self.query["order"] or settings["order"]
        self.page = self.query["page"]
        self.host = host_style_from_query(args)
        self.theme = {**self.host, **settings["theme"], **theme_from_query(args)}
        base = {"article": self.key}
        if self.query["lang"]:
            base["lang"] = self.lang
        if self.query["order"]:
            base["order"] = self.order
        base.update({f"host-{k}": v for k, v in self.host.items()})
        base.update({f"theme-{k}": v for k, v in theme_from_query(args).items()})
        if self.back_url:
            base["url"] = self.back_url
        self.base = base

    @cached_property
    def back_url(self) -> str | None:
        """The article's page, when the embed named one on an origin the site lists: the page
        opened on its own (the snippet's no-script link) offers a way back to it."""
        url = self.query["url"]
        if not url or not url.lower().startswith(("http://", "https://")):
            return None
        origin = "/".join(url.split("/", 3)[:3]).lower()
        return url if not self.site.origins or origin in self.site.origins else None

    def url(self, **extra) -> str:
        params = {**self.base, **{k: v for k, v in extra.items() if v is not None}}
        return url_for("embed.show_page", site=self.site.slug, **params)

    @property
    def is_plain(self) -> bool:
        """The same page for every reader: no status line, no reader's own held comment."""
        return not self.query["status"] and not self.query["own"]

    def etag(self) -> str:
        day = int(time.time() // 86400)  # cached pages carry a form token; refresh it daily
        parts = (asset_version(), repr(self.site), self.article.version, self.article.closed, self.query_items, day)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    def slot(self) -> tuple:
        """Where this page's rendering is cached: one slot per site and query, whose rendering
        is replaced when the page's ETag changes."""
        return ("embed-page", self.site.id, self.query_items)

    @cached_property
    def query_items(self) -> tuple:
        """The query in a canonical order: part of both the ETag and the cache slot."""
        return tuple(sorted(self.args.items(multi=True)))


def _own_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=OWN_SALT)


def _own_ids(token: str | None) -> list[int]:
    if not token:
        return []
    try:
        ids = _own_serializer().loads(token)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def content_security_policy(origins: tuple[str, ...], gravatar: bool = False) -> str:
    ancestors = " ".join(("'self'",) + origins) if origins else "*"
    images = f"'self' data: {GRAVATAR_ORIGIN}" if gravatar else "'self' data:"
    return (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
            f"frame-ancestors {ancestors}")


def _render(page: Page, *, status: dict | None = None, form: dict | None = None,
            errors: dict | None = None, code: int = 200) -> Response:
    html = _page_html(page, status=status, form=form, errors=errors, form_token=issue_form_token())
    return _html_response(page, html, code)


def _html_response(page: Page, html: str, code: int = 200) -> Response:
    response = Response(html, status=code, mimetype="text/html")
    response.headers["Content-Security-Policy"] = page_csp(page)
    return response


def _page_html(page: Page, *, status: dict | None = None, form: dict | None = None,
               errors: dict | None = None, form_token: str) -> str:
    m = Messages(page.lang)
    reply_to = page.query["reply"] if form is None else id_from_text(form.get("parent_id"))
    own = render.own_pending(page.article, _own_ids(page.query["own"]), page.key, page.site.options.avatars)
    html = render_template(
        "embed/page.html", page=page, m=m, messages_json=catalogue_json(page.lang), site=page.site, article=page.article,
        thread_html=render.render_thread(page.site, page.article, page.key, page.lang, page.order, page.page,
                                         page.base),
        own_pending=own, status=status, form=form or {}, errors=errors or {}, reply_to=reply_to,
        reply_name=render.reply_author(page.article, reply_to),
        form_token=form_token, action=page.url(), asset_version=asset_version(), short_date=m.date,
        theme_url=url_for("embed.theme_css", site=page.site.slug, **{f"theme-{k}": v for k, v in page.theme.items()})
        if page.theme else None, back_url=page.back_url,
    )
    return html


def cors_safe(origins: tuple[str, ...]) -> tuple[str, ...]:
    """Only well-formed origins reach the CSP header (a stray ';' would rewrite the policy)."""
    return tuple(o for o in origins if ORIGIN.match(o))


def plain_page_headers(page: Page, etag: str) -> dict[str, str]:
    return {"ETag": f'"{etag}"', "Cache-Control": PAGE_CACHE,
            "Content-Security-Policy": page_csp(page)}


def page_csp(page: Page) -> str:
    """Pictures come from this service alone, unless the site chose Gravatar's."""
    return content_security_policy(cors_safe(page.site.origins), page.site.options.avatars == "gravatar")


def cached_plain_page(page: Page, etag: str) -> bytes | None:
    """The plain page of this version as UTF-8, if this process has rendered it: the fresh form
    token goes into its slot (the page is otherwise the same for every reader)."""
    html = read_cache.current_rendering(page.slot(), etag)
    return None if html is None else _with_form_token(html)


def _with_form_token(html: bytes) -> bytes:
    return html.replace(_TOKEN_SLOT_BYTES, issue_form_token().encode())


@bp.get("/embed/<string:site>")
def show_page(site: str):
    page = Page(site)
    if page.is_plain:
        etag = page.etag()
        headers = plain_page_headers(page, etag)
        if request.if_none_match.contains_weak(etag):
            return Response(status=304, headers=headers)
        # Kept as UTF-8: half the memory of the str (or a quarter, once a comment holds an emoji),
        # and nothing to encode on each request.
        html = read_cache.rendering(page.slot(), etag, lambda: _page_html(page, form_token=TOKEN_SLOT).encode())
        return Response(_with_form_token(html), mimetype="text/html", headers=headers)
    status = {"kind": page.query["status"]} if page.query["status"] else None
    response = _render(page, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def form_data(page: Page) -> tuple[dict, dict]:
    """The submitted form as the comment schema expects it, and the typed values to show again."""
    typed = {name: request.form.get(name, "")[:20_000] for name in FORM_FIELDS}
    data: dict = {"article": page.key}
    for name in FORM_FIELDS:
        value = typed[name]
        if name in OPTIONAL_FORM_FIELDS and not value.strip():
            continue
        data[name] = value
    if "notify_replies" in data:
        data["notify_replies"] = True  # a ticked checkbox, whatever its value
    if "parent_id" in data:
        try:
            data["parent_id"] = int(data["parent_id"])
        except ValueError:
            data["parent_id"] = -1  # the schema's range check explains it
    return data, typed


def page_and_comment(site: str) -> tuple[Page, int | None]:
    """For the page's small forms (votes, reports): the page they were sent from, its origin
    checked against the site's, and the comment they name (None when not an id)."""
    page = Page(site)
    cors.require_allowed_origin(public_site(site))
    return page, id_from_text(request.form.get("comment"))


def back_to_the_page(_limit) -> Response:
    """Flask-Limiter's `on_breach` for the page's small forms (votes, reports): a reader over the
    limit goes back to the page with a status line, inside the frame, not to a bare 429 page
    that may not be framed."""
    page = Page(request.view_args["site"])
    return redirect(page.url(status="too_many") + "#status", code=303)


def _comment_form_over_limit(_limit) -> Response:
    """The comment form over its limit: the page again, with what the reader typed."""
    page = Page(request.view_args["site"])
    return _render(page, status={"kind": "too_many"}, form=form_data(page)[1], code=429)


@bp.post("/embed/<string:site>")
@csrf.exempt
@limiter.limit("20 per minute", on_breach=_comment_form_over_limit)
def submit_form(site: str):
    page = Page(site)
    cors.require_allowed_origin(public_site(site))
    data, typed = form_data(page)
    try:
        result = submit_comment(site, _COMMENT.load(data), current_client())
    except ValidationError as exc:
        return _render(page, status={"kind": "invalid"}, form=typed, errors=_flat(exc.messages), code=422)
    except Unprocessable as exc:
        return _render(page, status={"kind": "invalid"}, form=typed, errors=_flat((exc.errors or {}).get("json", {})),
                       code=422)
    except TooManyRequests as exc:
        response = _render(page, status={"kind": "throttled", "message": exc.description}, form=typed, code=429)
        response.headers.update(exc.headers)
        return response
    except ServiceError as exc:
        if exc.code == 404:
            raise
        return _render(page, status={"kind": "forbidden", "message": exc.description}, form=typed, code=exc.code)
    if result.status == "rejected":
        return _render(page, status={"kind": "rejected", "reasons": result.reasons}, form=typed, code=403)
    own = _own_serializer().dumps([result.comment.id]) if result.status == "pending" else None
    target = page.url(status=result.status, own=own) + "#status"
    return redirect(target, code=303)


def _flat(messages: dict) -> dict[str, str]:
    """{field: [messages]} -> {field: "first message"}; nested or odd shapes become text."""
    out: dict[str, str] = {}
    for field, value in (messages or {}).items():
        if isinstance(value, list) and value:
            out[str(field)] = str(value[0])
        elif isinstance(value, dict):
            out[str(field)] = "; ".join(str(v) for v in value.values())
        else:
            out[str(field)] = str(value)
    return out


@bp.get("/embed/<string:site>/theme.css")
def theme_css(site: str):
    """The site's theme (and per-embed overrides) as custom properties: the page allows no
    inline style, so the theme is a stylesheet of its own."""
    settings = render.load_site(site).settings
    theme = {**host_style_from_query(request.args), **settings["theme"], **theme_from_query(request.args)}
    response = Response(theme_stylesheet(theme), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)

