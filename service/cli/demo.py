"""flask --app wsgi demo setup: what `make run` needs on a fresh database."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.errors import NotFound
from service.services.administration import sites

group = AppGroup("demo", help="The demo site that `make run` serves.")


@group.command("setup")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where the service is served.")
def setup(url: str) -> None:
    """Create the `demo` site if there is none, and print the URLs to open."""
    try:
        sites.get_site("demo")
    except NotFound:
        sites.create_site("demo", "Demo blog")
        click.echo("Created the demo site.")
    click.echo(f"""
  Demo blog:        {url}/demo/
  Embed page:       {url}/embed/demo?article=/demo/welcome
  API docs:         {url}/api/v1/docs   (OpenAPI: {url}/api/v1/openapi.json)
  Moderator queue:  {url}/moderate/
""")
