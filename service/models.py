"""The database models (SQLAlchemy 2 style). The schema itself is owned by migrations/."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from service.extensions import db

# What a reason's code looks like ("spam_score"); anchored as OpenAPI patterns are.
REASON_CODE = re.compile(r"^[a-z_]{1,64}$")

# Ids and revisions are INTEGER columns: 64 bits on SQLite but 32 on PostgreSQL, which refuses
# to compare one with a larger number. Whatever a client sends as an id is checked against this.
MAX_ID = 2**31 - 1


def id_from_text(text: str | None) -> int | None:
    """An id typed as text (a query parameter, a form field): ASCII digits naming an id that
    can exist, else None. (str.isdigit alone lets through '²', which int() refuses.)"""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def count_where(condition) -> sa.ColumnElement:
    """How many rows of a query meet `condition`, counted beside other aggregates in one SELECT."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores none)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class CommentStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Site(db.Model):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    origins: Mapped[list] = mapped_column(sa.JSON, default=list)
    policy: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped with every change to the site, its blocks or its webhooks (see site_versions.py):
    # every process keys its copies of them on it.
    config_version: Mapped[int] = mapped_column(default=0, server_default="0")


@dataclass(frozen=True, slots=True)
class PublicSite:
    """A site as the public routes read it (submitting a comment, the CORS check): this
    request's copy of the row, outside the session. Building an ORM object and adding it to the
    session cost more than the rest of reading the site; nothing writes through this copy, and
    `get_site` (services/administration/sites.py) gives the row itself to every route that may
    change it. It has every column of `Site` as an attribute, so whatever only reads a site
    takes either."""

    id: int
    slug: str
    name: str
    origins: list
    policy: dict
    settings: dict
    created_at: datetime
    config_version: int


