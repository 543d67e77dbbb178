"""The SQL statements an action sends: how the tests prove a path costs what it should."""

from __future__ import annotations

from sqlalchemy import event

from service.extensions import db


def statements_of(action) -> list[str]:
    """Run `action` in the current app context and return every statement it sent, in order."""
    seen: list[str] = []
    listener = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen
