"""Small HTTP helpers shared by the API views."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_login import current_user

from service.errors import UnsupportedMediaType
from service.net import client_ip
from service.security import hash_ip
from service.services.comments.submissions import Client

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def require_json_body() -> None:
    """Writes must say they send JSON: anything else is a clear 415, not a parse failure.
    Registered as a before_request hook on every API blueprint."""
    if request.method in BODY_METHODS and not request.is_json:
        raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")


def current_client() -> Client:
    """The reader, and the sites they moderate when the request carries a moderator's session
    cookie (sent on this service's origin: the comments page opened directly, or a frame whose
    browser sends it). Only the session counts: an API token names a program, not a person."""
    moderator = current_user if request.cookies and current_user and current_user.is_authenticated else None
    return Client(ip_hash=hash_ip(client_ip()), user_agent=request.headers.get("User-Agent", ""),
                  moderated_site_ids=moderator.site_ids if moderator is not None else None,
                  moderates_all=bool(moderator is not None and moderator.is_admin))


def json_response(payload, status: int = 200) -> Response:
    response = current_app.json.response(payload)
    response.status_code = status
    return response


def etag_matches(etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110); `etag` is unquoted."""
    return request.if_none_match.contains_weak(etag)


def not_modified(etag: str, cache_control: str) -> Response:
    return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": cache_control})


def json_bytes(body: bytes, etag: str, cache_control: str) -> Response:
    """A JSON body already encoded (and cached) elsewhere."""
    return Response(body, mimetype="application/json",
                    headers={"ETag": f'"{etag}"', "Cache-Control": cache_control})


def conditional(response: Response, cache_control: str) -> Response:
    """ETag from the body, and a 304 when the client already has it."""
    response.headers["Cache-Control"] = cache_control
    response.add_etag()
    return response.make_conditional(request)
