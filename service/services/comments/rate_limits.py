"""Submission rate limits per client address and per email, from the site's policy.

Counted in Flask-Limiter's storage: process memory by default, Redis when REDIS_URL is set,
so that every process of a deployment shares the same counts.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItemPerHour, RateLimitItemPerMinute

from service.errors import TooManyRequests
from service.extensions import limiter
from service.moderation.policy import Policy


def enforce_submission_limits(site_id: int, policy: Policy, ip_hash: str, email: str | None) -> None:
    """Count this submission; raise 429 with Retry-After if any limit is exceeded."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    items = [RateLimitItemPerMinute(policy.rate_per_minute), RateLimitItemPerHour(policy.rate_per_hour)]
    keys = [("ip", ip_hash)] + ([("email", email)] if email else [])
    strategy = limiter.limiter
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
