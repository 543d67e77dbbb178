"""The scripts and catalogues: sizes a blog can afford, complete translations, the preview API,
the demo blog and the settings command."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from service.embed import i18n
from tests.factories import make_site

STATIC = Path(__file__).resolve().parents[2] / "service" / "static" / "embed"


def gzipped(name: str) -> int:
    return len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))


def test_embed_js_is_at_most_5_kb_gzipped():
    assert gzipped("embed.js") <= 5 * 1024


def test_count_js_is_at_most_2_kb_gzipped():
    assert gzipped("count.js") <= 2 * 1024


def test_page_script_and_styles_are_at_most_20_kb_gzipped_together():
    assert gzipped("widget.js") + gzipped("widget.css") <= 20 * 1024


def test_scripts_are_served_as_javascript_with_caching(client):
    for path in ("/embed.js", "/count.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "max-age=3600" in response.headers["Cache-Control"]
        assert response.headers["ETag"]


def test_every_catalogue_has_exactly_the_english_keys():
    english = set(i18n.catalogue("en"))
    assert len(i18n.languages()) >= 2
    for lang in i18n.languages():
        table = i18n.catalogue(lang)
        assert set(table) == english, lang
        assert all(isinstance(v, str) and v.strip() for v in table.values()), lang
        assert "{n}" in table["heading"] and "{name}" in table["replying_to"]


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
    bad = runner.invoke(args=["sites", "configure", "blog", "--theme", "accent=red;}body{"])
    assert bad.exit_code != 0
    assert "Not an allowed property or value: accent" in bad.output
    assert json.dumps(get_site("blog").settings["theme"]) == '{"accent": "#c00", "dark-bg": "#000"}'
