"""flask --app wsgi history purge --older-than-days N"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.services.moderation import history

group = AppGroup("history", help="The moderation history (audit log).")


@group.command("purge")
@click.option("--older-than-days", "days", type=click.IntRange(min=history.MIN_RETENTION_DAYS), required=True,
              help="Retention: what is older than this many days goes.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation at a terminal.")
def purge(days: int, yes: bool) -> None:
    """Delete deleted comments and history events older than the retention. The latest
    status event of every remaining comment is kept: it says why the comment is where it is."""
    if not yes and sys.stdin.isatty():
        click.confirm(f"Permanently delete history and deleted comments older than {days} days?", abort=True)
    try:
        result = history.purge(days)
    except ServiceError as exc:
        raise click.ClickException(exc.description) from None
    click.echo(f"Purged {result['comments']} deleted comments and {result['events']} events.")
