"""Plain values passed into and out of the moderation engine.

The service layer builds a `Draft` (what the reader sent) and `Facts` (what the database
knows) and gets back a `Decision`; nothing here knows about requests or rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

APPROVE, HOLD, REJECT = "approve", "hold", "reject"
VERDICTS = (APPROVE, HOLD, REJECT)  # in increasing severity


def as_utc(moment: datetime) -> datetime:
    """Return `moment` as an aware UTC datetime; naive values (as SQLite returns them) are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class Reason:
    code: str
    verdict: str
    message: str
    matched: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")


@dataclass(frozen=True)
class Block:
    kind: str  # "email" | "domain" | "ip" | "name"
    value: str
    expires_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.expires_at is None or as_utc(self.expires_at) > as_utc(now)


@dataclass(frozen=True)
class Draft:
    body: str
    author: str
    email: str | None = None
    website: str | None = None
    ip_hash: str = ""
    links: tuple[str, ...] = ()
    honeypot: str | None = None
    fill_seconds: float | None = None
    page_url: str | None = None  # the article's address: a link to it is no spam signal
    # The site's own domains and those its policy trusts: a link to one is no spam signal either.
    trusted_domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Facts:
    now: datetime
    author_approved: int = 0
    author_rejected: int = 0
    duplicate_recent: bool = False
    # Comments on the site with the same text from other senders within the repeat window.
    copies_recent: int = 0
    blocks: tuple[Block, ...] = ()
    # How many of the author's comments a moderator approved (counted in author_approved too,
    # which adds those that stayed published trust_after_days without reports or moderation).
    moderator_approvals: int = 0
    # The learned spam filter's current model (a `spam_model.SpamModel`), None when none is loaded.
    spam_model: object | None = None
    # The model's probability for this draft, once the engine has scored it (see engine.decide).
    spam_probability: float | None = None


@dataclass(frozen=True)
class Decision:
    status: str  # "approved" | "pending" | "rejected" | "spam"
    verdict: str
    reasons: tuple[Reason, ...]
    spam_score: float | None = None  # the learned filter's probability; None when it did not score

    @property
    def public_status(self) -> str:
        # A bot that filled the honeypot is told what a held human is told, so it learns nothing.
        return "pending" if self.status == "spam" else self.status
