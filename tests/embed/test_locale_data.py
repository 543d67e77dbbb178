"""The widget's small locale table (service/embed/locale_data.json) says what Babel says."""

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_time

from service.embed import i18n, locale_data

ROOT = Path(__file__).resolve().parents[2]
# Every month, both halves of the day, midnight and noon, one- and two-digit days and hours.
MOMENTS = [datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)
           for month in range(1, 13) for day, hour, minute in ((1, 0, 0), (9, 9, 5), (28, 12, 30), (28, 23, 59))]


def test_the_table_is_what_babel_gives_today():
    stored = json.loads(locale_data.TABLE.read_text(encoding="utf-8"))
    assert stored == locale_data.build(i18n.languages()), \
        "locale_data.json is out of date: run `.venv/bin/python service/embed/locale_data.py`"


@pytest.mark.parametrize("lang", i18n.languages())
def test_dates_are_written_as_babel_writes_them(lang):
    loc = Locale.parse(lang)
    for moment in MOMENTS:
        expected = loc.datetime_formats["medium"].format(format_time(moment, "short", tzinfo=timezone.utc, locale=loc),
                                                         format_date(moment, "medium", locale=loc)) + " UTC"
        assert i18n.format_datetime_text(moment.isoformat(), lang) == expected, (lang, moment)


@pytest.mark.parametrize("lang", i18n.languages())
def test_plural_forms_and_direction_are_babels(lang):
    loc = Locale.parse(lang)
    assert i18n.plural_categories(lang) == frozenset(loc.plural_form.tags) | {"other"}
    for n in (*range(0, 130), 1000, 1001, 100_000, 1_000_000):
        assert i18n.forms(lang).plural(n) == loc.plural_form(n), (lang, n)
    assert i18n.direction(lang) == ("rtl" if loc.character_order == "right-to-left" else "ltr")


def test_a_time_in_another_zone_is_written_in_utc():
    assert i18n.format_datetime_text("2026-03-05T23:30:00-02:00", "de") == "06.03.2026, 01:30 UTC"


def test_patterns_are_read_with_their_quoted_text():
    assert locale_data.tokens("d 'de' MMM 'de' y") == [
        ("field", "d"), ("text", " "), ("text", "de"), ("text", " "), ("field", "MMM"), ("text", " "),
        ("text", "de"), ("text", " "), ("field", "y")]
    assert locale_data.tokens("h 'o''clock' a") == [("field", "h"), ("text", " "), ("text", "o'clock"),
                                                     ("text", " "), ("field", "a")]


def test_a_pattern_field_the_formatter_does_not_know_is_refused_when_the_table_is_built(monkeypatch):
    monkeypatch.setattr(locale_data, "FIELDS", locale_data.FIELDS - {"MMM"})
    with pytest.raises(ValueError, match=r"en: date fields \['MMM'\]"):
        locale_data.build(["en"])


def test_a_serving_worker_never_loads_babels_locale_data():
    """The point of the table: a rendered widget page, in every language, without Babel's CLDR data."""
    script = (
        "import babel.localedata as data\n"
        "from service.embed import i18n\n"
        "for lang in i18n.languages():\n"
        "    m = i18n.Messages(lang); m('heading', n=3); m.date('2026-03-05T14:07:00+00:00')\n"
        "print(sorted(data._cache))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
