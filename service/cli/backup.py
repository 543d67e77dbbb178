"""flask --app wsgi backup FILE: a consistent copy of a live SQLite database.

SQLite's online backup API copies the database page by page inside one read transaction, so
the copy is a snapshot of one moment even while the service keeps writing (WAL lets writers
go on meanwhile). The copy is written next to FILE and renamed into place only once it is
complete and passes `PRAGMA integrity_check`, so FILE is never a half-written backup.
PostgreSQL has its own tool; the command prints how to call it.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from service.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def command(file: Path, force: bool) -> None:
    """Copy the live SQLite database to FILE (for PostgreSQL, print the pg_dump command)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        click.echo(pg_dump_command(url, file))
        click.echo("PostgreSQL is backed up with pg_dump (above; the password comes from PGPASSWORD or "
                   "~/.pgpass) and restored with pg_restore. Nothing was written.", err=True)
        sys.exit(2)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(f"Cannot back up a {url.get_backend_name()} database with this command.")
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists; pass --force to replace it.")
    if file.resolve() == Path(url.database).resolve():
        raise click.ClickException("FILE is the live database itself.")
    pages, check = backup_sqlite(file)
    click.echo(f"Backed up {url.database} to {file}: {pages} pages, integrity check {check}.")


def backup_sqlite(target: Path) -> tuple[int, str]:
    """Copy the app's SQLite database to `target` atomically; (pages copied, integrity result)."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    raw = db.engine.raw_connection()
    try:
        destination = sqlite3.connect(partial)
        try:
            # pages=-1: everything in one step, one read snapshot; a stepwise copy restarts
            # whenever another connection writes, and may never finish under steady traffic.
            raw.driver_connection.backup(destination, pages=-1)
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            destination.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"The copy failed its integrity check ({check}); nothing was written.")
    os.replace(partial, target)
    return pages, check


def pg_dump_command(url, file: Path) -> str:
    """The pg_dump call for this database, without its password."""
    args = ["pg_dump", "--format=custom", "--no-owner", f"--file={file}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    args.append(f"--dbname={url.database}")
    return shlex.join(args)
