"""flask --app wsgi worker | webhooks add|list|remove|deliveries | notify digest|set

`worker` drains the outbox: webhook calls and notification mail written by requests in their
own transactions, and when idle starts a retraining of the spam model once enough moderator
decisions came in (see service/services/delivery/outbox.py for why a table and a worker command
rather than a thread in each web process). The training runs in a process of its own, `flask spam
train`: deliveries go on meanwhile (a run takes up to about a minute with SPAM_TRAIN_LABELS
decisions of each kind), and the hundreds of MiB it takes go back to the system when it ends.
Run one or more next to the web processes; stop them with SIGTERM, and the attempt in progress
finishes first.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import click
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from sqlalchemy.exc import OperationalError

from service.errors import ServiceError
from service.extensions import db
from service.services.delivery import digest, outbox, webhooks
from service.services.moderation import spam_filter
from service.services.administration.sites import get_site

log = logging.getLogger(__name__)


def _fail(exc: ServiceError) -> click.ClickException:
    details = "; ".join(f"{field}: {' '.join(msgs)}" for errors in (exc.errors or {}).values()
                        for field, msgs in errors.items())
    return click.ClickException(f"{exc.description} {details}".strip())


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now (and retrain the spam model if due), then exit.")
@click.option("--poll", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds between looks at the outbox when it is empty.")
@with_appcontext
def worker(once: bool, poll: float) -> None:
    """Deliver webhook calls and notification mail from the outbox, retrying with backoff."""
    if once:
        report = outbox.drain()
        db.session.remove()
        _retrain_spam_model_if_due()
        click.echo(f"Delivered {report.delivered}, retrying later {report.retrying}, failed {report.failed}.")
        return
    stop = threading.Event()

    def _stop(signum, _frame) -> None:
        log.info("Signal %s: stopping after the current delivery", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"Worker draining the outbox every {poll:g} s; SIGTERM or Ctrl-C stops it.")
    trainer = Trainer(_app_import_path())
    while not stop.is_set():
        try:
            report = outbox.drain(stop=stop)
            webhooks.purge_removed_webhooks()
        except OperationalError:  # the database is restarting or unreachable: wait, then retry
            log.exception("Outbox drain failed; retrying in %s s", poll)
            report = outbox.DrainReport()
        finally:
            db.session.remove()
        if report.attempted:
            log.info("Outbox: %s delivered, %s retrying, %s failed", report.delivered, report.retrying,
                     report.failed)
        else:
            trainer.start_if_due()
            stop.wait(poll)
    trainer.stop()
    click.echo("Worker stopped.")


def _app_import_path() -> str:
    """How this command found the app (`--app` or FLASK_APP), for the training to find it alike."""
    info = click.get_current_context().find_object(ScriptInfo)
    return (info.app_import_path if info is not None else None) or "wsgi"


class Trainer:
    """A due training of the spam model, run as `flask spam train` in a process of its own."""

    def __init__(self, app_import_path: str) -> None:
        self.command = [sys.executable, "-m", "flask", "--app", app_import_path, "spam", "train", "--trigger",
                        "worker"]
        self.process: subprocess.Popen | None = None

    def start_if_due(self) -> None:
        if self.process is not None:
            code = self.process.poll()
            if code is None:
                return  # still training
            if code != 0:
                log.warning("Spam model training exited with status %s (`spam status` says why)", code)
            self.process = None
        try:
            due = spam_filter.training_due()
        except OperationalError:  # the database is away: the next look asks again
            log.exception("Could not tell whether a spam model training is due")
            due = False
        finally:
            db.session.remove()
        if due:
            log.info("Starting a spam model training: %s", " ".join(self.command))
            try:
                self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL)
            except OSError:  # no process to be had now (memory, limits): deliveries go on, the next look retries
                log.exception("Could not start the spam model training")

    def stop(self) -> None:
        """A run stopped here is recorded as one that did not finish; the next one starts over."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _retrain_spam_model_if_due() -> None:
    """`--once`: retrain the spam model in this process after SPAM_RETRAIN_EVERY new moderator
    decisions, at most once per SPAM_RETRAIN_MIN_SECONDS (scikit-learn is loaded on first use)."""
    from service.spam import retrain

    try:
        retrain.train_if_due()
    except Exception:  # a failed training must not stop mail and webhooks; the next due run retries
        log.exception("Spam model training failed")
        db.session.rollback()
    finally:
        db.session.remove()


