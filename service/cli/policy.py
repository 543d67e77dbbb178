"""flask --app wsgi policy show|set, moderation backtest|dry-run, articles set"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from service.errors import ServiceError
from service.extensions import db
from service.services.moderation import policies
from service.services.comments.articles import get_or_create_article
from service.services.moderation.backtest import backtest
from service.services.administration.sites import get_site

policy_group = AppGroup("policy", help="Show and set a site's moderation policy.")
moderation_group = AppGroup("moderation", help="Try policies without changing anything.")
articles_group = AppGroup("articles", help="Per-article overrides.")


def _site(slug: str):
    try:
        return get_site(slug)
    except ServiceError as exc:
        raise click.ClickException(exc.description) from None


def _read_policy_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"Cannot read {path}: {exc}") from None


def _validated(data: dict):
    try:
        return policies.validate_policy(data)
    except ServiceError as exc:
        raise click.ClickException(f"{exc.description}\n{json.dumps(exc.errors, indent=2)}") from None


@policy_group.command("show")
@click.argument("site")
def show(site: str) -> None:
    """Print the site's effective policy as JSON (defaults included)."""
    click.echo(json.dumps(policies.get_policy(_site(site)), indent=2, ensure_ascii=False))


@policy_group.command("set")
@click.argument("site")
@click.argument("file", type=click.Path(dir_okay=False))
def set_(site: str, file: str) -> None:
    """Replace the site's policy with FILE.json (keys left out take their defaults)."""
    target = _site(site)
    data = _read_policy_file(file)
    _validated(data)
    policies.set_policy(target, data)
    click.echo(f"Policy of {target.slug!r} updated ({len(data)} keys set).")


@moderation_group.command("backtest")
@click.argument("site")
@click.argument("file", type=click.Path(dir_okay=False))
def backtest_(site: str, file: str) -> None:
    """Re-evaluate SITE's stored comments under the policy in FILE.json; change nothing."""
    target = _site(site)
    report = backtest(target, _validated(_read_policy_file(file)))
    click.echo(f"{report.total} comments evaluated, {report.changed} would change status "
               f"(status now -> what this policy decides).")
    for (old, new), n in sorted(report.moves.items()):
        marker = "  " if old == new else "->"
        click.echo(f"  {old:>9} {marker} {new:<9} {n}")
    if report.rules:
        click.echo("Rules that fired: " + ", ".join(f"{code} ({n})" for code, n in report.rules.most_common()))
    for (old, new), items in sorted(report.examples.items()):
        click.echo(f"Examples {old} -> {new}:")
        for comment_id, excerpt, reasons in items:
            click.echo(f"  #{comment_id} {excerpt!r}" + (f": {' '.join(reasons)}" if reasons else " (no rule objects)"))


@moderation_group.command("dry-run")
@click.argument("site")
@click.option("--author", default="Reader", show_default=True)
@click.option("--email")
@click.option("--website")
@click.argument("body")
def dry_run(site: str, author: str, email: str | None, website: str | None, body: str) -> None:
    """Show what the rules decide for BODY; store nothing."""
    result = policies.dry_run(_site(site), {"body": body, "author": author, "email": email, "website": website})
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@articles_group.command("set")
@click.argument("site")
@click.argument("article")
@click.option("--mode", type=click.Choice(["pre", "post", "first-time", "site"]),
              help="Moderation mode for this article only ('site' removes the override).")
@click.option("--closed/--open", default=None, help="Close or reopen comments on this article.")
def set_article(site: str, article: str, mode: str | None, closed: bool | None) -> None:
    """Override the moderation mode of one article, or close/reopen it."""
    record = get_or_create_article(_site(site), article)
    if mode is not None:
        record.mode = None if mode == "site" else mode
    if closed is not None:
        record.closed = closed
    db.session.commit()
    click.echo(f"{article}: mode {record.mode or 'as the site'}, {'closed' if record.closed else 'open'}.")
