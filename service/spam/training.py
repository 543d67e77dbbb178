"""Fit a spam model with scikit-learn and export it as the weight table web workers score with.

Only the CLI and the background worker import this module (numpy, scipy and scikit-learn have
no place in a web worker). Everything is seeded: the same examples give the same weights, to
the last digit, on every run.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy
import sklearn
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from service.moderation.sanitize import render_body
from service.moderation.spam_features import spam_features
from service.moderation.spam_model import SpamModel, feature_scale

from .data import Example

SEED = 20151209
C = 32.0  # inverse regularisation, chosen across videos on the corpus (see eval/)
MIN_COUNT = 2  # a feature seen once says more about that comment than about spam
MAX_FEATURES = 12_000  # the heaviest weights kept: the exported table stays a few hundred KiB
MIN_WEIGHT = 0.01
FOLDS = 5
# Out-of-fold scores flatter the model: each fold's comments share their source's words with the
# rest of it. On a source it has never seen, a threshold for 2% out of fold held 4.6-8.0% of
# legitimate comments across videos, and one for 1% held 0.6-2.3%. So the threshold is chosen
# for this share of the allowed false holds, to keep `max_false_holds` on a new site too.
OUT_OF_FOLD_SHARE = 0.5
# The shares of false holds a site may ask for (`spam_max_false_holds`) that get a threshold of
# their own in the model; a site between two takes the lower, so it never holds more than it asked.
FALSE_HOLD_SHARES = (0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


def features_of(example: Example) -> frozenset[str]:
    """The features of a labelled example, computed exactly as for a submission."""
    links = render_body(example.body).links
    return spam_features(example.body, example.author, example.website, example.email, links, example.page_url,
                         example.trusted_domains)


@dataclass
class Fitted:
    model: SpamModel
    oof_scores: list[float]  # out-of-fold probabilities, in the examples' order
    labels: list[bool]


def _compact(features: frozenset[str]) -> tuple[str, ...]:
    """One example's features as training holds them: a sorted tuple of interned strings. Most
    features (pieces of words) recur across examples, so interning keeps one copy of each, and
    a tuple is a fifth of a set's size: a run on tens of thousands of decisions stays within a
    few hundred MiB."""
    return tuple(sorted(map(sys.intern, features)))


class _Design:
    """Examples as a sparse matrix, each row scaled to unit length over the features seen at least MIN_COUNT times."""

    def __init__(self, feature_lists: list) -> None:
        counts = Counter(f for feats in feature_lists for f in feats)
        self.names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
        self.index = {name: i for i, name in enumerate(self.names)}

    def matrix(self, feature_lists: list) -> csr_matrix:
        """Built directly as compressed rows, each row's columns in ascending order: scipy's
        canonical form, the matrix a list of coordinates would give, held in compact arrays
        rather than in lists of Python numbers."""
        indptr, indices, data = array("q", [0]), array("i"), array("d")
        for feats in feature_lists:
            cols = sorted(col for col in map(self.index.get, feats) if col is not None)
            indices.extend(cols)
            data.extend([feature_scale(feats)] * len(cols))
            indptr.append(len(indices))
        return csr_matrix((np.frombuffer(data, dtype=np.float64), np.frombuffer(indices, dtype=np.int32),
                           np.frombuffer(indptr, dtype=np.int64)), shape=(len(feature_lists), len(self.names)))


def _fit_weights(feature_lists: list[frozenset[str]], labels: list[bool], weights: list[float] | None,
                 seed: int) -> tuple[dict[str, float], float]:
    design = _Design(feature_lists)
    x = design.matrix(feature_lists)
    y = np.array(labels, dtype=np.int8)
    classifier = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=1000,
                                    random_state=seed)
    classifier.fit(x, y, sample_weight=None if weights is None else np.asarray(weights))
    coef = classifier.coef_[0]
    kept = sorted(((float(w), name) for name, w in zip(design.names, coef) if abs(w) >= MIN_WEIGHT),
                  key=lambda pair: (-abs(pair[0]), pair[1]))[:MAX_FEATURES]
    return {name: round(w, 6) for w, name in kept}, round(float(classifier.intercept_[0]), 6)


def choose_threshold(scores: list[float], labels: list[bool], max_false_holds: float) -> float:
    """The lowest probability that holds at most `max_false_holds` of the legitimate comments
    among these (out-of-fold) scores: halfway between the last legitimate score allowed above it
    and the first one kept below."""
    legit = sorted((s for s, spam in zip(scores, labels) if not spam), reverse=True)
    if not legit:
        return 0.5
    allowed = int(math.floor(max_false_holds * len(legit) + 1e-9))
    if allowed >= len(legit):
        return min(legit) / 2
    first_kept = legit[allowed]
    last_held = legit[allowed - 1] if allowed else 1.0
    return round(min(max((first_kept + last_held) / 2, first_kept + 1e-6), 0.999999), 6)


def held_shares(scores: list[float], labels: list[bool], threshold: float) -> tuple[float, float]:
    """(share of spam at or above the threshold, share of legitimate comments at or above it)."""
    spam = [s for s, y in zip(scores, labels) if y]
    legit = [s for s, y in zip(scores, labels) if not y]
    recall = sum(s >= threshold for s in spam) / len(spam) if spam else 0.0
    false = sum(s >= threshold for s in legit) / len(legit) if legit else 0.0
    return recall, false


def fit(examples: list[Example], *, max_false_holds: float = 0.02, seed: int = SEED,
        weights: list[float] | None = None, version: int = 0, folds: int = FOLDS) -> Fitted:
    """Train on `examples`; the threshold comes from out-of-fold scores of the same examples:
    the lowest that holds at most OUT_OF_FOLD_SHARE of `max_false_holds` of them."""
    labels = [e.spam for e in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs both spam and legitimate examples")
    feature_lists = [_compact(features_of(e)) for e in examples]
    oof = _out_of_fold(feature_lists, labels, weights, seed, folds)
    threshold = choose_threshold(oof, labels, max_false_holds * OUT_OF_FOLD_SHARE)
    thresholds = {f"{share:g}": choose_threshold(oof, labels, share * OUT_OF_FOLD_SHARE) for share in FALSE_HOLD_SHARES}
    thresholds[f"{max_false_holds:g}"] = threshold
    table, bias = _fit_weights(feature_lists, labels, weights, seed)
    recall, false = held_shares(oof, labels, threshold)
    meta = {
        "examples": len(examples), "spam": sum(labels),
        "sources": dict(sorted(Counter(e.source for e in examples).items())),
        "cv_recall": round(recall, 4), "cv_false_holds": round(false, 4),
        "cv_auc": round(float(roc_auc_score(labels, oof)), 4), "max_false_holds": max_false_holds,
        "seed": seed, "features": len(table), "trained_with": library_versions(),
        "thresholds": dict(sorted(thresholds.items(), key=lambda item: float(item[0]))),
    }
    model = SpamModel(weights=table, bias=bias, threshold=threshold, version=version, meta=meta)
    return Fitted(model, oof, labels)


def library_versions() -> dict[str, str]:
    """The numerical libraries a model was fitted with: another release of any of them moves
    the weights in the fourth decimal (pyproject.toml pins them)."""
    return {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "scipy": scipy.__version__}


def _out_of_fold(feature_lists, labels, weights, seed: int, folds: int) -> list[float]:
    folds = max(2, min(folds, min(Counter(labels).values())))
    scores = [0.0] * len(labels)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        table, bias = _fit_weights([feature_lists[i] for i in train], [labels[i] for i in train],
                                   None if weights is None else [weights[i] for i in train], seed)
        fold_model = SpamModel(weights=table, bias=bias, threshold=0.5)
        for i in test:
            scores[i] = fold_model.probability(feature_lists[i])
    return scores
