"""flask --app wsgi sites create|list"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.embed.settings import configure_site
from service.errors import ServiceError
from service.services.administration import sites

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


@group.command("configure")
@click.argument("slug")
@click.option("--language", help="The widget's language (a catalogue in service/embed/messages).")
@click.option("--order", type=click.Choice(["oldest", "newest", "top"]), help="Which comments come first.")
@click.option("--reply-depth", type=int, help="How deep replies nest (1-6; default 3).")
@click.option("--theme", "theme", multiple=True, metavar="NAME=VALUE",
              help="A theme property, e.g. accent=#c00 or dark-bg=#111 (repeatable).")
@click.option("--reset-theme", is_flag=True, help="Drop the stored theme before applying --theme.")
def configure(slug: str, language: str | None, order: str | None, reply_depth: int | None,
              theme: tuple[str, ...], reset_theme: bool) -> None:
    """Set a site's widget settings: language, order, reply depth, theme."""
    pairs = dict(item.partition("=")[::2] for item in theme)
    changes = {"language": language, "order": order, "reply_depth": reply_depth, "theme": pairs or None}
    try:
        settings = configure_site(slug, changes, reset_theme=reset_theme)
    except ServiceError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in ((exc.errors or {}).get("json") or {}).items())
        raise click.ClickException(f"{exc.description} {details}".strip()) from None
    click.echo(f"Widget settings of {slug!r}: {settings}")
