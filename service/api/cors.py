"""Cross-origin rules: public reads are open to any origin; writes only from the site's own
origins (or any, for a site that lists none). The embed iframe is same-origin and needs no CORS."""

from __future__ import annotations

from flask import Response, g, request

from service.errors import Forbidden, ServiceError
from service.models import PublicSite, Site
from service.services.comments.submissions import site_of
from service.services.administration.sites import public_site

READ_METHODS = frozenset({"GET", "HEAD"})
WRITE_METHODS = "GET, POST, PATCH, DELETE"
WRITE_HEADERS = "Content-Type, X-Edit-Token"
PREFLIGHT_MAX_AGE = "600"
OWN_COMMENT = "comments.OwnComment"  # PATCH and DELETE /api/v1/comments/{id}, with an edit token


def origin_allowed(site: Site, origin: str | None) -> bool:
    if not origin or origin == request.host_url.rstrip("/"):
        return True
    allowed = site.origins or []
    return not allowed or origin.rstrip("/").lower() in allowed


def require_allowed_origin(site: Site | PublicSite) -> None:
    """Refuse a write whose browser says it comes from a page the site did not list."""
    origin = request.headers.get("Origin")
    if not origin_allowed(site, origin):
        raise Forbidden(f"Comments for {site.slug!r} cannot be written from {origin}.")


def require_owned_origin(site: Site) -> None:
    """The origin check of an author's edit or deletion, made once their token is known to be
    right: only then may the answer's CORS headers depend on the comment's site."""
    g.cors_owned_site = site
    require_allowed_origin(site)


def _is_read() -> bool:
    method = request.method
    if method == "OPTIONS":
        method = request.headers.get("Access-Control-Request-Method", "")
    return method in READ_METHODS


def _site_of_request() -> Site | None:
    args = request.view_args or {}
    try:
        if "site" in args:
            return public_site(args["site"])
        if request.endpoint == OWN_COMMENT:
            # Known only once the edit token matched; headers that followed the comment's
            # site before that would tell a guesser which site an id belongs to.
            return g.get("cors_owned_site")
        if "comment_id" in args:
            return site_of(args["comment_id"])
    except ServiceError:
        return None
    return None


def add_cors_headers(response: Response) -> Response:
    """after_request hook of the public API blueprints (error responses included, so that
    a page can read why its request failed)."""
    origin = request.headers.get("Origin")
    if not origin:
        return response
    if _is_read():
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
        return response
    response.headers.add("Vary", "Origin")
    if request.method == "OPTIONS" and request.endpoint == OWN_COMMENT:
        # A preflight carries no token: it is answered alike for every id, and the request
        # itself is refused from an origin the comment's site did not list.
        _allow(response, origin)
        return response
    site = _site_of_request()
    if site is not None and origin_allowed(site, origin):
        _allow(response, origin)
    return response


def _allow(response: Response, origin: str) -> None:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = WRITE_METHODS
    response.headers["Access-Control-Allow-Headers"] = WRITE_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
