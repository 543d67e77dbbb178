"""Log lines for operators: one JSON object per line (or plain text in development), each
carrying the id of the request that wrote it.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token (a proxy or load
balancer in front usually sets one), otherwise a fresh one. It is echoed in the response
header, so gunicorn's access log and the client can quote it too.

What is logged is chosen field by field, never dumped wholesale: no request header, cookie,
body or query string reaches a log line, so passwords, bearer tokens and edit tokens cannot.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from datetime import datetime, timezone

from flask import Flask, Response, has_request_context, request

from service.config import ConfigError

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_KEY = "service.request_id"  # in the WSGI environ: request-scoped, whatever the app context
STARTED_KEY = "service.started"  # perf_counter() when the request reached the app (metrics read it)
# Letters, digits and a few separators: enough for UUIDs and tracing ids, nothing that could
# forge a log line or a header.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=-]{0,127}")
FORMATS = ("json", "text")
# Terminal colour codes (werkzeug's development server colours its request lines): a log file
# or a collector would keep them as noise.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Loggers that speak at INFO about their own machinery, not about the service.
QUIET_LOGGERS = ("alembic.runtime.plugins",)

# Attributes every LogRecord has; anything else on a record was passed as `extra=` and is kept.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

access_log = logging.getLogger("service.access")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    if not has_request_context():
        return None
    return request.environ.get(REQUEST_ID_KEY)


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id"?, ...extra, "exc"?}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _ANSI.sub("", record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The same facts for a terminal: time, level, logger, request id, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(name)s] [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", None) or request_id() or "-"
        return _ANSI.sub("", super().format(record))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it per test)."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.setStream; the property decides
        pass


def configure(fmt: str, level: str) -> logging.Handler:
    """Put the service's one handler on the root logger (again: several apps share a process)."""
    if fmt not in FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"LOG_LEVEL must be a level name such as INFO or DEBUG, got {level!r}")
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.setLevel(level)
    for name in QUIET_LOGGERS:  # Alembic's "setup plugin ..." lines on every migration command
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def assign_request_id(environ: dict) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one; kept in the environ."""
    supplied = environ.get("HTTP_X_REQUEST_ID")
    rid = supplied if supplied and _SANE_ID.fullmatch(supplied) else os.urandom(12).hex()
    environ[REQUEST_ID_KEY] = rid
    return rid


def _begin_request() -> None:
    environ = request._get_current_object().environ
    environ[STARTED_KEY] = time.perf_counter()
    assign_request_id(environ)


def _end_request(response: Response) -> Response:
    rid = request.environ.get(REQUEST_ID_KEY)
    if rid is None:  # a hook before ours refused the request; it still gets an id
        _begin_request()
        rid = request.environ[REQUEST_ID_KEY]
    response.headers[REQUEST_ID_HEADER] = rid
    return response


def _log_access(response: Response) -> Response:
    started = request.environ.get(STARTED_KEY)
    duration_ms = round((time.perf_counter() - started) * 1000, 3) if started else None
    rule = request.url_rule
    access_log.info("%s %s %s", request.method, request.path, response.status_code,
                    extra={"method": request.method, "path": request.path, "status": response.status_code,
                           "endpoint": rule.endpoint if rule else None, "duration_ms": duration_ms})
    return response


def init_app(app: Flask) -> None:
    """Configure the root logger and give every request an id (register before other hooks)."""
    configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_begin_request)
    app.after_request(_end_request)
    if app.config["ACCESS_LOG"]:
        app.after_request(_log_access)
