"""The pure pieces of the importers: HTML back to the markdown subset, and the fast path that
must give exactly what `render_body` gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.importers.html_text import html_to_text
from service.importers.render import body_html, plain_html
from service.moderation.sanitize import clean_text, render_body


@pytest.mark.parametrize(("html", "text"), [
    ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\nlines"),
    ("<p>a <b>bold</b> and <i>it</i> and <code>x()</code></p>", "a **bold** and *it* and `x()`"),
    ('<a href="https://e.org/a b(c)">the site</a>', "[the site](https://e.org/a%20b%28c%29)"),
    ('<a href="javascript:alert(1)">click</a>', "click"),
    ('<a href="data:text/html,x">click</a>', "click"),
    ('<a href="https://e.org/">https://e.org/</a>', "https://e.org/"),
    ("<blockquote>said<p>twice</p></blockquote>reply", "> said\n>\n> twice\n\nreply"),
    ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
    ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
    ("<pre><code>a = 1\n    b = 2</code></pre>", "```\na = 1\n    b = 2\n```"),
    ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
    ("x &lt;script&gt; &amp; y", "x <script> & y"),
    ("<em>never closed <strong>either", "*never closed **either***"),
    ("<p>spaces   \n  collapse</p>", "spaces collapse"),
    ("<div><p>" * 200 + "deep" + "</p></div>" * 200, "deep"),
])
def test_html_becomes_the_markdown_subset(html, text):
    assert html_to_text(html) == text


def test_wordpress_text_keeps_its_newlines():
    assert html_to_text("one\ntwo\n\nthree <em>x</em>", newlines_are_breaks=True) == "one\ntwo\n\nthree *x*"


@pytest.mark.parametrize("html", [
    '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', "<script>alert(1)</script>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>', '<svg onload=alert(1)>', "<iframe src=//evil></iframe>",
    '<p style="x" onclick="alert(1)">hi</p>', "[x](javascript:alert(1))", "<<script>script>alert(1)<</script>/script>",
])
def test_hostile_html_leaves_nothing_active(html):
    out = body_html(html_to_text(html))
    for active in ("<script", "<img", "<svg", "<iframe", "onclick=", "onerror=", "onload=", 'href="javascript'):
        assert active not in out


_PIECES = st.sampled_from(list("abcXYZéÜ019 ,;:!?'()-.\n") + [
    "..", ". ", "\n\n", "  ", "1. ", "- ", "    ", "com", "www", "http", "e.g", "a.b", "\n ", " \n", "ok."])


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_fast_path_equals_render_body(text):
    fast = plain_html(clean_text(text, multiline=True))
    if fast is not None:
        assert fast == render_body(text).html
    assert body_html(text) == render_body(text).html


@pytest.mark.parametrize("text", ["Plain words. More words!\nA new line\n\nA paragraph (aside); fine: yes.",
                                  "It's 3 o'clock - time..."])
def test_plain_prose_takes_the_fast_path(text):
    assert plain_html(clean_text(text, multiline=True)) == render_body(text).html


@pytest.mark.parametrize("text", ["see example.com", "1. item", "- item", "a\n\n    code", "*em*", "a & b", 'say "hi"',
                                  "a_b", "x <b>", "mail a@b.org"])
def test_anything_else_takes_render_body(text):
    assert plain_html(clean_text(text, multiline=True)) is None
