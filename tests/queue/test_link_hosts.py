"""A moderator sees where a comment's links go without hovering: the host after each link whose
text does not already show it."""

from __future__ import annotations

import pytest

from service.moderation.sanitize import render_body
from service.moderation_queue.blueprint import with_link_hosts
from tests.factories import make_comment


@pytest.mark.parametrize(("body", "hosts"), [
    ("[cheap SEO services](https://rankboost-seo.xyz/a?b=1&c=2)", ["rankboost-seo.xyz"]),
    ("[my blog](https://WWW.Ann.example/posts/1)", ["ann.example"]),
    ("[one](https://a.example) and [two](https://b.example/x)", ["a.example", "b.example"]),
    ("https://docs.python.org/3/library/", []),  # the text is the address
    ("www.example.com", []),
    ("[the docs at docs.python.org](https://docs.python.org/3/)", []),  # the text names the host
    ("no links at all", []),
])
def test_the_host_follows_each_link_whose_text_hides_it(body, hosts):
    html = str(with_link_hosts(render_body(body).html))
    assert [part.split(")</span>")[0] for part in html.split('<span class="link-host">(')[1:]] == hosts


def test_a_host_is_written_as_text_never_as_markup():
    html = '<p><a href="https://x.example/&quot;&gt;&lt;b&gt;" rel="nofollow">go</a></p>'
    assert str(with_link_hosts(html)).endswith('</a> <span class="link-host">(x.example)</span></p>')
    assert str(with_link_hosts(None)) == "" and str(with_link_hosts("")) == ""


def test_the_queue_and_the_comment_page_show_where_a_link_goes(as_user, world):
    comment = make_comment(world.blog, "post-1", status="pending",
                           body="Great post! Get [cheap SEO services](https://rankboost-seo.xyz/buy) today.")
    client = as_user("admin@example.org")
    for page in (client.get("/moderate/?tab=pending"), client.get(f"/moderate/comments/{comment.id}")):
        text = page.get_data(as_text=True)
        assert 'cheap SEO services</a> <span class="link-host">(rankboost-seo.xyz)</span>' in text
