"""flask --app wsgi spam status|train|evaluate|build-base: the learned spam filter."""

from __future__ import annotations

import csv
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from service.extensions import db
from service.models import SpamModelVersion, SpamTrainingRun
from service.moderation.policy import DEFAULT_POLICY
from service.moderation.spam_model import BASE_MODEL
from service.services.moderation import spam_filter
from service.services.moderation.decisions import screen_first_comment

group = AppGroup("spam", help="The learned spam filter: its model, training and evaluation.")


@group.command("status")
def status() -> None:
    """The model in service: version, when trained, on how many decisions, threshold, cross-validated figures."""
    version = spam_filter.current_version()
    model = spam_filter.load_model(version)
    if model is None:
        raise click.ClickException("No spam model: neither a trained one nor the shipped base model.")
    if model.version != version:
        click.echo(f"model {version} was trained on features this release no longer computes: the shipped base "
                   f"model serves until the next training run (the worker starts one as soon as there are enough "
                   f"moderator decisions, without waiting for new ones; `flask --app wsgi spam train` runs one now)")
        version = model.version
    meta = model.meta
    row = db.session.get(SpamModelVersion, version) if version else None
    click.echo(f"version: {version}{' (shipped base model)' if not version else ''}")
    click.echo(f"trained at: {row.trained_at.isoformat(timespec='seconds') if row else 'shipped with the package'}")
    click.echo(f"trained on moderator decisions: {row.n_decisions if row else 0}")
    click.echo(f"examples: {meta.get('examples')} ({meta.get('spam')} spam)")
    click.echo(f"threshold: {model.threshold:.4f}")
    table = meta.get("thresholds") or {}
    if table:
        click.echo("threshold by spam_max_false_holds: "
                   + ", ".join(f"{share} -> {value:.4f}" for share, value in table.items()))
    click.echo(f"features: {len(model.weights)}")
    click.echo(f"cross-validated: recall={meta.get('cv_recall')} false_holds={meta.get('cv_false_holds')} "
               f"auc={meta.get('cv_auc')}")
    last = db.session.execute(sa.select(SpamTrainingRun).order_by(SpamTrainingRun.id.desc()).limit(1)).scalar()
    if last is not None:
        outcome = ("did not finish: stopped, or still running" if last.finished_at is None
                   else "accepted" if last.accepted else "not accepted")
        click.echo(f"last training run: {last.started_at.isoformat(timespec='seconds')} ({outcome})"
                   + (f": {last.reason}" if last.reason else ""))
    new = spam_filter.decisions_since(last.started_at if last else None)
    every = current_app.config["SPAM_RETRAIN_EVERY"]
    when = (f"the worker retrains at {every}, at most once every {_duration(current_app.config['SPAM_RETRAIN_MIN_SECONDS'])}"
            if every > 0 else "the worker does not retrain: SPAM_RETRAIN_EVERY is 0")
    click.echo(f"new moderator decisions since {'the last training run' if last else 'the start'}: {new} ({when})")


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{seconds} seconds"


@group.command("train")
@click.option("--max-false-holds", default=0.02, show_default=True, type=click.FloatRange(0.001, 0.5),
              help="Share of legitimate comments the model's own threshold may hold (the one `spam status` "
                   "shows); each site holds by its own spam_max_false_holds, from the model's table.")
@click.option("--trigger", type=click.Choice(["command", "worker"]), default="command", hidden=True,
              help="Who started the run, as its record says (the worker starts it with 'worker').")
def train(max_false_holds: float, trigger: str) -> None:
    """Retrain on every site's moderator decisions; the new model replaces the current one only
    if it scores no worse on held-back decisions."""
    from service.spam import retrain  # scikit-learn: loaded only for this command

    result = retrain.train(trigger, max_false_holds=max_false_holds)
    click.echo(result.reason)
    if result.model_id:
        click.echo(f"Model version {result.model_id} is in service.")


@group.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate(file: Path) -> None:
    """Run every row of FILE (CSV: CONTENT, CLASS, optional AUTHOR, WEBSITE, EMAIL, PAGE_URL)
    through a submission's decision with the default policy and the model in service; prints
    recall and false holds."""
    from service.spam.data import blog_examples, corpus, read_csv

    try:
        examples = read_csv(file)
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{file.name} is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8 CSV") from None
    except (ValueError, OSError, csv.Error) as exc:
        raise click.ClickException(str(exc)) from None
    model = spam_filter.current_model()
    if model is not None:
        click.echo(f"model: version {model.version}{' (shipped base model)' if not model.version else ''}, "
                   f"threshold {model.threshold_for(DEFAULT_POLICY.spam_max_false_holds):.4f}")
    shipped = {e.body for rows in corpus().values() for e in rows} | {e.body for e in blog_examples()}
    seen = sum(e.body in shipped for e in examples)
    if seen:
        click.echo(f"note: {seen} of these {len(examples)} rows are in the data every model is trained on "
                   f"(service/spam/data/): the figures below say how it fits them, not how it judges comments "
                   f"it has not seen (`make eval` measures that, across sources)")
    held = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for example in examples:
        decision = screen_first_comment(example.submission(), model, DEFAULT_POLICY, example.page_url)
        total[example.spam] += 1
        held[example.spam] += decision.status != "approved"
    recall = held[True] / total[True] if total[True] else 0.0
    false = held[False] / total[False] if total[False] else 0.0
    click.echo(f"rows: {len(examples)} ({total[True]} spam, {total[False]} legitimate)")
    click.echo(f"recall={recall:.4f} false_holds={false:.4f}")


@group.command("build-base")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=BASE_MODEL, show_default=True)
def build_base(output: Path) -> None:
    """Rebuild the shipped base model from the data in service/spam/data/."""
    from service.spam import retrain

    model = retrain.build_base()
    output.write_bytes(model.to_bytes())
    click.echo(f"Wrote {output} ({len(model.weights)} features, threshold {model.threshold:.4f}, "
               f"cv recall {model.meta['cv_recall']}, false holds {model.meta['cv_false_holds']}).")
