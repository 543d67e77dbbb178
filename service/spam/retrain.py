"""Retrain the spam model on the moderators' decisions (all sites, one model) and put it into
service only if it does no worse than the current one on decisions neither has trained on.

Used by `flask --app wsgi spam train` and by the background worker; never by a web worker.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sklearn.metrics import roc_auc_score

from service.extensions import db
from service.models import Site, SpamModelVersion, SpamTrainingRun, utcnow
from service.moderation.spam_model import SpamModel
from service.services.moderation import decisions, spam_filter
from service.services.moderation.spam_filter import MIN_DECISIONS
from service.services.moderation.policies import site_policy

from . import training
from .data import Example, blog_examples, corpus

log = logging.getLogger(__name__)
HELD_BACK_SHARE = 5  # one decision in five is kept out of training to judge the new model
DECISION_WEIGHT = 2.0  # a moderator's decision on this service counts more than a base example
# The blog examples count more than a video comment: the base model serves blogs, and in the
# videos nearly every link is spam (eval/RESULTS.md, "The shipped base model on blog comments").
BLOG_WEIGHT = 2.0


@dataclass(frozen=True)
class RunResult:
    accepted: bool
    reason: str
    run_id: int
    model_id: int | None


def base_examples() -> list[Example]:
    """The data the shipped model is built from: the three corpus files and the blog examples."""
    return [e for examples in corpus().values() for e in examples] + blog_examples()


def base_weights(examples: list[Example]) -> list[float]:
    return [BLOG_WEIGHT if e.source == "blog" else 1.0 for e in examples]


def build_base(max_false_holds: float = 0.02) -> SpamModel:
    examples = base_examples()
    return training.fit(examples, max_false_holds=max_false_holds, weights=base_weights(examples)).model


def _held_back(comment_id: int) -> bool:
    # Fixed by the comment, not drawn: the same decisions judge every run.
    return hashlib.sha256(str(comment_id).encode()).digest()[0] % HELD_BACK_SHARE == 0


def _example(label: spam_filter.Label, trusted: dict[int, frozenset[str]]) -> Example:
    return Example(body=label.body, spam=label.spam, author=label.author, website=label.website,
                   email=label.email, source=f"site:{label.site_id}", page_url=label.page_url,
                   trusted_domains=trusted.get(label.site_id, frozenset()))


def _trusted_by_site(site_ids: set[int]) -> dict[int, frozenset[str]]:
    """Each site's trusted domains as its comments are scored with now: a decision is learned
    from the features a submission of it would have."""
    sites = db.session.execute(sa.select(Site).where(Site.id.in_(site_ids))).scalars() if site_ids else ()
    return {site.id: decisions.trusted_domains(site, site_policy(site)) for site in sites}


def slice_score(model: SpamModel, examples: list[Example]) -> float:
    """How well a model sorts held-back decisions: ROC-AUC when they hold both kinds, else the
    share it gets right at its threshold."""
    scores = [model.probability(training.features_of(e)) for e in examples]
    labels = [e.spam for e in examples]
    if len(set(labels)) == 2:
        return float(roc_auc_score(labels, scores))
    return sum((s >= model.threshold) == y for s, y in zip(scores, labels)) / len(labels)


def train(trigger: str = "command", *, max_false_holds: float = 0.02) -> RunResult:
    """One training run, recorded whatever its outcome: a failure too, before it is raised."""
    run = SpamTrainingRun(trigger=trigger, started_at=utcnow(), metrics={})
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    try:
        return _train(run, max_false_holds)
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(SpamTrainingRun, run_id)
        failed.accepted, failed.finished_at = False, utcnow()
        failed.reason = f"Failed: {type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        raise


def _train(run: SpamTrainingRun, max_false_holds: float) -> RunResult:
    labels = spam_filter.collect_labels(per_kind=current_app.config["SPAM_TRAIN_LABELS"] or None)
    run.n_decisions = len(labels)
    trusted = _trusted_by_site({label.site_id for label in labels})
    held = [_example(label, trusted) for label in labels if _held_back(label.comment_id)]
    used = [_example(label, trusted) for label in labels if not _held_back(label.comment_id)]
    model_id = None
    if len(labels) < MIN_DECISIONS:
        accepted, reason = False, f"Only {len(labels)} moderator decisions; at least {MIN_DECISIONS} are needed."
    else:
        base = base_examples()
        examples = base + used
        weights = base_weights(base) + [DECISION_WEIGHT] * len(used)
        fitted = training.fit(examples, max_false_holds=max_false_holds, weights=weights)
        candidate = fitted.model
        current = spam_filter.load_model(spam_filter.current_version())
        new_score = slice_score(candidate, held) if held else 1.0
        old_score = slice_score(current, held) if held and current else 0.0
        run.metrics = {**candidate.meta, "held_back": len(held), "held_back_score": round(new_score, 4),
                       "current_score": round(old_score, 4), "feature_version": candidate.feature_version}
        accepted = new_score >= old_score
        if accepted:
            row = SpamModelVersion(weights=b"", bias=candidate.bias, threshold=candidate.threshold,
                                   n_decisions=len(labels), metrics=run.metrics, trained_at=utcnow())
            db.session.add(row)
            db.session.flush()
            row.weights = SpamModel(candidate.weights, candidate.bias, candidate.threshold, row.id,
                                    meta=candidate.meta).to_bytes()
            model_id = row.id
            reason = (f"In service: scores {new_score:.3f} on {len(held)} held-back decisions "
                      f"(the previous model {old_score:.3f}).")
        else:
            reason = (f"Kept the previous model: the new one scores {new_score:.3f} on {len(held)} held-back "
                      f"decisions, the previous {old_score:.3f}.")
    run.accepted, run.reason, run.model_id, run.finished_at = accepted, reason, model_id, utcnow()
    db.session.commit()
    if accepted:
        spam_filter.forget_current()
    log.info("Spam model training: %s", reason)
    return RunResult(accepted, reason, run.id, model_id)


def train_if_due() -> RunResult | None:
    return train("worker") if spam_filter.training_due() else None
