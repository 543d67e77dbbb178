"""flask --app wsgi subscriptions purge --older-than-days N"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.services.delivery import reader_records

group = AppGroup("subscriptions", help="Readers' thread subscriptions and confirmed addresses.")


@group.command("purge")
@click.option("--older-than-days", "days", type=click.IntRange(min=reader_records.MIN_UNCONFIRMED_DAYS),
              default=30, show_default=True, help="Forget requests left unconfirmed this long.")
def purge(days: int) -> None:
    """Delete thread subscriptions and address records whose address was never confirmed (from
    cron, for instance daily). Confirmed ones stay until their reader unsubscribes or is erased."""
    result = reader_records.purge_unconfirmed(days)
    click.echo(f"Purged {result['subscriptions']} unconfirmed subscriptions and "
               f"{result['confirmations']} unconfirmed addresses.")
