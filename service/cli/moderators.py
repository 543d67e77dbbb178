"""flask --app wsgi moderators create|list|password|deactivate|sites"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.services.administration import moderators

group = AppGroup("moderators", help="Moderator accounts: administrators (every site) and moderators (their sites).")


def _fail(exc: ServiceError) -> click.ClickException:
    details = "; ".join(f"{field}: {' '.join(msgs)}" for errors in (exc.errors or {}).values()
                        for field, msgs in errors.items())
    return click.ClickException(f"{exc.description} {details}".strip())


def _password(given: str | None) -> tuple[str, bool]:
    """(password, generated): the one given, one typed at a terminal, or a generated one."""
    if given:
        return given, False
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True), False
    return moderators.generate_password(), True


@group.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Administrator: every site, moderators, tokens and policies.")
@click.option("--site", "sites", multiple=True, help="A site this moderator moderates (repeatable).")
@click.option("--password", help="Without it: asked for at a terminal, otherwise generated and printed.")
def create(email: str, admin: bool, sites: tuple[str, ...], password: str | None) -> None:
    """Create a moderator account."""
    password, generated = _password(password)
    try:
        moderator = moderators.create_moderator(email, password, is_admin=admin, site_slugs=sites)
    except ServiceError as exc:
        raise _fail(exc) from None
    role = "administrator" if moderator.is_admin else "moderator of " + (", ".join(sites) or "no site yet")
    click.echo(f"Created {moderator.email} ({role}).")
    if generated:
        click.echo("Password (shown once):")
        click.echo(password)


@group.command("list")
def list_() -> None:
    """List moderator accounts."""
    for m in moderators.list_moderators():
        role = "admin" if m.is_admin else "moderator"
        state = "active" if m.active else "inactive"
        sites = ",".join(sorted(s.slug for s in m.sites)) or "-"
        click.echo(f"{m.id}\t{m.email}\t{role}\t{state}\t{sites}")


@group.command("password")
@click.argument("email")
@click.option("--password", help="Without it: asked for at a terminal, otherwise generated and printed.")
def password_(email: str, password: str | None) -> None:
    """Set a moderator's password; their sessions end."""
    password, generated = _password(password)
    try:
        moderators.set_password(moderators.get_moderator_by_email(email).id, password)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"Password of {email} changed; their sessions have ended.")
    if generated:
        click.echo("Password (shown once):")
        click.echo(password)


@group.command("sites")
@click.argument("email")
@click.option("--site", "sites", multiple=True, help="The moderator's sites from now on (repeatable).")
def sites_(email: str, sites: tuple[str, ...]) -> None:
    """Replace the sites a moderator moderates."""
    try:
        moderator = moderators.assign_sites(moderators.get_moderator_by_email(email).id, sites)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"{moderator.email} moderates: {', '.join(sites) or 'no site'}.")


@group.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop a moderator from logging in (their history stays)."""
    try:
        moderators.deactivate(moderators.get_moderator_by_email(email).id)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"Deactivated {email}; their sessions have ended.")
