"""Which names are domains: the ICANN part of the public suffix list, as shipped by tldextract.

Bare names in a comment ("see example.xyz") become links only when they end in a public suffix,
so every TLD in the list counts and `3.10` or `file.txt` do not. The list is the snapshot bundled
with the `tldextract` package, read once when this module is imported and never fetched from the
network. Its data file is read directly rather than through `tldextract.TLDExtract`: the extractor
imports `requests` and builds two tries, about 12 MiB in every web worker against about 1 MiB for
these sets, for an answer (where the public suffix of a name starts) that takes a few lines.
A unit test holds this module to tldextract's own answers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SNAPSHOT = ".tld_set_snapshot"


def _snapshot_text() -> str:
    # find_spec locates the package without importing it (importing it would load requests).
    spec = importlib.util.find_spec("tldextract")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the tldextract package (the public suffix list snapshot) is not installed")
    return (Path(next(iter(spec.submodule_search_locations))) / _SNAPSHOT).read_text(encoding="utf-8")


def _ascii(name: str) -> str | None:
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _load_rules() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(plain rules, wildcard parents, exceptions), each in Unicode and in ASCII (punycode) form."""
    text = _snapshot_text()
    icann = text.partition("===BEGIN ICANN DOMAINS===")[2].partition("===END ICANN DOMAINS===")[0]
    plain, wildcards, exceptions = set(), set(), set()
    for line in icann.splitlines():
        rule = line.strip().lower()
        if not rule or rule.startswith("//"):
            continue
        if rule.startswith("!"):
            target, rule = exceptions, rule[1:]
        elif rule.startswith("*."):
            target, rule = wildcards, rule[2:]
        else:
            target = plain
        target.add(rule)
        encoded = _ascii(rule)
        if encoded:
            target.add(encoded)
    if len(plain) < 1000:
        raise RuntimeError("the public suffix list snapshot looks truncated")
    return frozenset(plain), frozenset(wildcards), frozenset(exceptions)


_PLAIN, _WILDCARDS, _EXCEPTIONS = _load_rules()


def suffix_start(labels: list[str] | tuple[str, ...]) -> int | None:
    """Index of the first label of the public suffix of a name split into lower-case labels,
    or None when the name does not end in one ("3.10", "localhost", "file.txt")."""
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in _EXCEPTIONS:
            return start + 1
        if candidate in _PLAIN or (start + 1 < len(labels) and ".".join(labels[start + 1:]) in _WILDCARDS):
            return start
    return None


def public_suffix(host: str) -> str:
    """The public suffix of `host` ("co.uk" for "www.example.co.uk"), or "" when it has none."""
    labels = host.strip().strip(".").lower().split(".")
    start = suffix_start(labels)
    return "" if start is None else ".".join(labels[start:])


def is_domain_name(host: str) -> bool:
    """Whether a bare `host` names a domain: a public suffix with a name before it that is not
    only digits ("example.xyz", "пример.рф"; not "co.uk", "1.it" or "3.10")."""
    labels = host.strip().strip(".").lower().split(".")
    start = suffix_start(labels)
    return bool(start) and not labels[start - 1].isdigit() and all(labels[:start])
