"""Every page of the moderator UI, as an administrator, a moderator of the site, a moderator
of another site and an anonymous visitor."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.models import Block, CommentStatus, Flag
from tests.factories import make_comment


def pages(world, comment) -> list[str]:
    return [
        "/moderate/",
        "/moderate/?tab=reported",
        "/moderate/?tab=all&site=blog",
        f"/moderate/comments/{comment.id}",
        f"/moderate/articles/{comment.article_id}",
        "/moderate/sites/",
        "/moderate/sites/blog/",
        "/moderate/sites/blog/policy",
        "/moderate/log",
    ]


def test_admin_sees_every_page(as_user, world, held):
    client = as_user("admin@example.org")
    for url in pages(world, held) + ["/moderate/tokens", "/moderate/moderators"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "text/html" in response.content_type
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_site_moderator_sees_the_site_pages_but_not_admin_pages(as_user, world, held):
    client = as_user("mod@example.org")
    for url in pages(world, held):
        assert client.get(url).status_code == 200, url
    assert client.get("/moderate/tokens").status_code == 403
    assert client.get("/moderate/moderators").status_code == 403


def test_moderator_of_another_site_is_refused_the_site_and_does_not_see_its_comments(as_user, world, held):
    client = as_user("elsewhere@example.org")
    queue = client.get("/moderate/?tab=all").get_data(as_text=True)
    assert "Buy" not in queue and "Mallory" not in queue
    for url in (f"/moderate/comments/{held.id}", f"/moderate/articles/{held.article_id}",
                "/moderate/sites/blog/", "/moderate/sites/blog/policy", f"/moderate/log?site={world.blog.id}"):
        assert client.get(url).status_code == 403, url
    assert "Mallory" not in client.get("/moderate/?tab=all&site=blog").get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_the_login_page(as_user, world, held):
    client = as_user(None)
    for url in pages(world, held):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/moderate/login?next=")


def test_queue_item_shows_body_reasons_reports_history_and_article_link(as_user, world, held):
    make_comment(world.blog, "post-0", status="approved", email="mallory@example.net", ip_hash="a" * 32)
    make_comment(world.blog, "post-0", status="rejected", email="other@example.net", ip_hash="a" * 32)
    db.session.add(Flag(comment_id=held.id, reason="spam", note="selling stuff", ip_hash="f" * 32))
    held.article.url = "https://blog.example/post-1"
    db.session.commit()
    html = as_user("mod@example.org").get("/moderate/").get_data(as_text=True)
    assert "Buy <em>cheap</em> watches" in html
    assert "mallory@example.net" in html
    assert "suspect_word" in html and "Contains a suspect word." in html
    assert "Reported as <strong>spam</strong>: selling stuff" in html
    assert "Same email: 1 approved · 0 rejected" in html
    assert "Same address: 1 approved · 1 rejected" in html
    assert 'href="https://blog.example/post-1"' in html
    assert 'Pending <span class="count">1</span>' in html


def test_hostile_author_fields_are_escaped_and_javascript_urls_are_not_links(as_user, world):
    comment = make_comment(world.blog, "post-1", status="pending", author="<script>alert(1)</script>",
                           email="x@example.org")
    comment.article.url = "javascript:alert(1)"
    comment.website = "javascript:alert(2)"
    db.session.commit()
    client = as_user("admin@example.org")
    for url in ("/moderate/", f"/moderate/comments/{comment.id}", f"/moderate/articles/{comment.article_id}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'href="javascript:' not in html


def test_filters_narrow_the_queue(as_user, world):
    make_comment(world.blog, "a", status="pending", author="Alice", email="alice@example.org", body="hello there",
                 ip_hash="1" * 32)
    make_comment(world.blog, "b", status="pending", author="Bob", email="bob@example.org", body="buy now",
                 ip_hash="2" * 32)
    client = as_user("mod@example.org")

    def authors(query: str) -> set[str]:
        html = client.get("/moderate/?" + query).get_data(as_text=True)
        return {name for name in ("Alice", "Bob") if f'<strong class="author">{name}</strong>' in html}

    assert authors("") == {"Alice", "Bob"}
    assert authors("author=ali") == {"Alice"}
    assert authors("email=BOB@example.org") == {"Bob"}
    assert authors("ip_hash=" + "1" * 32) == {"Alice"}
    assert authors("q=buy") == {"Bob"}
    assert authors("article=a") == {"Alice"}
    assert authors("q=100%25") == set()


def _reason(code: str) -> list[dict]:
    return [{"code": code, "verdict": "hold", "message": f"Held by {code}.", "matched": []}]


def test_the_rule_filter_lists_the_comments_a_rule_gave_its_reason(as_user, world):
    make_comment(world.blog, "a", status="pending", author="Alice", reasons=_reason("spam_score"))
    make_comment(world.blog, "a", status="pending", author="Bob", reasons=_reason("too_fast"))
    make_comment(world.blog, "a", status="approved", author="Carol", reasons=_reason("spam_score"))
    make_comment(world.blog, "a", status="pending", author="Dan")  # no reason at all
    client = as_user("mod@example.org")

    def authors(query: str) -> set[str]:
        html = client.get("/moderate/?" + query).get_data(as_text=True)
        return {name for name in ("Alice", "Bob", "Carol", "Dan") if f'<strong class="author">{name}</strong>' in html}

    assert authors("rule=spam_score") == {"Alice"}
    assert authors("tab=all&rule=spam_score") == {"Alice", "Carol"}
    assert authors("rule=too_fast&author=bo") == {"Bob"}
    # LIKE's wildcards and anything that is not a code match nothing, and break nothing
    for query in ("rule=too%25fast", "rule=spam", "rule=%25", "rule=too_f_st", "rule=" + "x" * 300):
        assert authors("tab=all&" + query) == set(), query
    html = client.get("/moderate/?tab=all&rule=spam_score").get_data(as_text=True)
    assert '<span class="count">2</span>' in html  # the "all" tab counts the filtered comments
    assert 'name="rule" list="reason-codes" value="spam_score"' in html
    assert '<option value="first_time_author">' in html


def test_every_reason_code_a_rule_gives_is_one_the_filter_suggests():
    import re
    from pathlib import Path

    from service.moderation import rules

    source = Path(rules.__file__).read_text()
    given = set(re.findall(r'Reason\("([a-z_]+)"', source)) | set(re.findall(r'matcher, "([a-z_]+)"', source))
    assert given and given == set(rules.RULE_CODES)


@pytest.mark.parametrize("tab,status", [("approved", "approved"), ("rejected", "rejected"), ("spam", "spam")])
def test_status_tabs_list_their_status(as_user, world, tab, status):
    make_comment(world.blog, "a", status=status, author="Zed")
    html = as_user("mod@example.org").get(f"/moderate/?tab={tab}").get_data(as_text=True)
    assert '<strong class="author">Zed</strong>' in html


def test_reported_tab_holds_comments_with_enough_reports_for_the_site(as_user, world):
    world.blog.policy = {**world.blog.policy, "flags_to_review": 2}
    db.session.commit()
    once = make_comment(world.blog, "a", status="approved", author="Once")
    twice = make_comment(world.blog, "a", status="approved", author="Twice")
    once.flag_count, twice.flag_count = 1, 2
    db.session.commit()
    html = as_user("mod@example.org").get("/moderate/?tab=reported").get_data(as_text=True)
    assert "Twice" in html and "Once" not in html
    assert 'Reported <span class="count">1</span>' in html


def test_the_reported_tab_shows_only_the_sites_of_the_moderator_and_the_filter(as_user, world):
    reported = {}
    for site, author in ((world.blog, "OnBlog"), (world.other, "OnOther")):
        reported[author] = make_comment(site, "a", status="approved", author=author)
        reported[author].flag_count = 5
    db.session.commit()

    def shown(email: str, query: str = "") -> set[str]:
        html = as_user(email).get("/moderate/?tab=reported" + query).get_data(as_text=True)
        return {name for name in reported if f'<strong class="author">{name}</strong>' in html}

    assert shown("admin@example.org") == {"OnBlog", "OnOther"}
    assert shown("admin@example.org", "&site=other") == {"OnOther"}
    assert shown("mod@example.org") == {"OnBlog"}
    assert shown("mod@example.org", "&site=other") == set()  # not theirs, whatever the filter says
    assert shown("mod@example.org", "&site=blog&article=a") == {"OnBlog"}
    assert shown("admin@example.org", "&site=nope") == set()


def test_garbage_query_arguments_fall_back_to_defaults(as_user, world, held):
    client = as_user("mod@example.org")
    for query in ("tab=nope", "after=garbage", "after=99999999999999999999.1", "site=missing", "article=%00",
                  "email=" + "x" * 5000):
        assert client.get("/moderate/?" + query).status_code == 200, query
    assert client.get("/moderate/comments/999999").status_code == 404
    assert client.get("/moderate/?email=%00&q=a%00b&author=%00&ip_hash=%00").status_code == 200


def test_nul_bytes_in_forms_never_reach_the_database(as_user, world, held):
    anonymous = as_user(None)
    assert anonymous.post("/moderate/login", data={"email": "mod@example.org\x00", "password": "x"}).status_code == 401
    client = as_user("mod@example.org")
    assert client.post(f"/moderate/comments/{held.id}/edit", data={"body": "new\x00 text", "note": "n\x00"}
                       ).status_code == 302
    assert client.post(f"/moderate/comments/{held.id}/status", data={"status": "approved", "note": "\x00"}
                       ).status_code == 302
    assert client.post(f"/moderate/comments/{held.id}/block", data={"kinds": "ip", "note": "\x00x"}).status_code == 302
    assert client.post("/moderate/sites/blog/policy/dry-run", data={"author": "\x00", "email": "a\x00@b.c",
                                                                   "body": "hi\x00"}).status_code == 200
    db.session.refresh(held)
    assert held.body == "new text" and held.status == CommentStatus.APPROVED
    assert client.get("/moderate/sites/missing/").status_code == 404


def test_block_from_the_queue_item_stores_blocks_with_expiry(as_user, world, held):
    client = as_user("mod@example.org")
    response = client.post(f"/moderate/comments/{held.id}/block",
                           data={"kinds": ["email", "name"], "expires": "7", "next": "/moderate/"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderate/"
    blocks = db.session.execute(db.select(Block).order_by(Block.kind)).scalars().all()
    assert [(b.kind, b.value) for b in blocks] == [("email", "mallory@example.net"), ("name", "mallory")]
    assert all(b.expires_at is not None for b in blocks)
    overview = client.get("/moderate/sites/blog/").get_data(as_text=True)
    assert "mallory@example.net" in overview


def test_unsafe_next_is_ignored(as_user, world, held):
    client = as_user("mod@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/moderate\\@evil"):
        response = client.post(f"/moderate/comments/{held.id}/status",
                               data={"status": "approved" if target.startswith("h") else "pending", "next": target})
        assert response.headers["Location"] == "/moderate/", target
    assert held.status in (CommentStatus.APPROVED, CommentStatus.PENDING)


def test_an_authors_history_leaves_out_the_comment_itself(as_user, world):
    make_comment(world.blog, "post-0", status="approved", author="Dora", email="dora@example.net", ip_hash="d" * 32)
    reported = make_comment(world.blog, "post-1", status="approved", author="Dora", email="dora@example.net",
                            ip_hash="d" * 32)
    alone = make_comment(world.blog, "post-2", status="approved", author="Eve", email="eve@example.net",
                         ip_hash="e" * 32)
    client = as_user("mod@example.org")
    page = client.get(f"/moderate/comments/{reported.id}").get_data(as_text=True)
    assert "Same email: 1 approved · 0 rejected" in page  # the other one, not itself
    lone = client.get(f"/moderate/comments/{alone.id}").get_data(as_text=True)
    assert "Same email:" not in lone and "Same address:" not in lone
    assert '<dd class="histories">No other comment on this site from its email or address.</dd>' in lone


def test_a_comment_its_author_edited_says_so_in_the_queue(as_user, world, held):
    from datetime import datetime, timezone

    held.edited_at = datetime(2026, 3, 5, 14, 7, tzinfo=timezone.utc)
    db.session.commit()
    html = as_user("mod@example.org").get("/moderate/?tab=pending").get_data(as_text=True)
    item = html[html.index(f'id="c{held.id}"'):]
    assert '<span class="edited" title="Its history has the text before">edited 2026-03-05 14:07</span>' \
        in item[:item.index("</header>")]
