"""A command run against a database that was never migrated says what to run, in one line,
instead of ending in a traceback, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service import create_app
from service.cli import UNMIGRATED
from service.extensions import db
from tests.conftest import XDIST_WORKER, empty_postgres_database, settings_for


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    configured = sa.engine.make_url(database_url)
    if configured.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'never-migrated.db'}"
        return
    with empty_postgres_database(database_url, f"{configured.database}_unmigrated_{XDIST_WORKER or 'main'}") as url:
        yield url


@pytest.fixture
def unmigrated_app(empty_database_url):
    app = create_app(settings_for(empty_database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # before the database is dropped


@pytest.mark.parametrize("args", [["spam", "status"], ["sites", "list"], ["history", "purge", "--older-than-days", "30"],
                                  ["moderators", "list"]])
def test_a_command_on_a_database_never_migrated_says_to_upgrade_it(unmigrated_app, args):
    result = unmigrated_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1, result.output
    assert UNMIGRATED in result.output and isinstance(result.exception, SystemExit)  # a message, not a crash


def test_other_database_errors_are_not_taken_for_a_missing_table(unmigrated_app):
    with unmigrated_app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE site (id INTEGER PRIMARY KEY)"))  # a table, but not this version's
    result = unmigrated_app.test_cli_runner().invoke(args=["sites", "list"])
    assert result.exit_code == 1 and UNMIGRATED not in result.output
    assert isinstance(result.exception, sa.exc.DBAPIError)
