"""Fixtures: an app on a database built by the migrations (SQLite by default, PostgreSQL when
TEST_DATABASE_URL says so), a client, a CLI runner, and clean tables after every test."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.config import TestConfig
from service.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def settings_for(database_url: str, **overrides) -> dict:
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    return settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated to head once per session."""
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(settings_for(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app with extra settings; every table is emptied afterwards."""
    apps = []

    def factory(**overrides):
        overrides.setdefault("IP_HASH_KEY", "test-ip-key")
        app = create_app(settings_for(database_url, **overrides))
        app.instance_path = str(tmp_path / "instance")
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


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
