"""The widget's static files: a content hash for cache-busting URLs."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "embed"
PAGE_ASSETS = ("widget.js", "widget.css", "reader.js", "reader.css")


@lru_cache(maxsize=1)
def asset_version() -> str:
    digest = hashlib.sha256()
    for name in PAGE_ASSETS:
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]
