"""flask --app wsgi demo setup: what `make run` needs on a fresh database."""

from __future__ import annotations

import hashlib
import hmac

import click
from flask import current_app
from flask.cli import AppGroup

from service.errors import NotFound
from service.services.administration import moderators, sites

group = AppGroup("demo", help="The demo site and moderator that `make run` serves.")

DEMO_EMAIL = "demo@example.org"


def demo_password() -> str:
    """The demo moderator's password: derived from this instance's secret key, so that every
    `make run` prints the same one without keeping it anywhere, and nobody can guess it."""
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), b"demo-moderator-password", hashlib.sha256)
    return mac.hexdigest()[:20]


def _ensure_moderator() -> str:
    """The password to print: the derived one, unless someone changed it since."""
    password = demo_password()
    try:
        moderators.get_moderator_by_email(DEMO_EMAIL)
    except NotFound:
        moderators.create_moderator(DEMO_EMAIL, password, is_admin=True)
        click.echo(f"Created the demo administrator {DEMO_EMAIL}.")
        return password
    if moderators.authenticate(DEMO_EMAIL, password) is None:
        return "(changed since it was created; set one with `comments moderators password demo@example.org`)"
    return password


@group.command("setup")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where the service is served.")
def setup(url: str) -> None:
    """Create the `demo` site and an administrator if there are none, and print the URLs to
    open with the administrator's email and password (development only)."""
    if current_app.config.get("SERVICE_ENV") == "production" or not current_app.config.get("DEMO_ENABLED"):
        raise click.ClickException("The demo is for development: it is off with SERVICE_ENV=production "
                                   "or DEMO_ENABLED=false, and creates no account there.")
    try:
        sites.get_site("demo")
    except NotFound:
        sites.create_site("demo", "Demo blog")
        click.echo("Created the demo site.")
    password = _ensure_moderator()
    click.echo(f"""
  Demo blog:        {url}/demo/
  Embed page:       {url}/embed/demo?article=/demo/welcome
  API docs:         {url}/api/v1/docs   (OpenAPI: {url}/api/v1/openapi.json)
  Moderator queue:  {url}/moderate/
                    email: {DEMO_EMAIL}
                    password: {password}
""")
