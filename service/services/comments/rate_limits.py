"""Submission rate limits per client address and per email, from the site's policy.

Counted in Flask-Limiter's storage: process memory by default, Redis when REDIS_URL is set,
so that every process of a deployment shares the same counts.

When Redis does not answer, a reader's comment must not fail for it: each process then counts
alone, in its own memory (a limit of 5 a minute becomes 5 per process, as without Redis), logs
a warning once, counts every check made that way in `comment_service_rate_limit_memory_checks`,
and asks Redis again every RECHECK_SECONDS, returning to the shared counts as soon as it answers.
(Flask-Limiter's own in-memory fallback does the same for the limits on routes: moderator login,
reader reports, previews.)
"""

from __future__ import annotations

import logging
import math
import sys
import time
from threading import Lock

from flask import current_app
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage

from service.errors import TooManyRequests
from service.extensions import limiter
from service.moderation.policy import Policy
from service.ops.metrics import count_memory_limit_check

RECHECK_SECONDS = 5.0
EXTENSION = "service_submission_limits"
log = logging.getLogger(__name__)


class Fallback:
    """This process's memory counts, used while the shared store does not answer."""

    def __init__(self) -> None:
        self.since: float | None = None  # monotonic time the shared store stopped answering
        self.retry_at = 0.0
        self.counter = None
        self.lock = Lock()
        self._shared = None

    def shared(self):
        """A counter on the configured store itself: Flask-Limiter's `limiter.limiter` switches to
        its own memory counts after a failure and back only when a limited route is hit."""
        storage = limiter.storage
        if self._shared is None or self._shared.storage is not storage:
            self._shared = type(limiter.limiter)(storage)
        return self._shared

    def engage(self, exc: BaseException) -> None:
        with self.lock:
            if self.since is None:
                log.warning("Rate-limit store unreachable (%s): counting submissions in this process's memory "
                            "until it answers", type(exc).__name__)
                self.since = time.monotonic()
            self.retry_at = time.monotonic() + RECHECK_SECONDS
            if self.counter is None:
                self.counter = type(limiter.limiter)(MemoryStorage())

    def strategy(self):
        """The memory counter while degraded and not yet due for another look at the store."""
        if self.since is None:
            return None
        if time.monotonic() < self.retry_at:
            return self.counter
        if limiter.storage.check():
            with self.lock:
                log.warning("Rate-limit store answers again after %.0f s: counting there again",
                            time.monotonic() - (self.since or time.monotonic()))
                self.since = None
            return None
        self.retry_at = time.monotonic() + RECHECK_SECONDS
        return self.counter


def fallback() -> Fallback:
    extensions = current_app.extensions
    found = extensions.get(EXTENSION)
    if found is None:
        found = extensions.setdefault(EXTENSION, Fallback())
    return found


def degraded() -> bool:
    """Whether this process counts submissions in its own memory because the store is down."""
    found = current_app.extensions.get(EXTENSION)
    return found is not None and found.since is not None


def _store_errors() -> tuple[type[BaseException], ...]:
    # The Redis client is imported only where Redis is configured; where it is not, no Redis
    # error can happen.
    redis = sys.modules.get("redis")
    return (StorageError, ConnectionError, TimeoutError) + ((redis.RedisError,) if redis else ())


def enforce_submission_limits(site_id: int, policy: Policy, ip_hash: str, email: str | None) -> None:
    """Count this submission; raise 429 with Retry-After if any limit is exceeded."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    items = [RateLimitItemPerMinute(policy.rate_per_minute), RateLimitItemPerHour(policy.rate_per_hour)]
    keys = [("ip", ip_hash)] + ([("email", email)] if email else [])
    state = fallback()
    memory = state.strategy()
    if memory is None:
        try:
            _count(state.shared(), site_id, items, keys)
            return
        except _store_errors() as exc:
            state.engage(exc)
            memory = state.counter
    count_memory_limit_check()
    _count(memory, site_id, items, keys)


def _count(strategy, site_id: int, items: list, keys: list[tuple[str, str]]) -> None:
    for kind, value in keys:
        for item in items:
            if not strategy.hit(item, "comments", str(site_id), kind, value):
                reset_at, _ = strategy.get_window_stats(item, "comments", str(site_id), kind, value)
                retry = max(1, math.ceil(reset_at - time.time()))
                per = "minute" if item.GRANULARITY.name == "minute" else "hour"
                raise TooManyRequests(
                    f"Too many comments from you in the last {per}; try again in {retry} seconds.",
                    headers={"Retry-After": str(retry)},
                )
