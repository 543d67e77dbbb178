"""The markdown subset and the HTML allowlist: what renders, and what never survives."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.moderation.sanitize import (ALLOWED_TAGS, clean_text, clean_website, plain_html, render_body,
                                         render_full)

MARKDOWN = [
    ("plain text", "<p>plain text</p>"),
    ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
    ("`x < y`", "<p><code>x &lt; y</code></p>"),
    ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
    ("```\ncode <b>\n```", "<pre><code>code &lt;b&gt;\n</code></pre>"),
    ("line one\nline two", "<p>line one<br>\nline two</p>"),
    ("[site](https://example.com/a)",
     '<p><a href="https://example.com/a" rel="nofollow ugc noopener">site</a></p>'),
    ("see https://example.com/x?a=1&b=2 now",
     '<p>see <a href="https://example.com/x?a=1&amp;b=2" rel="nofollow ugc noopener">'
     "https://example.com/x?a=1&amp;b=2</a> now</p>"),
    ("# not a heading", "<p># not a heading</p>"),
    ("![alt](https://example.com/i.png)",
     '<p>!<a href="https://example.com/i.png" rel="nofollow ugc noopener">alt</a></p>'),
]


@pytest.mark.parametrize(("source", "html"), MARKDOWN)
def test_markdown_subset_renders(source, html):
    assert render_body(source).html == html


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "[x](https://ok.example \"title\" onmouseover=alert(1))",
    "<a href=https://ok.example onclick=alert(1)>x</a>",
    "`<script>alert(1)</script>`",
    "<<script>script>alert(1)<</script>/script>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "[a](<javascript:alert(1)>)",
    # links on any TLD and bare domain names
    'https://web.dev/"onmouseover="alert(1)',
    "https://web.dev/'onmouseover='alert(1)",
    'web.dev/"><img src=x onerror=alert(1)>',
    "example.xyz/<script>alert(1)</script>",
    "https://spam.xyz/a?x=</a><img src=x onerror=alert(1)>",
    'http://[::1"onmouseover=alert(1)//]/',
    "javascript:alert(1)//example.xyz",
    "javascript://example.app/%0aalert(1)",
    "[https://web.dev/x](javascript:alert(1))",
    'пример.рф/"onmouseover="alert(1)',
    "https://web.dev/x&quot;onmouseover=alert(1)",
    "data.xyz:text/html,<script>alert(1)</script>",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("source", XSS)
def test_hostile_markup_never_survives(source):
    assert "alert" not in "".join(str(value) for _, attrs in elements(render_body(source).html)
                                  for name, value in attrs.items() if name != "href")
    for tag, attrs in elements(render_body(source).html):
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= {"href", "rel", "start"}
        if "href" in attrs:
            assert attrs["href"].lower().startswith(("http://", "https://", "mailto:"))


def test_links_are_collected_for_the_link_rules():
    rendered = render_body("[a](https://one.example) and http://two.example.com/x and www.three.org")
    assert rendered.links == ("https://one.example", "http://two.example.com/x", "http://www.three.org")


def test_every_link_gets_nofollow_ugc_noopener():
    html = render_body("[a](https://one.example) https://two.example.com").html
    assert html.count('rel="nofollow ugc noopener"') == 2


@pytest.mark.parametrize(("raw", "clean"), [
    ("Ann\x00", "Ann"),
    ("A\u202eevil", "Aevil"),
    ("two\nlines", "two lines"),
    ("  padded  ", "padded"),
    ("lone \ud800 surrogate", "lone  surrogate"),
    ("e\u0301", "\u00e9"),
])
def test_one_line_fields_lose_control_characters(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/me", "https://example.com/me"),
    ("http://example.com", "http://example.com"),
    ("javascript:alert(1)", None),
    ("data:text/html,x", None),
    ("//example.com", None),
    ("example.com", None),
    ("https://", None),
    ("", None),
])
def test_website_must_be_http_or_https(url, expected):
    assert clean_website(url) == expected


_PIECES = st.sampled_from(list("abcXYZéÜ019 ,;:!?'()-.\n*_") + [
    "..", ". ", "\n\n", "  ", "1. ", "- ", "    ", "com", "www", "http", "e.g", "a.b", "\n ", " \n", "ok.",
    "*", "**", " *", "* ", "*ab*", " *x y* ", "(*a*)", "*b*.", "*é*,", "**a**", "***"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_plain_prose_shortcut_equals_the_full_renderer(text):
    assert render_body(text) == render_full(text)


@pytest.mark.parametrize("text", ["Plain words. More words!\nA new line\n\nA paragraph (aside); fine: yes.",
                                  "It's 3 o'clock - time...", "*em*", "it *really worked* well; (*twice*).",
                                  "*Ünïcode* words, *too*\n*new line*: fine!"])
def test_plain_prose_takes_the_shortcut(text):
    assert plain_html(clean_text(text, multiline=True)) == render_full(text).html


@pytest.mark.parametrize("text", ["see example.com", "1. item", "- item", "a\n\n    code", "**strong**", "a & b",
                                  'say "hi"', "a_b", "x <b>", "mail a@b.org", "a*b*", "*a *b* c*", "*a*b",
                                  "* item", "*a* b*", "_em_", "*two  spaces*", "'*quoted*'"])
def test_anything_else_is_rendered_in_full(text):
    assert plain_html(clean_text(text, multiline=True)) is None
