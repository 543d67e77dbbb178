"""flask --app wsgi tokens create|list|revoke"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.services.administration import tokens

group = AppGroup("tokens", help="API tokens for the moderation API (Authorization: Bearer TOKEN).")


@group.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator's token: every site.")
@click.option("--site", "sites", multiple=True, help="A site the token may moderate (repeatable).")
def create(name: str, admin: bool, sites: tuple[str, ...]) -> None:
    """Create a token. It is printed once, alone on the last line, and stored only as a hash."""
    try:
        token, plaintext = tokens.create_token(name, is_admin=admin, site_slugs=sites)
    except ServiceError as exc:
        details = "; ".join(" ".join(m) for errors in (exc.errors or {}).values() for m in errors.values())
        raise click.ClickException(f"{exc.description} {details}".strip()) from None
    scope = "every site (admin)" if admin else ", ".join(sites)
    click.echo(f"Created token {token.id} {token.name!r} for {scope}. It is shown once; keep it now:")
    click.echo(plaintext)


@group.command("list")
def list_() -> None:
    """List tokens (never their values)."""
    for t in tokens.list_tokens():
        scope = "admin" if t.is_admin else ",".join(sorted(s.slug for s in t.sites))
        used = t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "never used"
        state = f"revoked {t.revoked_at.isoformat(timespec='minutes')}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.name}\t{scope}\t{state}\t{used}")


@group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id (see `tokens list`)."""
    try:
        token = tokens.revoke_token(token_id)
    except ServiceError as exc:
        raise click.ClickException(exc.description) from None
    click.echo(f"Revoked token {token.id} {token.name!r}.")
