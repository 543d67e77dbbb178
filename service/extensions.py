"""Flask extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

import sqlite3
import time

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlalchemy.orm import DeclarativeBase

from service.net import client_ip

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
limiter = Limiter(key_func=client_ip, default_limits=[], headers_enabled=True)
login_manager = LoginManager()
csrf = CSRFProtect()


# How long a comment acknowledged on SQLite may wait to be synced to disk. With
# `synchronous=NORMAL` a commit only appends to the write-ahead log; the log is synced when it is
# checkpointed. SQLite's own trigger (every N pages) bounds that by volume, which on a quiet blog
# can mean hours; this bounds it by time, and lets a busy one copy each page it rewrites (the
# article's counters, the ends of the indexes) into the database once a second instead of once
# every few dozen comments.
CHECKPOINT_SECONDS = 1.0
# SQLite's own trigger stays as a ceiling on the log's size (pages of 4 KiB: 40 MiB).
WAL_PAGES_CEILING = 10_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, record) -> None:
    """WAL lets readers proceed while one writer writes; foreign keys are off by default."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    wal = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"  # not for :memory:
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    if wal:
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES_CEILING}")
        record.info["checkpointed_at"] = time.monotonic()
    cursor.close()


@event.listens_for(Pool, "checkin")
def _sqlite_checkpoint(dbapi_connection, record) -> None:
    """When a connection goes back to the pool (at the end of each request, before its answer
    leaves) and its last checkpoint is over CHECKPOINT_SECONDS old, sync the log and copy it into
    the database. PASSIVE: it never waits for, nor blocks, another process's readers or writer."""
    last = record.info.get("checkpointed_at") if record is not None else None
    if last is None or dbapi_connection is None or time.monotonic() - last < CHECKPOINT_SECONDS:
        return
    record.info["checkpointed_at"] = time.monotonic()
    try:
        dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:  # busy or closed: the next one, or SQLite's own trigger, syncs it
        pass
