"""`flask db ...`: Flask-Migrate's commands, with Alembic imported only when one of them runs.

Alembic (with Mako and Pygments) costs a process about 11 MiB, and a web worker never
migrates, so building the app does not import it. The `db` group below loads Flask-Migrate's
commands on first use and binds Flask-Migrate to the app then; `create_app` binds it at once in
a process that has already imported Flask-Migrate (tests and scripts calling
`flask_migrate.upgrade()` in an app context).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo

from service.extensions import db
from service.ops.readiness import MIGRATIONS


def bind(app: Flask) -> None:
    from flask_migrate import Migrate

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `db` group in the command list; invoked, it hands over to it."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        bind(parent.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


group = MigrationCommands("db", help="Database migrations (Alembic, through Flask-Migrate).")
