"""Talking to the outside world for the outbox worker: signed webhook calls and SMTP mail.

Nothing here touches the database; `service/services/delivery/outbox.py` decides what to send, when,
and records what happened.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """How one delivery attempt went. `permanent` failures are not retried."""

    ok: bool
    status_code: int | None = None
    error: str | None = None
    permanent: bool = False


def describe(exc: BaseException) -> str:
    """A short, single-line account of an exception for the delivery log."""
    text = f"{type(exc).__name__}: {exc}".replace("\r", " ").replace("\n", " ")
    return text[:1000]
