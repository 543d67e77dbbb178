"""A trained spam model as a web worker holds it: a table of feature weights, a bias and a
threshold. Scoring is lookups and a sum, so serving needs no numerical library; training (with
scikit-learn) lives in `service.spam`, which exports exactly this form.
"""

from __future__ import annotations

import gzip
import json
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import repeat
from pathlib import Path

from .spam_features import FEATURE_VERSION, describe, is_piece

FORMAT = "spam-model/1"
# The features a reason names: readable ones first; a piece of a word only when nothing else weighs.
_READABLE = ("w:", "host:", "tld:", "site:", "stld:", "mail:", "n:", "handle:", "has:", "nlinks:", "name:", "style:",
             "website:")
# Words that weigh in the score but tell a moderator nothing: function words, and the syntax of a
# link (the link itself is named by its host, its TLD and the count of links). Single characters
# are left out too. They still count; a reason just names something more telling instead.
_NOT_EVIDENCE = frozenset(
    "a an and or but the to of in on at by for from with as is are was be been it its this that these those "
    "i me my mine we us our you your he him his she her they them their if so do does did have has had can "
    "will would just not no all any some up out there here what who how when http https www com net org co html "
    "php".split())


# What says nothing of spam but can vouch for a comment: it has no link; its length.
_VOUCHING = ("nlinks:0", "len:")


# Below this many features a comment counts as if it had this many: a few words say little, and
# a short comment's every word would otherwise weigh as much as a long comment's whole text.
# (60 measured best across videos on the corpus: fewer false holds, the same recall.)
MIN_SCALE_FEATURES = 60


def feature_scale(features) -> float:
    """Each comment's features count 1/sqrt(n): a long comment is not more spam for having more
    words (n counts every feature, known to the model or not)."""
    return 1.0 / math.sqrt(max(len(features), MIN_SCALE_FEATURES))


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Score:
    value: float  # probability of spam, 0..1
    top: tuple[str, ...]  # the features that pushed it up most, heaviest first

    def message(self) -> str:
        named = ", ".join(describe(f) for f in self.top)
        return f"Looks like spam ({self.value:.2f})" + (f": {named}" if named else "")


