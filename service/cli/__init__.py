"""`flask --app wsgi ...` commands, one module per group.

The modules are imported when one of their commands runs (or `--help` lists them), never by a
web worker: importers, mail delivery and the worker loop have no place in a process that
serves requests.
"""

from __future__ import annotations

import importlib

import click
import sqlalchemy as sa
from flask import Flask

COMMANDS = {  # command name: (module in service.cli, attribute)
    "db": ("db", "group"),
    "sites": ("sites", "group"),
    "demo": ("demo", "group"),
    "policy": ("policy", "policy_group"),
    "moderation": ("policy", "moderation_group"),
    "articles": ("policy", "articles_group"),
    "moderators": ("moderators", "group"),
    "tokens": ("tokens", "group"),
    "history": ("history", "group"),
    "worker": ("worker", "worker"),
    "webhooks": ("worker", "webhooks_group"),
    "notify": ("worker", "notify_group"),
    "import": ("imports", "group"),
    "export": ("export", "command"),
    "privacy": ("privacy", "group"),
    "backup": ("backup", "command"),
    "subscriptions": ("subscriptions", "group"),
    "spam": ("spam", "group"),
}


class Deferred(click.Command):
    """Stands in for a command in the list; asked for its help or invoked, it hands over to it."""

    def __init__(self, name: str, module: str, attribute: str) -> None:
        super().__init__(name)
        self._where = (module, attribute)

    def _module(self):
        return importlib.import_module(f"service.cli.{self._where[0]}")

    def load(self) -> click.Command:
        return _explaining_missing_tables(getattr(self._module(), self._where[1]))

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.load().get_short_help_str(limit)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        module = self._module()
        if hasattr(module, "prepare"):  # a module may need the app set up first (`db` does)
            module.prepare(parent)
        return self.load().make_context(info_name, args, parent=parent, **extra)


UNMIGRATED = ("The database has no tables for this command yet: run `flask --app wsgi db upgrade` "
              "(it creates them, or brings an older database up to this version).")


def _missing_table(exc: sa.exc.DBAPIError) -> bool:
    """SQLite's "no such table", PostgreSQL's undefined_table."""
    return "no such table" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == "42P01"


def _explaining_missing_tables(command: click.Command) -> click.Command:
    """`command`, answering a database that was never migrated with one line that says what to
    run rather than a traceback. A group's subcommands run inside its invoke, so the group's
    wrapper covers them all."""
    if getattr(command, "explains_missing_tables", False):
        return command
    invoke = command.invoke

    def guarded(ctx: click.Context):
        try:
            return invoke(ctx)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            if _missing_table(exc):
                raise click.ClickException(UNMIGRATED) from None
            raise

    command.invoke = guarded
    command.explains_missing_tables = True
    return command


def init_app(app: Flask) -> None:
    for name, (module, attribute) in COMMANDS.items():
        app.cli.add_command(Deferred(name, module, attribute))


def main() -> None:
    """The `comments` console script: the same commands as `flask --app wsgi ...`, without
    --app, from any directory, and without activating the virtual environment."""
    from flask.cli import FlaskGroup

    from service import create_app

    FlaskGroup(name="comments", create_app=lambda: create_app(), set_debug_flag=False,
               help="The comment service's commands (the same as `flask --app wsgi ...`).")(prog_name="comments")
