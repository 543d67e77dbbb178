"""A site's moderation policy: its settings, their validation, and the lists compiled for matching.

A policy is stored as JSON on the site (and may be overridden per article); `load_policy`
validates such a dict into a frozen `Policy`, `dump_policy` turns it back into JSON-ready
data. Word lists and domain sets are compiled once per distinct list, however many `Policy`
objects carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property, lru_cache
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .text import WordMatcher, tokenize
from .types import as_utc

MODES = ("pre", "post", "first-time")
MAX_LIST_ENTRIES = 5000
MAX_WORD_LENGTH = 100


@dataclass(frozen=True)
class Policy:
    """One site's (or article's) moderation settings; build it with `load_policy` to validate."""

    mode: str = "post"
    trust_enabled: bool = True
    trusted_after: int = 1
    banned_words: tuple[str, ...] = ()
    suspect_words: tuple[str, ...] = ()
    max_links: int = 2
    blocked_domains: tuple[str, ...] = ()
    rate_per_minute: int = 5
    rate_per_hour: int = 30
    min_length: int = 1
    max_length: int = 10_000
    max_author_length: int = 80
    repeat_window_minutes: int = 60
    hold_disposable_email: bool = True
    disposable_domains: tuple[str, ...] = ()
    close_after_days: int | None = None
    min_fill_seconds: float = 3.0
    require_form_token: bool = False
    hold_shouting: bool = True
    flags_to_review: int = 3
    hide_flagged: bool = False
    trust_after_days: int = 3
    spam_filter: bool = True
    spam_threshold: float | None = None  # None: the model's own threshold
    spam_max_false_holds: float = 0.02
    hold_contact_details: bool = True

    def __post_init__(self) -> None:
        for name in ("banned_words", "suspect_words", "blocked_domains", "disposable_domains"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @cached_property
    def banned_matcher(self) -> WordMatcher:
        return _compile_words(self.banned_words)

    @cached_property
    def suspect_matcher(self) -> WordMatcher:
        return _compile_words(self.suspect_words)

    @cached_property
    def blocked_domain_set(self) -> frozenset[str]:
        return frozenset(self.blocked_domains)

    @cached_property
    def disposable_domain_set(self) -> frozenset[str]:
        return _disposable_domains(self.disposable_domains)


DEFAULT_POLICY = Policy()


@lru_cache(maxsize=64)
def _compile_words(words: tuple[str, ...]) -> WordMatcher:
    return WordMatcher(words)


@cache
def shipped_disposable_domains() -> frozenset[str]:
    """The disposable email domains shipped with the service (`disposable_domains.txt`)."""
    lines = Path(__file__).with_name("disposable_domains.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=64)
def _disposable_domains(extra: tuple[str, ...]) -> frozenset[str]:
    return shipped_disposable_domains().union(extra)


def is_article_closed(policy: Policy, article_created: datetime, closed_flag: bool, now: datetime) -> bool:
    """Closed by a moderator, or older than the policy's `close_after_days`."""
    if closed_flag:
        return True
    if policy.close_after_days is None:
        return False
    return as_utc(now) - as_utc(article_created) >= timedelta(days=policy.close_after_days)


class _StrictInteger(fields.Integer):
    """An integer in JSON: not a string, a float or a boolean."""

    def __init__(self, **kwargs) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class _StrictNumber(fields.Float):
    """A number in JSON: not a string or a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class _StrictBoolean(fields.Boolean):
    """true or false, not "yes", 1 or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class _Word(fields.String):
    default_error_messages = {
        "length": f"Must be 1 to {MAX_WORD_LENGTH} characters long after trimming spaces.",
        "no_letters": "Must contain at least one letter or digit.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        word = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(word) <= MAX_WORD_LENGTH:
            raise self.make_error("length")
        if not tokenize(word).sequences[0]:
            raise self.make_error("no_letters")
        return word


_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def domain_key(host: str) -> str:
    """A host name in the form domain lists store: lower case, ASCII (IDNA), no outer dots."""
    host = host.strip().lower().strip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


class _Domain(fields.String):
    default_error_messages = {"domain": "Not a valid domain name (expected something like spam.example)."}

    def _deserialize(self, value, attr, data, **kwargs):
        domain = super()._deserialize(value, attr, data, **kwargs).strip().lower().removeprefix("*.")
        domain = domain_key(domain)
        if len(domain) > 253 or not _DOMAIN.fullmatch(domain):
            raise self.make_error("domain")
        return domain


def _list_of(field: fields.Field) -> fields.List:
    return fields.List(field, validate=validate.Length(max=MAX_LIST_ENTRIES,
                                                       error="At most {max} entries are allowed."))


def _count(low: int, high: int, **kwargs) -> _StrictInteger:
    return _StrictInteger(validate=validate.Range(low, high, error="Must be between {min} and {max}."), **kwargs)


class PolicySchema(Schema):
    """A policy as stored in JSON; every key is optional and defaults to `DEFAULT_POLICY`."""

    mode = fields.String(validate=validate.OneOf(MODES, error="Must be one of: {choices}."))
    trust_enabled = _StrictBoolean()
    trusted_after = _count(1, 1000)
    banned_words = _list_of(_Word())
    suspect_words = _list_of(_Word())
    max_links = _count(0, 1000)
    blocked_domains = _list_of(_Domain())
    rate_per_minute = _count(1, 10_000)
    rate_per_hour = _count(1, 100_000)
    min_length = _count(0, 100_000)
    max_length = _count(1, 100_000)
    max_author_length = _count(1, 1000)
    repeat_window_minutes = _count(0, 10_080)
    hold_disposable_email = _StrictBoolean()
    disposable_domains = _list_of(_Domain())
    close_after_days = _count(1, 36_500, allow_none=True)
    min_fill_seconds = _StrictNumber(allow_nan=False,
                                     validate=validate.Range(0, 3600, error="Must be between {min} and {max}."))
    require_form_token = _StrictBoolean()
    hold_shouting = _StrictBoolean()
    flags_to_review = _count(1, 1000)
    hide_flagged = _StrictBoolean()
    trust_after_days = _count(1, 3650)
    spam_filter = _StrictBoolean()
    spam_threshold = _StrictNumber(allow_nan=False, allow_none=True,
                                   validate=validate.Range(0.01, 0.999, error="Must be between {min} and {max}."))
    spam_max_false_holds = _StrictNumber(allow_nan=False,
                                         validate=validate.Range(0.001, 0.5, error="Must be between {min} and {max}."))
    hold_contact_details = _StrictBoolean()

    @validates_schema
    def _check_bounds(self, data: dict, **kwargs) -> None:
        def value(key):
            return data.get(key, getattr(DEFAULT_POLICY, key))

        errors = {}
        if value("min_length") > value("max_length"):
            errors["min_length"] = ["Must not be greater than max_length."]
        if value("rate_per_minute") > value("rate_per_hour"):
            errors["rate_per_minute"] = ["Must not be greater than rate_per_hour."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make_policy(self, data: dict, **kwargs) -> Policy:
        return Policy(**data)


_schema = PolicySchema()


def load_policy(data: dict) -> Policy:
    """Validate stored or submitted policy data; raises `ValidationError` with per-key messages."""
    return _schema.load(data)


def dump_policy(policy: Policy) -> dict:
    """JSON-ready data that `load_policy` turns back into an equal `Policy`."""
    return _schema.dump(policy)
