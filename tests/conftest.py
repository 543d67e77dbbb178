"""Fixtures: an app on a database built by the migrations (SQLite by default, PostgreSQL when
TEST_DATABASE_URL says so), a client, a CLI runner, and clean tables after every test.

The suite runs in parallel (pytest-xdist). Each worker has a database of its own: its own
SQLite file, or on PostgreSQL a database named after TEST_DATABASE_URL's with the worker's id
appended, created at the start and dropped at the end; and a Redis database of its own.
"""

from __future__ import annotations

import contextlib
import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from werkzeug.routing.rules import Rule

from service import create_app
from service.config import TestConfig
from service.extensions import db

# "gw0", "gw1", ... under pytest-xdist; empty when the suite runs in one process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def worker_number() -> int:
    return int(XDIST_WORKER.removeprefix("gw") or 0)


def _redis_url_for_this_worker(url: str) -> str:
    """Counting down from the configured database number, so that workers never share keys."""
    base, _, number = url.rpartition("/")
    if not number.isdigit():
        base, number = url.rstrip("/"), "15"
    return f"{base}/{max(int(number) - worker_number(), 0)}"


# Set before the test modules are imported: they read TEST_REDIS_URL at import time.
os.environ["TEST_REDIS_URL"] = _redis_url_for_this_worker(
    os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def settings_for(database_url: str, **overrides) -> dict:
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return settings


def _postgres_database_for_this_worker(url: str):
    """The configured database itself without xdist; otherwise a fresh one beside it per worker.

    Yields the URL and drops the worker's database afterwards."""
    configured = sa.engine.make_url(url)
    if not XDIST_WORKER:
        yield url
        return
    with empty_postgres_database(url, f"{configured.database}_{XDIST_WORKER}") as fresh:
        yield fresh


@contextlib.contextmanager
def empty_postgres_database(url: str, name: str):
    """A new, empty database called `name` on `url`'s server, dropped on leaving."""
    server = sa.engine.make_url(url)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated to head once per session (per worker under xdist)."""
    if TEST_DATABASE_URL:
        databases = _postgres_database_for_this_worker(
            TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        url = next(databases)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        databases, url = iter(()), f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(settings_for(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    SHARED_DATABASES.add(url)
    yield url
    for engine in SHARED_ENGINES.values():
        engine.dispose()
    next(databases, None)


def _empty_tables() -> None:
    """Children before parents. On PostgreSQL, DELETE and rewinding the sequences costs under a
    millisecond where TRUNCATE (which rewrites every table's files) costs about thirty."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("; ".join(f"DELETE FROM {name}" for name in tables)))
            conn.execute(sa.text("SELECT setval(oid::regclass, 1, false) FROM pg_class"
                                 " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process, shared by every app the tests build. Each test
    has an app of its own, and compiling the queue's or the embed page's templates again cost
    30-100 ms a test. Jinja checks each entry against the template's source: an edited one recompiles."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def _share_url_builders() -> None:
    """Every app compiles a URL-building function per route, from generated Python source: 60% of
    the 25 ms an app takes to build, paid by nearly every test. The function depends only on the
    route's parsed parts and defaults (it reads the converters from the rule it is bound to), so
    the tests' apps share one per distinct route. Left alone if werkzeug's internals change."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return
    builders: dict = {}

    def shared(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


_share_url_builders()


# The test database of this process (see `database_url`) and the engines its apps share.
SHARED_DATABASES: set[str] = set()
SHARED_ENGINES: dict[str, sa.engine.Engine] = {}


def _share_engines() -> None:
    """One SQLAlchemy engine per set of engine options for the test database, whatever the
    number of apps. A new engine starts with an empty statement cache, and on PostgreSQL with new
    server processes that load their catalogs again: together 12-25 ms at the start of every
    test. The pooled connections stay open from test to test (with every table emptied). Apps on
    any other database (a test's own SQLite file) get an engine of their own, as usual."""
    make_engine = db._make_engine

    def shared(bind_key, options: dict, app):
        if str(options.get("url")) not in SHARED_DATABASES:
            return make_engine(bind_key, options, app)
        key = repr((bind_key, sorted((name, repr(value)) for name, value in options.items())))
        if key not in SHARED_ENGINES:
            SHARED_ENGINES[key] = make_engine(bind_key, options, app)
        return SHARED_ENGINES[key]

    db._make_engine = shared


_share_engines()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with extra settings; every table is emptied afterwards."""
    apps = []

    def factory(**overrides):
        overrides.setdefault("IP_HASH_KEY", "test-ip-key")
        app = create_app(settings_for(database_url, **overrides))
        app.instance_path = str(tmp_path / "instance")
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            db.session.remove()
            _empty_tables()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_collection_modifyitems(items) -> None:
    """The longest tests first: handed out early, they run beside the many short ones instead of
    keeping one worker busy after the others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# CI sets NO_SKIPS=1: a test skipped there means a component is missing, which is a failure.
_skipped: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    if os.environ.get("NO_SKIPS") == "1" and _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter) -> None:
    if os.environ.get("NO_SKIPS") == "1" and _skipped:
        terminalreporter.write_line(f"NO_SKIPS=1 and {len(_skipped)} test(s) skipped: failing the run.", red=True)
