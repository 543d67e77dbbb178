"""The pure pieces of the importers: HTML back to the markdown subset, and what survives
of hostile markup once rendered."""

from __future__ import annotations

import pytest

from service.importers.html_text import html_to_text
from service.moderation.sanitize import render_body


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
    out = render_body(html_to_text(html)).html
    for active in ("<script", "<img", "<svg", "<iframe", "onclick=", "onerror=", "onload=", 'href="javascript'):
        assert active not in out
