"""The little of CLDR the widget needs per language, kept in locale_data.json beside this module.

A widget page needs, for its language, the plural rules, the writing direction, and the medium
date and short time of a comment. Babel has all of it, but only as a language's whole CLDR data
(territory, currency and time-zone names...), which costs a worker about 5 MiB for the first
language it serves and about 1 MiB for each further one, kept for the process's life. So the
few values are taken out of Babel once, here, and shipped as a small table:

    .venv/bin/python service/embed/locale_data.py   # after adding a catalogue or upgrading Babel

(run as a file, not with -m: the package imports this module for the table, and runpy warns
when a module it runs is already imported).

A test holds the table to what Babel says today (plural rules, direction, and every month and
hour formatted both ways), so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

TABLE = Path(__file__).with_name("locale_data.json")
MESSAGES_DIR = Path(__file__).with_name("messages")
# The pattern fields i18n's date formatter knows (CLDR date field symbols and their widths).
FIELDS = frozenset({"y", "M", "MM", "MMM", "d", "dd", "h", "hh", "H", "HH", "mm", "a"})
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


def tokens(pattern: str) -> list[tuple[str, str]]:
    """A CLDR date pattern as ("field", "MMM") and ("text", ", ") pieces, quotes resolved."""
    out = []
    for match in _TOKEN.finditer(pattern):
        piece = match.group()
        if match.group(1):
            out.append(("field", piece))
        elif piece.startswith("'"):
            out.append(("text", piece[1:-1].replace("''", "'") or "'"))
        else:
            out.append(("text", piece))
    return out


def build(languages: list[str] | tuple[str, ...]) -> dict[str, dict]:
    """Each language's entry, read from Babel (needed only here, not by a serving worker)."""
    from babel import Locale

    table = {}
    for lang in languages:
        loc = Locale.parse(lang)
        date, time = loc.date_formats["medium"].pattern, loc.time_formats["short"].pattern
        unknown = {value for kind, value in tokens(date) + tokens(time) if kind == "field"} - FIELDS
        if unknown:
            raise ValueError(f"{lang}: date fields {sorted(unknown)} are not supported by i18n's formatter")
        periods = loc.day_periods["format"]["abbreviated"]
        table[lang] = {
            "plural": dict(sorted(loc.plural_form.rules.items())),
            "rtl": loc.character_order == "right-to-left",
            "date": date,
            "time": time,
            "datetime": loc.datetime_formats["medium"],
            "months": [loc.months["format"]["abbreviated"][month] for month in range(1, 13)],
            "periods": [periods["am"], periods["pm"]],
        }
    return table


def catalogue_languages() -> list[str]:
    return sorted(path.stem for path in MESSAGES_DIR.glob("*.json"))


def main() -> None:
    table = build(catalogue_languages())
    TABLE.write_text(json.dumps(table, ensure_ascii=True, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{TABLE.name}: {len(table)} languages")


if __name__ == "__main__":
    main()
