"""The scripts and catalogues: sizes a blog can afford, complete translations, the preview API,
the demo blog and the settings command."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from service.embed import i18n
from tests.factories import make_site

STATIC = Path(__file__).resolve().parents[2] / "service" / "static" / "embed"


def gzipped(name: str) -> int:
    return len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))


def served_gzipped(client, path: str) -> int:
    """What a reader downloads: count.js is served with the catalogues' count words inlined."""
    response = client.get(path)
    assert response.status_code == 200
    return len(gzip.compress(response.get_data(), compresslevel=9))


def test_embed_js_is_at_most_5_kb_gzipped(client):
    assert served_gzipped(client, "/embed.js") <= 5 * 1024


def test_count_js_is_at_most_2_kb_gzipped_with_every_languages_words(client):
    body = client.get("/count.js").get_data(as_text=True)
    assert '"ru":{"one":"{n} комментарий","many":"{n} комментариев","other":"{n} комментария"}' in body and "/*FORMS*/" not in body
    assert served_gzipped(client, "/count.js") <= 2 * 1024


def test_page_script_and_styles_are_at_most_12_kb_gzipped_together():
    # every script and stylesheet of the frame's own page: all but the two the host page loads
    own = [path.name for path in STATIC.iterdir() if path.suffix in (".js", ".css")
           and path.name not in ("embed.js", "count.js")]
    assert {"widget.js", "widget.css"} <= set(own)
    assert sum(gzipped(name) for name in own) <= 12 * 1024


def test_scripts_are_served_as_javascript_with_caching(client):
    for path in ("/embed.js", "/count.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "max-age=3600" in response.headers["Cache-Control"]
        assert response.headers["ETag"]


TWELVE_AND_ENGLISH = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "ja", "zh", "ar"}


def test_every_catalogue_has_exactly_the_english_keys():
    english = i18n.catalogue("en")
    assert TWELVE_AND_ENGLISH <= set(i18n.languages())
    for lang in i18n.languages():
        table = i18n.catalogue(lang)
        assert set(table) == set(english), (lang, set(table) ^ set(english))
        for key, value in table.items():
            # A plural entry in English is a plural entry everywhere, with this language's own forms.
            assert isinstance(value, dict) == isinstance(english[key], dict), (lang, key)
            texts = list(value.values()) if isinstance(value, dict) else [value]
            assert all(isinstance(v, str) and v.strip() for v in texts), (lang, key)
            if isinstance(value, dict):
                assert set(value) == i18n.plural_categories(lang), (lang, key, set(value))
            placeholders = set(re.findall(r"\{(\w+)\}", english[key]["other"] if isinstance(english[key], dict)
                                          else english[key]))
            assert placeholders <= set(re.findall(r"\{(\w+)\}", value["other"] if isinstance(value, dict)
                                                  else value)), (lang, key)


@pytest.mark.parametrize("n, text", [(1, "1 комментарий"), (2, "2 комментария"), (5, "5 комментариев"),
                                     (21, "21 комментарий"), (12, "12 комментариев"), (0, "0 комментариев")])
def test_russian_count_takes_the_cldr_plural_form(n, text):
    assert i18n.Messages("ru")("heading", n=n) == text


def test_arabic_is_right_to_left_and_dates_follow_the_language():
    assert i18n.direction("ar") == "rtl" and i18n.direction("ru") == "ltr"
    assert i18n.Messages("ar")("heading", n=2) == "تعليقان"
    assert i18n.format_datetime_text("2026-03-05T14:07:00+00:00", "de") == "05.03.2026, 14:07 UTC"
    assert i18n.format_datetime_text("2026-03-05T14:07:00", "en").replace("\u202f", " ") == "Mar 5, 2026, 2:07 PM UTC"
    assert i18n.format_datetime_text("2026-03-05T14:07:00+00:00", "ja") == "2026/03/05 14:07 UTC"


def test_preview_returns_sanitized_html(client):
    response = client.post("/api/v1/preview", json={"body": "**hi** <script>alert(1)</script> [x](javascript:y)"})
    assert response.status_code == 200
    assert response.get_json() == {"html": "<p><strong>hi</strong> &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:y)</p>"}


@pytest.mark.parametrize("payload, status", [({"body": ""}, 422), ({}, 422), ({"body": "x", "y": 1}, 422)])
def test_preview_refuses_bad_input_with_the_error_envelope(client, payload, status):
    response = client.post("/api/v1/preview", json=payload)
    assert response.status_code == status
    assert response.get_json()["code"] == status


def test_preview_needs_json(client):
    assert client.post("/api/v1/preview", data="body=x").status_code == 415


def test_demo_blog_index_and_posts(client):
    assert client.get("/").headers["Location"].endswith("/demo/")
    index = client.get("/demo/").get_data(as_text=True)
    assert index.count("data-comments-count") == 3
    assert 'src="/count.js" data-site="demo"' in index
    post = client.get("/demo/welcome").get_data(as_text=True)
    assert '<div data-comments data-site="demo"></div>' in post
    assert 'src="/embed.js"' in post
    assert client.get("/demo/no-such-post").status_code == 404


def test_sites_configure_sets_validated_widget_settings(app, runner):
    make_site("blog")
    result = runner.invoke(args=["sites", "configure", "blog", "--language", "de", "--order", "newest",
                                 "--reply-depth", "2", "--theme", "accent=#c00", "--theme", "dark-bg=#000"])
    assert result.exit_code == 0, result.output
    from service.services.administration.sites import get_site
    assert get_site("blog").settings == {"language": "de", "order": "newest", "reply_depth": 2,
                                         "theme": {"accent": "#c00", "dark-bg": "#000"}}
    for value in ("red;}body{", "banana"):  # a word must be one of CSS's colour names
        bad = runner.invoke(args=["sites", "configure", "blog", "--theme", f"accent={value}"])
        assert bad.exit_code != 0
        assert "Not an allowed property or value: accent" in bad.output
    assert json.dumps(get_site("blog").settings["theme"]) == '{"accent": "#c00", "dark-bg": "#000"}'
    assert runner.invoke(args=["sites", "configure", "blog", "--theme", "bg=RebeccaPurple"]).exit_code == 0
    assert get_site("blog").settings["theme"]["bg"] == "RebeccaPurple"
