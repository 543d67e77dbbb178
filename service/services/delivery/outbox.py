"""The outbox worker's logic: claim due messages, deliver them, log every attempt, retry later.

Why an outbox table drained by a worker command, not a delivery thread in each web process:
- an event is a row written in the same transaction as the change it describes, so it
  survives a crash or a restart of any process and is never sent for a change rolled back;
- the request that caused it only inserts that row: no network call, no slower response;
- claims are leases taken with a conditional UPDATE (and `FOR UPDATE SKIP LOCKED` on
  PostgreSQL), so any number of workers on any number of machines make exactly one delivery
  attempt at a time for each message, and a worker that dies mid-attempt only delays it until
  its lease runs out;
- web processes come and go with the load (gunicorn recycles them); a delivery thread in each
  would multiply the work and die with them.

Delivery is at least once: receivers deduplicate on the `X-Comments-Delivery` header.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.delivery import Result, describe, mail, webhooks
from service.extensions import db
from service.models import DeliveryAttempt, OutboxMessage, Webhook, utcnow
from service.services.delivery import outgoing_mail

# Waits after the 1st, 2nd, ... failed attempt; one more failure after the last gives up.
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
JITTER = 0.25  # up to 25 % more, so messages that failed together do not retry together
LEASE = timedelta(minutes=5)  # far longer than one attempt can take (timeouts are 10-15 s)
BATCH = 20

log = logging.getLogger(__name__)


@dataclass
class DrainReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    base = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]
    return timedelta(seconds=base * (1 + random.uniform(0, JITTER)))


def claim(now: datetime, size: int = BATCH) -> list[tuple[int, int]]:
    """Take up to `size` due messages: (id, attempt number) for each one this worker now owns.

    The claim bumps `attempts` and moves `next_attempt_at` to the end of a lease; the UPDATE
    only matches a row still due with the attempt count read, so of two workers reading the
    same row only one takes it. The attempt number then fences the result: a worker whose
    lease ran out (and whose message another worker took over) cannot overwrite the outcome.
    """
    query = (sa.select(OutboxMessage.id, OutboxMessage.attempts)
             .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(size))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for message_id, attempts in db.session.execute(query).all():
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                   OutboxMessage.attempts == attempts, OutboxMessage.next_attempt_at <= now)
            .values(attempts=attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append((message_id, attempts + 1))
    db.session.commit()
    return claimed


def drain(now: datetime | None = None, stop: threading.Event | None = None, limit: int = 10_000) -> DrainReport:
    """Deliver every message due at `now` (default: the current time) and return.

    Failed messages are rescheduled after `now`, so one drain tries each message once.
    """
    report = DrainReport()
    while report.attempted < limit and not (stop and stop.is_set()):
        moment = now or utcnow()
        batch = claim(moment)
        if not batch:
            break
        for message_id, attempt in batch:
            outcome = deliver_one(message_id, attempt, moment)
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def deliver_one(message_id: int, attempt: int, now: datetime) -> str:
    """Make the attempt this worker claimed; "delivered", "retrying" or "failed"."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:  # its webhook or site was deleted meanwhile
        db.session.rollback()
        return "failed"
    try:
        send = _prepare(message)
    except Exception as exc:  # a message that cannot even be built is not worth retrying
        log.exception("Outbox message %s cannot be prepared", message_id)
        send = Result(ok=False, error=describe(exc), permanent=True)
    db.session.rollback()  # no transaction stays open while we wait on the network
    started = utcnow()
    if isinstance(send, Result):
        result = send
    else:
        try:
            result = send()
        except Exception as exc:  # a bug in one delivery must not stop the worker
            log.exception("Outbox message %s failed unexpectedly", message_id)
            result = Result(ok=False, error=describe(exc))
    elapsed_ms = int((utcnow() - started).total_seconds() * 1000)
    return _record(message_id, attempt, now, result, elapsed_ms)


def _prepare(message: OutboxMessage):
    """A callable that makes the attempt, or a Result when there is nothing to attempt."""
    if message.kind == "webhook":
        hook = db.session.get(Webhook, message.webhook_id) if message.webhook_id else None
        if hook is None or not hook.active:
            return Result(ok=False, error="The webhook was disabled.", permanent=True)
        url, secret, delivery = hook.url, hook.secret, message.id
        event, payload = message.event, dict(message.payload)
        return lambda: webhooks.deliver(url, secret, event, delivery, payload)
    if message.kind == "email":
        built = outgoing_mail.prepare(message)
        if isinstance(built, Result):
            return built
        return lambda: mail.send(built)
    return Result(ok=False, error=f"Unknown kind of message {message.kind!r}.", permanent=True)


def _record(message_id: int, attempt: int, now: datetime, result: Result, elapsed_ms: int) -> str:
    """Log the attempt and settle the message, unless another worker took it over."""
    if result.ok:
        outcome, values = "delivered", {"status": "delivered", "delivered_at": utcnow(), "last_error": None}
    elif result.permanent or attempt >= MAX_ATTEMPTS:
        outcome, values = "failed", {"status": "failed", "last_error": result.error}
    else:
        outcome, values = "retrying", {"next_attempt_at": now + backoff(attempt), "last_error": result.error}
    try:
        db.session.add(DeliveryAttempt(message_id=message_id, attempted_at=utcnow(),
                                       status_code=result.status_code, error=result.error,
                                       duration_ms=max(elapsed_ms, 0)))
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                   OutboxMessage.attempts == attempt)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except IntegrityError:  # the message went with its webhook or site while we were sending
        db.session.rollback()
        return "failed"
    if outcome != "delivered":
        log.warning("Outbox message %s attempt %s: %s", message_id, attempt, result.error)
    return outcome


def pending_count() -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    ).scalar_one()
