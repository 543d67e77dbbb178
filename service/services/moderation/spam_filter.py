"""The learned spam filter as web workers see it: the current model, its labels, its record.

The current model is the newest `spam_model` row, or the base model shipped in the package
when there is none. Each process reads the current version (the newest row's id, a primary
key lookup) at most once per CACHE_TTL_SECONDS and loads the weights only when that version
changes, so a model put into service reaches every worker within that interval. Nothing here
imports numpy, scipy or scikit-learn: training lives in `service.spam`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

import sqlalchemy as sa
from flask import current_app

from service.extensions import db
from service.models import (Article, Comment, CommentStatus, ModerationEvent, SpamModelVersion, SpamTrainingRun,
                            count_where, utcnow)
from service.moderation.policy import Policy
from service.moderation.rules import spam_threshold
from service.moderation.spam_features import FEATURE_VERSION
from service.moderation.spam_model import SpamModel, base_model
from service.services.comments import read_cache

log = logging.getLogger(__name__)
LABEL_STATUSES = ("approved", "spam")
MIN_DECISIONS = 10  # a training run needs at least this many labels
_LOCK = Lock()
_VERSION = sa.select(sa.func.max(SpamModelVersion.id))


def _held() -> dict:
    return current_app.extensions.setdefault("spam_model", {"version": None, "model": None})


def current_version() -> int:
    """The version in service (0: the shipped base model), read at most once per TTL."""
    return read_cache.remember(("spam_model_version",),
                               lambda: db.session.execute(_VERSION).scalar() or 0)


def current_model() -> SpamModel | None:
    version = current_version()
    held = _held()
    if held["version"] == version:
        return held["model"]
    with _LOCK:
        if held["version"] != version:
            held["model"] = load_model(version)
            held["version"] = version
    return held["model"]


def load_model(version: int) -> SpamModel | None:
    """Model `version`, or the shipped base model for 0, for a missing row, or for a model
    trained on features this release no longer computes (its weights would name pieces of text
    no comment has any more): see `outdated_model_in_place`."""
    if not version:
        return base_model()
    blob = db.session.execute(sa.select(SpamModelVersion.weights).where(SpamModelVersion.id == version)).scalar()
    if blob is None:
        return base_model()
    model = SpamModel.from_bytes(blob, version=version)
    if model.feature_version != FEATURE_VERSION:
        log.warning("Spam model %s was trained on features of version %s, this release computes version %s: "
                    "the shipped base model serves until the next training run", version,
                    model.feature_version, FEATURE_VERSION)
        return base_model()
    return model


def outdated_model_in_place() -> bool:
    """The newest trained model cannot serve (see `load_model`), so the base model does: the
    worker retrains without waiting for new decisions."""
    version = current_version()
    if not version:
        return False
    model = current_model()
    return model is None or model.version != version


def forget_current() -> None:
    """This process put a model into service: read the version again at the next submission."""
    read_cache.forget(("spam_model_version",))


@dataclass(frozen=True)
class Label:
    comment_id: int
    site_id: int
    spam: bool
    body: str
    author: str
    website: str | None
    email: str | None
    decided_at: datetime
    page_url: str | None = None  # the article's address


def _moderator_decisions(since: datetime | None = None) -> sa.Select:
    """(comment_id, last): the status event that labels each comment, the latest a moderator
    wrote for it, when that event approved it or marked it spam. A later move of any kind
    replaces an earlier one: an approval undone (back to pending) or turned into a rejection
    is no label any more."""
    latest = (sa.select(sa.func.max(ModerationEvent.id).label("last"))
              .where(ModerationEvent.actor == "moderator", ModerationEvent.action == "status")
              .group_by(ModerationEvent.comment_id)).subquery()
    query = (sa.select(ModerationEvent.comment_id, ModerationEvent.id.label("last"))
             .join(latest, latest.c.last == ModerationEvent.id)
             .where(ModerationEvent.to_status.in_(LABEL_STATUSES)))
    if since is not None:
        query = query.where(ModerationEvent.created_at > since)
    return query


def collect_labels(per_kind: int | None = None) -> list[Label]:
    """Every comment a moderator approved (legitimate) or marked spam (spam) by their latest
    decision on it, plus imported comments stored as spam. A rejection says off-topic or
    rude, not spam, and is no label. The label is the moderation event `change_status` writes
    in the moderator's own transaction, whichever page, API call or bulk action made it.

    `per_kind` keeps only the newest that many of each kind (by when they were decided): a
    training run's time and memory grow with its labels, and what spam says changes with the
    years, so the newest decisions are the ones worth learning from."""
    last = _moderator_decisions().subquery()
    labels: dict[int, Label] = {}
    for status in LABEL_STATUSES:
        rows = db.session.execute(
            sa.select(Comment.id, Article.site_id, Comment.body, Comment.author, Comment.website, Comment.email,
                      ModerationEvent.created_at, Article.url)
            .join(last, last.c.comment_id == Comment.id)
            .join(ModerationEvent, ModerationEvent.id == last.c.last)
            .join(Article, Article.id == Comment.article_id)
            .where(ModerationEvent.to_status == status)
            .order_by(ModerationEvent.id.desc()).limit(per_kind)
        ).all()
        labels.update((row[0], Label(row[0], row[1], status == "spam", *row[2:])) for row in rows)
    imported = db.session.execute(
        sa.select(Comment.id, Article.site_id, Comment.body, Comment.author, Comment.website, Comment.email,
                  Comment.created_at, Article.url)
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.status == CommentStatus.SPAM, Comment.source_key.is_not(None))
        .order_by(Comment.id.desc()).limit(per_kind)
    ).all()
    for row in imported:
        labels.setdefault(row[0], Label(row[0], row[1], True, *row[2:]))
    if per_kind is not None:  # the moderators' spam and the imported together: the newest of both
        spam = sorted((label for label in labels.values() if label.spam),
                      key=lambda label: (label.decided_at, label.comment_id), reverse=True)
        for label in spam[per_kind:]:
            del labels[label.comment_id]
    return [labels[key] for key in sorted(labels)]


def decisions_since(moment: datetime | None) -> int:
    """Moderator decisions that are labels, made after `moment` (all of them for None)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(_moderator_decisions(moment).subquery())
                              ).scalar_one()