class Article(db.Model):
    __tablename__ = "article"
    __table_args__ = (sa.UniqueConstraint("site_id", "key", name="uq_article_site_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    url: Mapped[str | None] = mapped_column(sa.String(2048))
    title: Mapped[str | None] = mapped_column(sa.String(300))
    closed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    mode: Mapped[str | None] = mapped_column(sa.String(16))  # per-article override of policy mode
    # Stored counters, changed in the same transaction as every status change.
    approved_count: Mapped[int] = mapped_column(default=0, server_default="0")
    pending_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped with every change to the article's comments: the ETag and cache key of its thread.
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The original publication date, when an import knows it: close_after_days counts from it.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()


class Comment(db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        sa.Index("ix_comment_article_status_created", "article_id", "status", "created_at"),
        sa.Index("ix_comment_status_created", "status", "created_at"),
        sa.Index("ix_comment_ip_hash_created", "ip_hash", "created_at"),
        sa.Index("ix_comment_email_created", "email", "created_at"),
        sa.Index("ix_comment_fingerprint_created", "fingerprint", "created_at"),
        sa.Index("ix_comment_author_key", "author_key_hash", "status"),
        sa.Index("ix_comment_parent", "parent_id"),
        sa.Index("uq_comment_article_source_key", "article_id", "source_key", unique=True),
        sa.Index("ix_comment_reported_created", "created_at", postgresql_where=sa.text("flag_count > 0"),
                 sqlite_where=sa.text("flag_count > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    website: Mapped[str | None] = mapped_column(sa.String(2048))
    body: Mapped[str] = mapped_column(sa.Text)  # as submitted (markdown subset)
    body_html: Mapped[str] = mapped_column(sa.Text)  # rendered and sanitized once, at write
    status: Mapped[CommentStatus] = mapped_column(_enum(CommentStatus, "comment_status"))
    ip_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(512), default="")
    edit_token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    author_key_hash: Mapped[str | None] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")
    flag_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Optimistic lock: a moderator acts on the revision they saw, or gets a 409.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last change of the text
    # The reader asked for mail when someone replies (needs an email; one click unsubscribes).
    notify_replies: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Where an imported comment came from ("disqus:123", "wxr:45"): a second import skips it.
    source_key: Mapped[str | None] = mapped_column(sa.String(200))
    # Readers' votes, stored counters changed in each vote's transaction (see Vote).
    likes: Mapped[int] = mapped_column(default=0, server_default="0")
    dislikes: Mapped[int] = mapped_column(default=0, server_default="0")
    # Shown first in every order; set by a moderator.
    pinned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Written by a logged-in moderator of the site: the thread shows a badge.
    by_moderator: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The learned filter's probability that the text is spam, as its author sent it (or last
    # edited it); None where no filter scored it (turned off, imported, written before scores).
    spam_score: Mapped[float | None] = mapped_column(sa.Float)

    article: Mapped[Article] = relationship()


class ModerationEvent(db.Model):
    """One row per status change or edit: the audit log and the "why" shown to moderators."""

    __tablename__ = "moderation_event"
    __table_args__ = (
        sa.Index("ix_moderation_event_comment", "comment_id", "id"),
        sa.Index("ix_moderation_event_created", "created_at"),
        sa.Index("ix_moderation_event_moderator", "moderator_id", "created_at"),
        sa.Index("ix_moderation_event_site_created", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(16))  # "rules" | "moderator" | "author" | "system"
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderator.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(16), default="status")  # "status" | "edit"
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An edit's text before and after (markdown as written): the history keeps every version.
    body_before: Mapped[str | None] = mapped_column(sa.Text)
    body_after: Mapped[str | None] = mapped_column(sa.Text)

    @classmethod
    def gave_reason(cls, code: str):
        """Events among whose reasons is one with `code` (nothing for what is no code). Reasons
        are stored as JSON text alike on SQLite and PostgreSQL, so a text match on the code's key
        and value is portable; LIKE's `_` in a code is escaped."""
        if not REASON_CODE.fullmatch(code):
            return sa.false()
        pattern = json.dumps({"code": code})[1:-1].replace("_", "\\_")  # '"code": "spam\\_score"'
        return sa.cast(cls.reasons, sa.Text).like(f"%{pattern}%", escape="\\")


moderator_site = sa.Table(
    "moderator_site",
    db.metadata,
    sa.Column("moderator_id", sa.ForeignKey("moderator.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)

api_token_site = sa.Table(
    "api_token_site",
    db.metadata,
    sa.Column("api_token_id", sa.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("site_id", sa.ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


class Moderator(db.Model):
    __tablename__ = "moderator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Changes when the password changes or the moderator logs out everywhere: old sessions die.
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default="")
    # Mail about held comments and reports: "immediate", "digest" or "off".
    notify: Mapped[str] = mapped_column(sa.String(16), default="immediate", server_default="immediate")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sites: Mapped[list[Site]] = relationship(secondary=moderator_site)


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sites: Mapped[list[Site]] = relationship(secondary=api_token_site)


class Flag(db.Model):
    """A reader's report on a comment; one per client address per comment."""

    __tablename__ = "flag"
    __table_args__ = (sa.UniqueConstraint("comment_id", "ip_hash", name="uq_flag_comment_ip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    ip_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Block(db.Model):
    __tablename__ = "block"
    __table_args__ = (sa.Index("ix_block_site_kind_value", "site_id", "kind", "value"),
                      sa.Index("ix_block_comment", "comment_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # "email" | "domain" | "ip" | "name"
    value: Mapped[str] = mapped_column(sa.String(254))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("moderator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The comment whose author was blocked ("block the author"): erasing that author's data
    # removes the blocks that carry it.
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="SET NULL"))


class Webhook(db.Model):
    """A site's subscription: events are POSTed as JSON, signed with the secret (HMAC-SHA256)."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2048))
    # Kept as given: the receiver verifies signatures with the same secret.
    secret: Mapped[str] = mapped_column(sa.String(128))
    events: Mapped[list] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Removed by an admin: hidden at once, the row itself deleted once no process can still be
    # writing events for it (see services/delivery/webhooks.py).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(db.Model):
    """Something to deliver after the request that caused it (a webhook call, a mail), written
    in that request's transaction so that it survives restarts; a worker drains it."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # "webhook" | "email"
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(sa.String(64))  # e.g. "comment.held"
    webhook_id: Mapped[int | None] = mapped_column(sa.ForeignKey("webhook.id", ondelete="CASCADE"))
    recipient: Mapped[str | None] = mapped_column(sa.String(254))  # for mail
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DeliveryAttempt(db.Model):
    """One try at delivering an outbox message: the delivery log admins read."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.String(1000))
    duration_ms: Mapped[int] = mapped_column(default=0)


class Vote(db.Model):
    """One reader's like (+1) or dislike (-1) of a comment. The reader is a keyed hash of their
    author token, or of their address when they send none; a new vote replaces the old."""

    __tablename__ = "vote"
    __table_args__ = (
        sa.Index("uq_vote_comment_voter", "comment_id", "voter_hash", unique=True),
        sa.CheckConstraint("value IN (-1, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    voter_hash: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConfirmedAddress(db.Model):
    """An email address, per site, that reader mail (replies, thread subscriptions) may go to
    once its reader confirmed it through a mailed link. Only a keyed hash of the address is
    kept here; `confirmation_sent_at` caps confirmation mail at one per address per day."""

    __tablename__ = "confirmed_address"
    __table_args__ = (sa.UniqueConstraint("site_id", "address_hash", name="uq_confirmed_address_site_hash"),
                      sa.Index("ix_confirmed_address_hash", "address_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    address_hash: Mapped[str] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadSubscription(db.Model):
    """A reader's request for mail about every new published comment on one article (sent only
    once the address is confirmed for the site)."""

    __tablename__ = "thread_subscription"
    __table_args__ = (sa.UniqueConstraint("article_id", "email", name="uq_thread_subscription_article_email"),
                      sa.Index("ix_thread_subscription_email", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))  # lowercased
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
class SpamModelVersion(db.Model):
    """A learned spam model that was put into service; the newest row is the current one, and
    its id is the version web workers compare with the one they hold."""

    __tablename__ = "spam_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[bytes] = mapped_column(sa.LargeBinary)  # gzip JSON, `SpamModel.to_bytes`
    bias: Mapped[float] = mapped_column(sa.Float)
    threshold: Mapped[float] = mapped_column(sa.Float)
    n_decisions: Mapped[int] = mapped_column(default=0)
    metrics: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpamTrainingRun(db.Model):
    """Every training of the spam model, accepted or not, and why."""

    __tablename__ = "spam_training_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trigger: Mapped[str] = mapped_column(sa.String(16))  # "command" | "worker"
    n_decisions: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    metrics: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    model_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spam_model.id", ondelete="SET NULL"))


class AdminEvent(db.Model):
    """One row per change an administrator makes to a site (its settings, webhooks, moderators,
    tokens): the site's audit log, beside the comments' ModerationEvent."""

    __tablename__ = "admin_event"
    __table_args__ = (sa.Index("ix_admin_event_site", "site_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id", ondelete="CASCADE"))
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("moderator.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(sa.String(254))  # who, as shown: an email, a token's name
    action: Mapped[str] = mapped_column(sa.String(32))  # e.g. "site.updated", "webhook.added"
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
