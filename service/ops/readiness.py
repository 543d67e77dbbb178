"""Is this process ready for traffic: does the database answer, is its schema the one this code
was written for (the Alembic head) or newer? And does Redis answer when it is configured: a Redis
that does not is reported as `"redis": "degraded"`, but the process stays ready.

Behind (code newer than the schema) is not ready: a new version must not take traffic before
`flask db upgrade` has run.

The code's head is read from the migration scripts once per process, when the app is built, so a
deployment that swaps the files on disk does not change what a running process expects.
"""

from __future__ import annotations

import ast
import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from service.extensions import db

log = logging.getLogger(__name__)

EXTENSION = "service_schema_heads"
REDIS_EXTENSION = "service_readiness_redis"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Scripts:
    heads: frozenset[str]
    known: frozenset[str]  # every revision the scripts define


@dataclass
class Readiness:
    ready: bool
    reason: str
    details: dict = field(default_factory=dict)

    def payload(self) -> dict:
        return {"status": "ready" if self.ready else "unavailable", "reason": self.reason, **self.details}


MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@functools.lru_cache(maxsize=None)
def load_scripts(directory: str) -> Scripts:
    """The revision graph, read from the scripts' `revision` and `down_revision` assignments.

    Read with `ast` rather than through Alembic: importing Alembic (with Mako and Pygments)
    would cost every web worker about 11 MiB for this one question. A head is a revision no
    other revision names as its predecessor.
    """
    known: set[str] = set()
    predecessors: set[str] = set()
    for script in Path(directory, "versions").glob("*.py"):
        names = _revision_assignments(script)
        if isinstance(names.get("revision"), str):
            known.add(names["revision"])
            down = names.get("down_revision")
            predecessors.update([down] if isinstance(down, str) else down or ())
    return Scripts(frozenset(known - predecessors), frozenset(known))


def _revision_assignments(script: Path) -> dict:
    found = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if (isinstance(node, (ast.Assign, ast.AnnAssign))
                and isinstance(target := node.targets[0] if isinstance(node, ast.Assign) else node.target, ast.Name)
                and target.id in ("revision", "down_revision") and node.value is not None):
            found[target.id] = ast.literal_eval(node.value)
    return found


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = load_scripts(str(MIGRATIONS))


def _database_revisions() -> set[str] | None:
    """The revisions stamped in the database, or None when it was never migrated."""
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table(VERSION_TABLE):
            return None
        return {row[0] for row in conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}"))}


def _schema_verdict(current: set[str] | None, scripts: Scripts) -> Readiness:
    expected = sorted(scripts.heads)
    details = {"database_revision": sorted(current or []), "expected_revision": expected}
    if current is None or not current:
        return Readiness(False, "The database has no schema yet: run `flask --app wsgi db upgrade`.", details)
    if current == scripts.heads:
        return Readiness(True, "The database answers and its schema is at head.", details)
    if current - scripts.known:
        # A newer version migrated first, as an upgrade does. Migrations keep the previous version
        # working (add first, remove a release later), so this process keeps serving until it is
        # replaced: turning every old process away at once would be an outage.
        return Readiness(True, "The database is at a newer revision than this code; serving on until "
                               "this version is replaced.", details)
    return Readiness(False, "The database schema is behind this code: run `flask --app wsgi db upgrade`.",
                     details)


def check() -> Readiness:
    scripts = current_app.extensions[EXTENSION]
    try:
        current = _database_revisions()
    except sa.exc.SQLAlchemyError as exc:
        # The detail (host, driver message) goes to the log, not to whoever asked.
        log.warning("readiness: database unreachable: %s", exc.__class__.__name__, exc_info=True)
        return Readiness(False, "The database does not answer.", {"error": exc.__class__.__name__})
    verdict = _schema_verdict(current, scripts)
    if current_app.config.get("REDIS_URL"):
        # Without Redis every process still serves, counting rate limits in its own memory: taking
        # every host out of the load balancer at once would turn a degraded store into an outage.
        if redis_answers():
            verdict.details["redis"] = "ok"
        else:
            verdict.details["redis"] = "degraded"
            if verdict.ready:
                verdict.reason += (" Redis (REDIS_URL, the shared rate-limit store) does not answer: each "
                                   "process counts rate limits alone until it does.")
    return verdict


def redis_answers() -> bool:
    import redis  # only where Redis is configured: the client library is ~6 MiB per worker

    # A client of our own: the rate limiter's storage exists only when rate limits are on.
    client = current_app.extensions.get(REDIS_EXTENSION)
    if client is None:
        client = current_app.extensions[REDIS_EXTENSION] = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except redis.RedisError as exc:
        log.warning("readiness: Redis unreachable: %s", exc.__class__.__name__)
        return False