@dataclass(frozen=True)
class SpamModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # the probability at or above which a comment is held
    version: int = 0
    feature_version: int = FEATURE_VERSION
    meta: dict = field(default_factory=dict, compare=False)

    def threshold_for(self, max_false_holds: float) -> float:
        """The threshold for a site that allows `max_false_holds` of legitimate comments held: the
        one training chose for the largest share in the model's table not above it (the
        smallest share's below the table; the model's own threshold when it has no table)."""
        shares, thresholds = self._threshold_table
        if not shares:
            return self.threshold
        return thresholds[max(bisect_right(shares, max_false_holds + 1e-12) - 1, 0)]

    @cached_property
    def _threshold_table(self) -> tuple[list[float], list[float]]:
        pairs = sorted((float(share), float(t)) for share, t in (self.meta.get("thresholds") or {}).items())
        return [share for share, _ in pairs], [t for _, t in pairs]

    def margin(self, features) -> float:
        # fsum is exact whatever the order, so every process gets the same last digit; map with
        # dict.get keeps the few hundred lookups of a comment in C.
        return self.bias + math.fsum(map(self.weights.get, features, repeat(0.0))) * feature_scale(features)

    def probability(self, features) -> float:
        return sigmoid(self.margin(features))

    def score(self, features, top: int = 5) -> Score:
        weighed = self._weighed(features)
        value = sigmoid(self.bias + math.fsum([w for w, _ in weighed]) * feature_scale(features))
        return Score(value, _top_features(weighed, top, features))

    def toward_legitimate(self, features, top: int = 3) -> tuple[str, ...]:
        """The features that pull the score down most, heaviest first: for a moderator looking at
        spam the filter let through, what vouched for it."""
        return _top_features([(-w, f) for w, f in self._weighed(features)], top, features, _VOUCHING)

    def _weighed(self, features) -> list[tuple[float, str]]:
        get = self.weights.get
        return [(w, f) for f in features if (w := get(f))]

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": self.version, "feature_version": self.feature_version,
                "bias": self.bias, "threshold": self.threshold, "meta": self.meta,
                "weights": dict(sorted(self.weights.items()))}

    def to_bytes(self) -> bytes:
        data = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        return gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0)

    @classmethod
    def from_dict(cls, data: dict, version: int | None = None) -> "SpamModel":
        if data.get("format") != FORMAT:
            raise ValueError(f"not a spam model ({data.get('format')!r})")
        return cls(weights={str(k): float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
                   threshold=float(data["threshold"]),
                   version=int(data.get("version", 0) if version is None else version),
                   feature_version=int(data.get("feature_version", FEATURE_VERSION)), meta=data.get("meta") or {})

    @classmethod
    def from_bytes(cls, blob: bytes, version: int | None = None) -> "SpamModel":
        return cls.from_dict(json.loads(gzip.decompress(blob)), version)


def _top_features(weighed: list[tuple[float, str]], top: int, features,
                  also_evidence: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The heaviest features pushing up (positive weights) that a moderator can read as evidence
    (or that start with one of `also_evidence`); a two-word phrase stands for its two words
    ('check out', not 'check' and 'out' as well), and a link's TLD is named once, as the link's
    ('a link to .xyz', not 'xyz' too)."""
    pushing = sorted((pair for pair in weighed if pair[0] > 0), key=lambda pair: (-pair[0], pair[1]))
    chosen: list[str] = []
    covered: set[str] = set()  # the words of the phrases already chosen
    for _, feature in pushing:
        if len(chosen) == top:
            break
        word = feature.startswith("w:")
        evidence = _is_evidence(feature) or (also_evidence and feature.startswith(also_evidence))
        if not evidence or feature in covered or (word and "tld:" + feature[2:] in features):
            continue
        if word and " " in feature:
            words = {"w:" + word for word in feature[2:].split(" ")}
            if all(w in covered or not _is_evidence(w) for w in words):
                continue  # 'whatsapp 1' after 'on whatsapp' names nothing new
            covered |= words
            chosen = [f for f in chosen if f not in words]  # the phrase stands for its words
        chosen.append(feature)
    if len(chosen) < 3:
        pieces = [f for _, f in pushing if is_piece(f)]
        holders = _words_holding(pieces, features, covered | set(chosen))
        chosen += (holders or pieces)[:3 - len(chosen)]
    return tuple(chosen)


def _words_holding(pieces: list[str], features, taken: set[str]) -> list[str]:
    """The comment's words (two-word phrases, for a piece across a space) that hold its heaviest
    pieces, in the pieces' order and each once: a moderator reads 'subscribed', not 'sub…',
    'subs…'. Pieces of words that are no evidence ('my', 'https') are passed over."""
    words = sorted(f for f in features if f.startswith("w:") and _is_evidence(f))  # a fixed order
    named: list[str] = []
    for piece in pieces:
        across = " " in piece.strip()  # a piece across a space comes from a phrase, any other from a word
        holder = next((w for w in words if (" " in w) == across and piece in f" {w[2:]} "), None)
        if holder is not None and holder not in named and holder not in taken:
            named.append(holder)
    return named


def _is_evidence(feature: str) -> bool:
    if feature.startswith("w:"):
        return any(len(word) > 1 and not word.isdigit() and word not in _NOT_EVIDENCE
                   for word in feature[2:].split(" "))
    return feature.startswith(_READABLE) and feature != "nlinks:0"


BASE_MODEL = Path(__file__).with_name("spam_base_model.json.gz")


@cache
def base_model() -> SpamModel | None:
    """The model shipped in the package (version 0), rebuilt by `flask --app wsgi spam build-base`."""
    try:
        return SpamModel.from_bytes(BASE_MODEL.read_bytes(), version=0)
    except FileNotFoundError:
        return None
