"""The widget's words: one JSON catalogue per language in messages/, loaded once per process.

The same catalogues serve the server's templates (`Messages`), the page's script (the page
carries its language's catalogue as JSON) and count.js (`count_forms`, inlined when the script
is served). English is the reference: every other catalogue must have exactly its keys, and a
plural entry exactly the CLDR categories of its language (a test checks both).

A value is a string, or, for text that depends on a number `{n}`, an object keyed by CLDR
plural category (`zero`, `one`, `two`, `few`, `many`, `other`): Babel's rules pick the form on
the server, `Intl.PluralRules` in the browser. Placeholders are `{name}` style. Plural rules,
direction and date formats come from the small table of locale_data.py, not from Babel's whole
data for the language.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from babel.plural import PluralRule
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from service.embed.locale_data import TABLE, tokens

MESSAGES_DIR = Path(__file__).with_name("messages")
DEFAULT_LANGUAGE = "en"
COUNT_KEY = "heading"  # the words count.js writes next to an article link
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@lru_cache(maxsize=None)
def languages() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in MESSAGES_DIR.glob("*.json")))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    if lang not in languages():
        lang = DEFAULT_LANGUAGE
    with open(MESSAGES_DIR / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def catalogue_json(lang: str) -> Markup:
    """The catalogue for the page's script, safe inside <script type="application/json">."""
    return htmlsafe_json_dumps(catalogue(lang))


class LanguageForms(NamedTuple):
    plural: PluralRule
    rtl: bool
    date: list[tuple[str, str]]  # the medium date pattern's pieces (locale_data.tokens)
    time: list[tuple[str, str]]  # the short time pattern's
    datetime: str  # "{1}, {0}": date, time
    months: list[str]  # abbreviated, as in a date
    periods: list[str]  # am, pm


@lru_cache(maxsize=None)
def _table() -> dict[str, dict]:
    with open(TABLE, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def forms(lang: str) -> LanguageForms:
    entry = _table()[lang if lang in languages() else DEFAULT_LANGUAGE]
    return LanguageForms(PluralRule(entry["plural"]), entry["rtl"], tokens(entry["date"]), tokens(entry["time"]),
                         entry["datetime"], entry["months"], entry["periods"])


def plural_categories(lang: str) -> frozenset[str]:
    """The CLDR categories a number can fall into in this language ("other" always)."""
    return frozenset(forms(lang).plural.tags) | {"other"}


def direction(lang: str) -> str:
    return "rtl" if forms(lang).rtl else "ltr"


@lru_cache(maxsize=None)
def count_forms() -> dict[str, dict[str, str]]:
    """Every language's plural forms of the count text, for count.js."""
    out = {}
    for lang in languages():
        value = catalogue(lang)[COUNT_KEY]
        value = value if isinstance(value, dict) else {"other": value}
        # a form equal to "other" need not travel: the script falls back to "other"
        out[lang] = {k: v for k, v in value.items() if k == "other" or v != value["other"]}
    return out


def pick_language(*candidates: str | None) -> str:
    """The first candidate this service has a catalogue for (per embed, then per site)."""
    available = languages()
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.lower() in available:
            return candidate.lower()
    return DEFAULT_LANGUAGE


def format_datetime_text(iso: str, lang: str) -> str:
    """A comment's time as the language writes it (medium date, short time), in UTC: the page's
    script rewrites it in the reader's own time zone."""
    moment = datetime.fromisoformat(iso)
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    lang_forms = forms(lang)
    date_text = _format(moment, lang_forms.date, lang_forms)
    time_text = _format(moment, lang_forms.time, lang_forms)
    return lang_forms.datetime.format(time_text, date_text) + " UTC"


def _format(moment: datetime, pieces: list[tuple[str, str]], lang_forms: LanguageForms) -> str:
    out = []
    for kind, value in pieces:
        out.append(value if kind == "text" else _field(moment, value, lang_forms))
    return "".join(out)


def _field(moment: datetime, field: str, lang_forms: LanguageForms) -> str:
    """One CLDR date field (the ones locale_data.FIELDS lists)."""
    width = len(field)
    match field[0]:
        case "y":
            return str(moment.year)
        case "M":
            return lang_forms.months[moment.month - 1] if width == 3 else f"{moment.month:0{width}d}"
        case "d":
            return f"{moment.day:0{width}d}"
        case "H":
            return f"{moment.hour:0{width}d}"
        case "h":
            return f"{moment.hour % 12 or 12:0{width}d}"
        case "m":
            return f"{moment.minute:02d}"
        case "a":
            return lang_forms.periods[moment.hour >= 12]
    raise ValueError(f"date field {field!r} is not supported")


class Messages:
    """`m.name` or `m("heading", n=3)` in templates; placeholders are escaped values.
    A plural entry takes its form from the `n` value."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.table = catalogue(lang)
        self.dir = direction(lang)

    def __getattr__(self, key: str) -> str:
        try:
            return self._text(self.table[key], None)
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        return self._text(self.table[key], None)

    def _text(self, value: str | dict[str, str], n) -> str:
        if isinstance(value, dict):
            form = forms(self.lang).plural(n) if isinstance(n, int) else "other"
            return value.get(form, value["other"])
        return value

    def __call__(self, key: str, **values) -> str:
        text = self._text(self.table[key], values.get("n"))
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def html(self, key: str, **values):
        """Like calling, with the placeholder values HTML-escaped first (for |safe-free output)."""
        return self(key, **{k: escape(v) for k, v in values.items()})

    def date(self, iso: str) -> str:
        return format_datetime_text(iso, self.lang)
