"""flask --app wsgi export SLUG > site.json"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from service.errors import ServiceError
from service.importers.json_format import export_site


@click.command("export")
@click.argument("slug")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@with_appcontext
def command(slug: str, output: str | None) -> None:
    """Write a site's articles and comments as JSON (for `flask --app wsgi import json`)."""
    try:
        if output:
            with open(output, "w", encoding="utf-8") as out:
                counts = export_site(slug, out)
        else:
            counts = export_site(slug, sys.stdout)
            sys.stdout.flush()
    except ServiceError as exc:
        raise click.ClickException(exc.description) from None
    click.echo(f"Exported {counts['articles']} articles and {counts['comments']} comments.", err=True)
