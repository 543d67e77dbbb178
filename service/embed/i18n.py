"""The widget's words: one JSON catalogue per language in messages/, loaded once per process.

English is the reference: every other catalogue must have exactly its keys (a test checks).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

MESSAGES_DIR = Path(__file__).with_name("messages")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=None)
def languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in MESSAGES_DIR.glob("*.json")))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    if lang not in languages():
        lang = DEFAULT_LANGUAGE
    with open(MESSAGES_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def catalogue_json(lang: str) -> Markup:
    """The catalogue for the page's script, safe inside <script type="application/json">."""
    return htmlsafe_json_dumps(catalogue(lang))


def pick_language(*candidates: str | None) -> str:
    """The first candidate this service has a catalogue for (per embed, then per site)."""
    available = languages()
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.lower() in available:
            return candidate.lower()
    return DEFAULT_LANGUAGE


class Messages:
    """`m.name` or `m("heading", n=3)` in templates; placeholders are escaped values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.table = catalogue(lang)

    def __getattr__(self, key: str) -> str:
        try:
            return self.table[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        return self.table[key]

    def __call__(self, key: str, **values) -> str:
        text = self.table[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def html(self, key: str, **values):
        """Like calling, with the placeholder values HTML-escaped first (for |safe-free output)."""
        return self(key, **{k: escape(v) for k, v in values.items()})
