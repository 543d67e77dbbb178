"""Per-process caches for the hot read paths, correct across processes.

- Site ids by slug: sites are never renamed, so a slug maps to one id for good.
- Counts: kept for CACHE_TTL_SECONDS. Another process's approval shows within that time; this
  process's own writes clear the counts at once (every change passes through `bump_article`).
- Rendered threads and pages: keyed by the article's `version`, which every transaction that
  changes the article's comments increments. The version is read from the database on every
  request (one primary-key lookup), so a stale entry is never served; it just ages out.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock
from typing import Callable, Hashable, TypeVar

from flask import current_app

T = TypeVar("T")


class LRU:
    """A small thread-safe LRU map (gunicorn's threaded workers share it)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class ReadCache:
    """One per app (so that tests with fresh databases never see each other's entries)."""

    def __init__(self) -> None:
        self.site_ids = LRU(1024)
        self.counts = LRU(50_000)  # (site_id, key) -> (expires_at, count)
        self.rendered = LRU(2_000)  # (kind, article_id, version, variant...) -> bytes or str


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
    return {key: found[key] for key in keys}


def get_rendered(key: tuple, build: Callable[[], T]) -> T:
    rendered = cache().rendered
    value = rendered.get(key)
    if value is None:
        value = build()
        rendered.put(key, value)
    return value