def training_due() -> bool:
    """Whether the worker should train now: SPAM_RETRAIN_EVERY new decisions since the last
    run, and at least SPAM_RETRAIN_MIN_SECONDS after it. After an upgrade that changed the
    features, the trained model cannot serve (the base model does): the first run on the new
    features is due as soon as there are enough decisions, without waiting for new ones.
    Here, not beside the training, so that the worker asks without loading scikit-learn."""
    every = current_app.config["SPAM_RETRAIN_EVERY"]
    if every <= 0:
        return False
    last = db.session.execute(sa.select(SpamTrainingRun).order_by(SpamTrainingRun.id.desc()).limit(1)).scalar()
    if last is not None and utcnow() - last.started_at < timedelta(
            seconds=current_app.config["SPAM_RETRAIN_MIN_SECONDS"]):
        return False
    if outdated_model_in_place() and not _ran_on_these_features(last):
        return decisions_since(None) >= MIN_DECISIONS
    return decisions_since(last.started_at if last else None) >= every


def _ran_on_these_features(run: SpamTrainingRun | None) -> bool:
    return run is not None and (run.metrics or {}).get("feature_version") == FEATURE_VERSION


@dataclass(frozen=True)
class TrainingRun:
    """The last training run, as a moderator reads it."""

    started_at: datetime
    finished_at: datetime | None  # None: the worker stopped during it, or it is still running
    accepted: bool  # it put a new model into service
    reason: str  # why (or, for a failed run, the error)


@dataclass(frozen=True)
class FilterSummary:
    held: int  # comments the filter held in the period
    released: int  # of those, approved by a moderator since
    marked_spam: int
    version: int
    since: datetime
    enabled: bool = True  # the site's policy has `spam_filter` on
    threshold: float | None = None  # the score at or above which this site's comments are held
    own_threshold: bool = False  # the site set `spam_threshold`, rather than the model choosing one
    max_false_holds: float = 0.02  # the share the automatic threshold was chosen for
    trained_at: datetime | None = None  # None: the shipped base model
    decisions: int = 0  # moderator decisions (of every site) the model was trained on
    last_run: TrainingRun | None = None


def summary(site_id: int, policy: Policy, days: int = 30) -> FilterSummary:
    """What the filter did on a site lately (held, then released or confirmed by moderators),
    and how it holds there now: the model in service, the site's threshold, and how the last
    training run ended."""
    since = utcnow() - timedelta(days=days)
    held_ids = (sa.select(ModerationEvent.comment_id)
                .where(ModerationEvent.site_id == site_id, ModerationEvent.actor == "rules",
                       ModerationEvent.created_at >= since, ModerationEvent.to_status == "pending",
                       ModerationEvent.gave_reason("spam_score"))
                .distinct().subquery())
    held, released, marked = db.session.execute(
        sa.select(sa.func.count(), count_where(Comment.status == CommentStatus.APPROVED),
                  count_where(Comment.status == CommentStatus.SPAM))
        .select_from(held_ids).join(Comment, Comment.id == held_ids.c.comment_id)
    ).one()
    model = current_model()
    version = model.version if model is not None else 0
    trained = db.session.execute(  # not the weights: a page needs only when and on what
        sa.select(SpamModelVersion.trained_at, SpamModelVersion.n_decisions).where(SpamModelVersion.id == version)
    ).first() if version else None
    threshold = spam_threshold(model, policy) if model is not None else None
    last = db.session.execute(
        sa.select(SpamTrainingRun.started_at, SpamTrainingRun.finished_at, SpamTrainingRun.accepted,
                  SpamTrainingRun.reason).order_by(SpamTrainingRun.id.desc()).limit(1)
    ).first()
    return FilterSummary(held, int(released), int(marked), version, since, enabled=policy.spam_filter,
                         threshold=threshold, own_threshold=policy.spam_threshold is not None,
                         max_false_holds=policy.spam_max_false_holds,
                         trained_at=trained[0] if trained else None, decisions=trained[1] if trained else 0,
                         last_run=TrainingRun(*last) if last else None)
