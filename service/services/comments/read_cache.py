"""Per-process caches for the hot read paths, correct across processes.

- Site ids by slug: sites are never renamed, so a slug maps to one id for good.
- Counts: kept for CACHE_TTL_SECONDS, then dropped. Another process's approval shows within
  that time; this process's own writes clear the counts at once (every change passes through
  `bump_article`).
- Site rows, blocks and webhooks on the write path: keyed on the site's `config_version`, read
  on every request (one primary-key lookup), so a change made through any process applies on
  the next request everywhere (see services/administration/site_versions.py).
- Rendered threads and pages: one slot per rendering (article, language, order, page...),
  holding the article's `version` it was built from. Every transaction that changes the
  article's comments increments that version, which is read from the database on every request
  (one primary-key lookup), so a stale rendering is never served: it is rebuilt and replaces the
  old one in its slot. An article that changes often thus holds one rendering per variant, not
  one per change, and the budget goes to articles that are read.
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from threading import Lock
from typing import Callable, Hashable, TypeVar

from flask import current_app

T = TypeVar("T")


_EMPTY_STR = sys.getsizeof("")


def _weight(value) -> int:
    """Roughly the memory an entry holds: the bytes of its text, or 1 for small values. A str
    with one character beyond Latin-1 (an arrow, a curly quote, an emoji in a comment) stores
    every character in two or four bytes, so its length alone would undercount it."""
    if isinstance(value, tuple):
        return sum(map(_weight, value))
    if isinstance(value, str):
        return sys.getsizeof(value) - _EMPTY_STR
    return len(value) if isinstance(value, bytes) else 1


class LRU:
    """A small thread-safe LRU map, bounded in entries and in held text, so that a worker's
    memory stays flat however many articles are read (gunicorn's threaded workers share it)."""

    def __init__(self, size: int, max_weight: int = 8 * 1024 * 1024) -> None:
        self._size = size
        self._max_weight = max_weight
        self._weight = 0
        self._data: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable):
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            self._data.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value) -> None:
        weight = _weight(value)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._data[key] = (value, weight)
            self._weight += weight
            while self._data and (len(self._data) > self._size or self._weight > self._max_weight):
                _, (_, dropped) = self._data.popitem(last=False)
                self._weight -= dropped

    def drop_oldest_while(self, stale: Callable[[object], bool]) -> None:
        """Drop entries from the least recently used end for as long as `stale(value)` holds."""
        with self._lock:
            while self._data:
                key, (value, weight) = next(iter(self._data.items()))
                if not stale(value):
                    return
                del self._data[key]
                self._weight -= weight

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._data)


class ReadCache:
    """One per app (so that tests with fresh databases never see each other's entries)."""

    def __init__(self) -> None:
        self.site_ids = LRU(1024)
        self.counts = LRU(10_000)  # (site_id, key) -> (expires_at, count); see get_counts
        self.rendered = LRU(2_000)  # (kind, ids, variant...) -> (version, bytes or str)
        self.remembered = LRU(1024)  # site rows, blocks, webhooks: (kind, id) -> (version, expires_at, value)
        self.pages = LRU(64, max_weight=2 * 1024 * 1024)  # moderator pages: key -> (version, expires_at, value)


def init_app(app) -> None:
    app.extensions["read_cache"] = ReadCache()


def cache() -> ReadCache:
    return current_app.extensions["read_cache"]


def ttl() -> float:
    return current_app.config["CACHE_TTL_SECONDS"]


def forget_counts() -> None:
    """This process changed a counter: drop what it remembers, so it never serves older."""
    cache().counts.clear()


def site_id(slug: str, load: Callable[[], int]) -> int:
    sites = cache().site_ids
    value = sites.get(slug)
    if value is None:
        value = load()
        sites.put(slug, value)
    return value


def get_counts(site_id: int, keys: list[str], load: Callable[[list[str]], dict[str, int]]) -> dict[str, int]:
    counts = cache().counts
    now = time.monotonic()
    found: dict[str, int] = {}
    missing: list[str] = []
    for key in keys:
        entry = counts.get((site_id, key))
        if entry is not None and entry[0] > now:
            found[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        loaded = load(missing)
        expires = now + ttl()
        for key in missing:
            value = loaded.get(key, 0)
            counts.put((site_id, key), (expires, value))
            found[key] = value
        # An entry untouched for longer than the TTL was stored even earlier, so it has expired:
        # dropping expired ones from the old end keeps about the counts read within the last
        # CACHE_TTL_SECONDS, not one per article ever asked for (a crawler walking a large
        # blog would otherwise fill every worker with counts nobody will read in time).
        counts.drop_oldest_while(lambda entry: entry[0] <= now)
    return {key: found[key] for key in keys}


def remember(key: tuple, load: Callable[[], T], version: Hashable = None) -> T:
    """A value that may be up to CACHE_TTL_SECONDS old; given the `version` of what it is read
    from (a site's config_version, read on every request), never older than that version."""
    return _for_ttl(cache().remembered, key, version, load)


def remember_page(key: tuple, version: Hashable, render: Callable[[], T]) -> T:
    """A moderator page's rendering for this `version` of what it shows, in one slot per `key`
    (a newer version replaces the older); used for at most CACHE_TTL_SECONDS, for what no
    version can carry."""
    return _for_ttl(cache().pages, key, version, render)


def _for_ttl(store: LRU, key: tuple, version: Hashable, load: Callable[[], T]) -> T:
    now = time.monotonic()
    entry = store.get(key)  # (version, expires_at, value)
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]
    value = load()
    store.put(key, (version, now + ttl(), value))
    return value


def forget(key: tuple) -> None:
    """Drop one remembered value (this process changed what it was read from)."""
    cache().remembered.put(key, (None, 0.0, None))


def current_rendering(key: tuple, version: Hashable):
    """What this process built for `key` from this `version`, else None."""
    entry = cache().rendered.get(key)
    return entry[1] if entry is not None and entry[0] == version else None


def rendering(key: tuple, version: Hashable, build: Callable[[], T]) -> T:
    """The rendering for `key` at `version`: built on a miss, replacing any older version's."""
    value = current_rendering(key, version)
    if value is None:
        value = build()
        cache().rendered.put(key, (version, value))
    return value
