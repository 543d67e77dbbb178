"""Atom feeds of approved comments: `/feeds/SITE.atom` (the site) and
`/feeds/SITE/article.atom?article=ID` (one article)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from service.errors import BadRequest
from service.schemas.comments import validate_article_key
from service.services.comments import feeds
from marshmallow import ValidationError

bp = Blueprint("feeds", __name__)

FEED_CACHE = "public, max-age=300"
ATOM = "application/atom+xml"


def _answer(body: bytes) -> Response:
    response = Response(body, mimetype=ATOM)
    response.headers["Cache-Control"] = FEED_CACHE
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/feeds/<string:site>.atom")
def site_feed(site: str):
    return _answer(feeds.site_feed(site, request.host_url))


@bp.get("/feeds/<string:site>/article.atom")
def article_feed(site: str):
    key = request.args.get("article", "")
    try:
        validate_article_key(key)
    except ValidationError as exc:
        raise BadRequest("This feed needs a valid ?article=ID.", errors={"query": {"article": exc.messages}}) from None
    return _answer(feeds.article_feed(site, key, request.host_url))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
