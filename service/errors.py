"""Domain exceptions and the one set of error handlers.

Every JSON error has one shape: {"code", "status", "message", "errors"?, ...}. Pages that
humans load (the embed page, the moderator queue) get an HTML error page instead.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from service.extensions import db

log = logging.getLogger(__name__)


class ServiceError(HTTPException):
    """Base of the domain errors: raise, never return, from any depth."""

    code = 400

    def __init__(self, message: str, *, errors: dict | None = None, extra: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(description=message)
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}


class BadRequest(ServiceError):
    code = 400


class Unauthorized(ServiceError):
    code = 401


class Forbidden(ServiceError):
    code = 403


class NotFound(ServiceError):
    code = 404


class Conflict(ServiceError):
    code = 409


class Gone(ServiceError):
    code = 410


class UnsupportedMediaType(ServiceError):
    code = 415


class Unprocessable(ServiceError):
    code = 422


class TooManyRequests(ServiceError):
    code = 429


def field_error(field: str, message: str, *, location: str = "json") -> Unprocessable:
    """A 422 blaming one field, in the same shape as schema validation errors."""
    return Unprocessable(f"Invalid {field}.", errors={location: {field: [message]}})


def wants_json() -> bool:
    path = request.path
    if path.startswith(("/api/", "/moderate/api/")) or path.endswith((".json", ".js")):
        return True
    if path.startswith(("/embed/", "/moderate", "/demo")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best != "text/html"


# Plainer words than werkzeug's defaults for the errors a client meets most.
FRIENDLY = {
    400: "The request could not be read.",
    404: "There is nothing at this address.",
    405: "This address does not take that method.",
    413: "The request is larger than this service accepts.",
    422: "Some fields are not valid; see errors.",
}


def envelope(exc: HTTPException) -> dict:
    code = exc.code or 500
    message = exc.description
    if not isinstance(exc, ServiceError) and code in FRIENDLY:
        message = FRIENDLY[code]
    body: dict = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    errors = getattr(exc, "errors", None)
    data = getattr(exc, "data", None)  # webargs/flask-smorest put validation messages here
    if errors is None and isinstance(data, dict) and data.get("messages"):
        errors = data["messages"]
    if errors:
        body["errors"] = errors
    body.update(getattr(exc, "extra", {}) or {})
    return body


def _headers(exc: HTTPException) -> dict:
    # werkzeug's own headers (Allow on 405, Retry-After on 429), minus its HTML content type
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    headers.update(getattr(exc, "headers", None) or {})
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and data.get("headers"):
        headers.update(data["headers"])
    return headers


def handle_http_exception(exc: HTTPException):
    if exc.code is None:  # a routing redirect; let werkzeug answer it
        return exc
    if exc.response is not None:  # an answer made for this case (a form's on_breach): werkzeug's convention
        return exc.response
    if exc.code >= 500:
        db.session.rollback()
    if wants_json():
        response = jsonify(envelope(exc))
    else:
        response = make_response(render_template("error.html", code=exc.code,
                                                 status=HTTPStatus(exc.code).phrase, message=exc.description))
    response.status_code = exc.code
    for key, value in _headers(exc).items():
        response.headers[key] = value
    return response


def handle_unexpected(exc: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_exception(InternalServerError("Something went wrong on our side; nothing was saved."))


def handle_recursion(exc: RecursionError):
    # The one way a client can make the JSON decoder recurse without end: [[[[...]]]].
    db.session.rollback()
    return handle_http_exception(BadRequest("The request body is nested too deeply."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RecursionError, handle_recursion)
    app.register_error_handler(Exception, handle_unexpected)
