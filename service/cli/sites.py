"""flask --app wsgi sites create|list"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.services import sites

group = AppGroup("sites", help="Create and list the sites (blogs) this instance serves.")


@group.command("create")
@click.argument("slug")
@click.option("--name", help="Display name (defaults to the slug).")
@click.option("--origin", "origins", multiple=True,
              help="An origin whose pages embed the comments, e.g. https://blog.example (repeatable).")
@click.option("--moderation", type=click.Choice(["pre", "post", "first-time"]), default="post",
              show_default=True, help="pre: every comment is reviewed; post: published unless a rule objects.")
def create(slug: str, name: str | None, origins: tuple[str, ...], moderation: str) -> None:
    """Create a site."""
    try:
        site = sites.create_site(slug, name, origins, moderation)
    except ServiceError as exc:
        raise click.ClickException(exc.description) from None
    click.echo(f"Created site {site.slug!r} ({site.name}), moderation {moderation}.")


@group.command("list")
def list_() -> None:
    """List sites."""
    for site in sites.list_sites():
        origins = ", ".join(site.origins or []) or "any origin"
        mode = (site.policy or {}).get("mode", "post")
        click.echo(f"{site.slug}\t{site.name}\t{mode}\t{origins}")
