"""count.js on a blog's index page: every count filled, in one request."""

from __future__ import annotations

import pytest

from tests.browser.widget_fixtures import host_app
from tests.factories import make_comment, make_site

pytestmark = pytest.mark.browser


def test_count_js_fills_the_counts_of_several_articles_with_one_request(page, live_server, serve, app):
    site = make_site("blog")
    make_comment(site, "/posts/one")
    for _ in range(2):
        make_comment(site, "/posts/two")
    make_comment(site, "/posts/three", status="pending")
    host = serve(host_app({"/": f"""
        <a id="one" href="/posts/one" data-comments-count>Comments</a>
        <a id="two" href="/posts/two" data-comments-count data-many="{{n}} replies">Comments</a>
        <span id="three" data-comments-count data-article="/posts/three">Comments</span>
        <span id="other" data-comments-count data-article="/posts/none" data-zero="No comments yet">?</span>
        <script src="{live_server.url}/count.js" data-site="blog" data-one="One comment" async></script>
    """}))
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/counts" in request.url else None)
    page.goto(host.url + "/")
    page.wait_for_function("document.getElementById('other').textContent !== '?'")
    assert page.text_content("#one") == "One comment"
    assert page.text_content("#two") == "2 replies"
    assert page.text_content("#three") == "Comments (0)"
    assert page.text_content("#other") == "No comments yet"
    assert len(requests) == 1
    assert requests[0].count("article=") == 4
