"""flask --app wsgi privacy export|erase EMAIL"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.services.administration import privacy

group = AppGroup("privacy", help="What is stored about an email address: export it, or erase it.")


@group.command("export")
@click.argument("email")
def export(email: str) -> None:
    """Print, as JSON, everything stored about EMAIL: comments on every site with their history,
    blocks, a moderator account, queued mail."""
    click.echo(json.dumps(privacy.export(email), ensure_ascii=False, indent=2))


@group.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--keep-blocks", is_flag=True,
              help="Keep blocks on this address (an abuser asking for erasure stays blocked).")
def erase(email: str, yes: bool, keep_blocks: bool) -> None:
    """Erase EMAIL: its comments become deleted and anonymous (counters stay exact), blocks on it
    are removed, queued mail and webhook payloads lose it."""
    email = privacy.normalize(email)
    if not email:
        raise click.ClickException("Give the email address to erase.")
    if not yes:
        click.confirm(f"Erase everything stored about {email}? This cannot be undone", abort=True)
    try:
        summary = privacy.erase(email, keep_blocks=keep_blocks)
    except ServiceError as exc:  # a moderator changed one of the comments meanwhile: nothing was erased
        raise click.ClickException(f"{exc.description} Nothing was erased; run the command again.") from None
    by_status = ", ".join(f"{n} {status}" for status, n in sorted(summary.comments.items())) or "none"
    click.echo(f"Erased {email}:")
    click.echo(f"  comments deleted and anonymized: {summary.total} ({by_status})")
    click.echo(f"  moderation events with the address cut out: {summary.events_scrubbed}")
    if keep_blocks:
        click.echo(f"  blocks on the address kept: {summary.blocks_kept}")
    else:
        click.echo(f"  blocks on the address removed: {summary.blocks_removed}")
    click.echo(f"  outbox messages (mail, webhooks) with the address cut out: {summary.outbox_scrubbed}")
    click.echo(f"  mail confirmations and thread subscriptions removed: {summary.reader_mail_removed}")
    if summary.moderator_id is not None:
        click.echo(f"  a moderator account ({summary.moderator_id}) uses this address and was left as it is: "
                   "remove it with the moderators commands if it should go too.")