webhooks_group = AppGroup("webhooks", help="A site's webhooks: signed JSON calls on comment events.")


@webhooks_group.command("add")
@click.argument("site")
@click.argument("url")
@click.option("--event", "events", multiple=True, help="An event to send (repeatable; default: all).")
@click.option("--secret", help="The signing secret; without it one is generated and printed once.")
def add(site: str, url: str, events: tuple[str, ...], secret: str | None) -> None:
    """Register URL to receive SITE's events."""
    try:
        hook = webhooks.create_webhook(get_site(site), url, events, secret)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"Added webhook {hook.id} for {site}: {hook.url} ({', '.join(hook.events)}).")
    if not secret:
        click.echo("Signing secret (shown once; the receiver verifies X-Comments-Signature with it):")
        click.echo(hook.secret)


@webhooks_group.command("list")
@click.argument("site")
def list_(site: str) -> None:
    """List SITE's webhooks (never their secrets)."""
    try:
        hooks = webhooks.list_webhooks(get_site(site))
    except ServiceError as exc:
        raise _fail(exc) from None
    for hook in hooks:
        state = "active" if hook.active else "inactive"
        click.echo(f"{hook.id}\t{hook.url}\t{','.join(hook.events)}\t{state}")


@webhooks_group.command("remove")
@click.argument("webhook_id", type=int)
def remove(webhook_id: int) -> None:
    """Remove a webhook by its id (see `webhooks list`), with its queued deliveries."""
    try:
        hook = webhooks.delete_webhook(webhook_id)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"Removed webhook {hook.id} ({hook.url}).")


@webhooks_group.command("deliveries")
@click.argument("site")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def deliveries(site: str, limit: int) -> None:
    """The delivery log: SITE's latest webhook deliveries, newest first, one line per attempt."""
    try:
        rows = webhooks.deliveries(get_site(site), limit)
    except ServiceError as exc:
        raise _fail(exc) from None
    for row in rows:
        m = row.message
        click.echo(f"{m.id}\t{m.event}\twebhook {m.webhook_id}\t{m.status}\t{m.attempts} attempt(s)"
                   f"\t{m.created_at.isoformat(timespec='seconds')}")
        for a in row.attempts:
            outcome = f"HTTP {a.status_code}" if a.status_code else (a.error or "")
            click.echo(f"\t{a.attempted_at.isoformat(timespec='seconds')}\t{outcome}\t{a.duration_ms} ms")


notify_group = AppGroup("notify", help="Moderators' notification mail.")


@notify_group.command("digest")
@click.option("--every", "hours", default=24.0, show_default=True, type=click.FloatRange(1, 24 * 31),
              help="Hours between two digests to one moderator.")
def send_digest(hours: float) -> None:
    """Queue one digest of what waits for review to each moderator whose setting is "digest"
    (run it from cron, hourly or daily; the worker sends the mail)."""
    try:
        queued = digest.queue_digests(timedelta(hours=hours))
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"Queued {len(queued)} digest(s)" + (": " + ", ".join(queued) if queued else "."))


@notify_group.command("set")
@click.argument("email")
@click.argument("choice", type=click.Choice(digest.NOTIFY_CHOICES))
def set_(email: str, choice: str) -> None:
    """How a moderator hears about held and reported comments: immediate, digest or off."""
    try:
        moderator = digest.set_notify(email, choice)
    except ServiceError as exc:
        raise _fail(exc) from None
    click.echo(f"{moderator.email}: {moderator.notify}.")
