"""`flask db ...`: Flask-Migrate's own commands, bound to the app when one of them runs.

Alembic (with Mako and Pygments) costs a process about 11 MiB, and a web worker never
migrates: this module is imported only by the `db` command (deferred like every command, see
service/cli/__init__.py) and by `create_app` in a process that has already imported
Flask-Migrate (tests and scripts calling `flask_migrate.upgrade()` in an app context).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo
from flask_migrate import Migrate
from flask_migrate.cli import db as group  # noqa: F401  (the command service.cli registers)

from service.extensions import db
from service.ops.readiness import MIGRATIONS


def bind(app: Flask) -> None:
    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


def prepare(parent: click.Context) -> None:
    """Called before the command runs: its subcommands read the app's Flask-Migrate settings."""
    bind(parent.ensure_object(ScriptInfo).load_app())
