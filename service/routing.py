"""URL converters: ids in paths are bounded by what the databases can store."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's bigint


class DatabaseId(IntegerConverter):
    """`<int:...>` that matches only ids a database can hold: a larger number is a 404, not an
    overflow inside the database driver (SQLite refuses integers past 64 bits)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's parameter name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converters when they are added."""
    app.url_map.converters["int"] = DatabaseId
