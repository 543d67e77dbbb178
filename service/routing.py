"""How requests reach the views: ids in paths bounded by what the databases can store, and
request bodies read whole (or refused) before any view parses them."""

from __future__ import annotations

from flask import Flask, request
from gunicorn.http.errors import NoMoreData, ParseException
from werkzeug.routing import IntegerConverter

from service.errors import BadRequest
from service.models import MAX_ID

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DatabaseId(IntegerConverter):
    """`<int:...>` that matches only ids a database can hold: a larger number is a 404, not an
    error from the database (SQLite refuses integers past 64 bits, PostgreSQL past 32 for
    INTEGER columns)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's parameter name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def read_whole_body() -> None:
    """A body cut short (the client went away before sending its Content-Length) would parse as
    a shorter, valid form and be stored; broken chunked framing surfaces from the server's
    reader as its own exception. Both are the client's error: 400, and nothing is stored.
    The body is cached, so the parsers that run later read it from memory."""
    if request.method not in BODY_METHODS:
        return
    expected = request.content_length
    try:
        data = request.get_data(cache=True)
    except (NoMoreData, ParseException):
        raise BadRequest("The request body could not be read.") from None
    if expected is not None and len(data) != expected:
        raise BadRequest("The request body is shorter than its Content-Length.")


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converters when they are added."""
    app.url_map.converters["int"] = DatabaseId
    app.before_request(read_whole_body)
