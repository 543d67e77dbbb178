"""Bringing comments in from other systems (Disqus, WordPress, Isso, our own JSON export) and
taking a site's comments out again. One import is one transaction: all of the file or nothing.

`import_file(kind, path, site_slug, ...)` is the one entry point the command line uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from service.importers import disqus, isso, json_format, wordpress
from service.importers.common import ImportFailure, ImportSummary, run_import

__all__ = ["KINDS", "ImportFailure", "ImportSummary", "import_file", "work_size"]

# kind -> (label in the audit log, article ID schemes, the first being the default)
KINDS = {
    "disqus": ("Disqus", disqus.KEYS),
    "wordpress": ("WordPress", wordpress.KEYS),
    "isso": ("Isso", ()),
    "json": ("an export", ()),
}


def work_size(kind: str, path: str) -> int:
    """The total the progress bar counts to: bytes of a file, rows of an Isso database."""
    if kind == "isso":
        return isso.count(path)
    try:
        return os.path.getsize(path)
    except OSError as exc:
        raise ImportFailure(f"cannot read {path}: {exc.strerror or exc}") from None


def import_file(kind: str, path: str, site_slug: str, *, key: str | None = None,
                progress: Callable[[int], None] = lambda n: None) -> ImportSummary:
    label, keys = KINDS[kind]
    if keys:
        read = partial({"disqus": disqus.read, "wordpress": wordpress.read}[kind],
                       path, key=key or keys[0], progress=progress)
        return run_import(site_slug, kind, label, read)
    if kind == "isso":
        return run_import(site_slug, kind, label, partial(isso.read, path, progress=progress))
    header = json_format.read_header(path)
    return run_import(site_slug, kind, label, partial(json_format.read, path, progress=progress),
                      create_site=lambda: json_format.create_site_from(site_slug, header["site"]))
