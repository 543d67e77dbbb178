"""Importing a WordPress export (WXR)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from service.importers import ImportFailure, import_file
from service.security import hash_ip
from tests.factories import make_site
from tests.importers.helpers import DATA, articles, assert_counters_exact, by_source, total_rows

WXR = str(DATA / "wordpress.xml")


def test_wordpress_import_carries_posts_comments_replies_and_statuses(app):
    site = make_site("garden")
    summary = import_file("wordpress", WXR, "garden")

    arts = articles(site)
    assert set(arts) == {"/2021/03/tomatoes-in-march/", "/about/"}  # the attachment had no comments
    tomatoes, about = arts["/2021/03/tomatoes-in-march/"], arts["/about/"]
    assert tomatoes.title == "Tomatoes in March" and about.closed is True and tomatoes.closed is False

    comments = by_source(site)
    assert set(comments) == {"wordpress:41", "wordpress:42", "wordpress:44", "wordpress:45", "wordpress:46"}
    ruth, reply = comments["wordpress:41"], comments["wordpress:42"]
    assert (ruth.author, ruth.email, ruth.website) == ("Ruth", "ruth@example.net", "https://ruth.example.net/")
    assert ruth.created_at == datetime(2021, 3, 2, 10, 0, tzinfo=timezone.utc)
    assert ruth.ip_hash == hash_ip("203.0.113.41")
    # WordPress keeps bare newlines: one is a line break, two a paragraph.
    assert ruth.body == "Mine always go leggy.\nAny tips?\n\nI use a **south** window."
    assert ruth.body_html == "<p>Mine always go leggy.<br>\nAny tips?</p>\n<p>I use a <strong>south</strong> window.</p>"
    assert reply.parent_id == ruth.id
    assert reply.created_at == datetime(2021, 3, 2, 11, 0, tzinfo=timezone.utc)  # the GMT date, not the local one
    assert reply.website is None  # javascript: is no website
    assert reply.body == "More light, and brush them with your hand every day. [Here is why](https://garden.example/light/)."
    assert [comments[f"wordpress:{n}"].status.value for n in (41, 42, 44, 45, 46)] == [
        "approved", "approved", "spam", "pending", "deleted"]
    # An unset GMT date falls back to the local one.
    assert comments["wordpress:45"].created_at == datetime(2021, 5, 1, 9, 0, tzinfo=timezone.utc)

    assert (tomatoes.approved_count, tomatoes.pending_count, about.approved_count, about.pending_count) == (2, 0, 0, 1)
    assert_counters_exact(site)
    assert summary.not_comments == 1 and summary.replies_linked == 1
    assert dict(summary.imported) == {"approved": 2, "spam": 1, "pending": 1, "deleted": 1}


def test_wordpress_spam_script_is_gone(app):
    site = make_site("garden")
    import_file("wordpress", WXR, "garden")
    spam = by_source(site)["wordpress:44"]
    assert spam.body == "Best casino!" and spam.body_html == "<p>Best casino!</p>"


def test_wordpress_second_import_adds_nothing(app):
    make_site("garden")
    import_file("wordpress", WXR, "garden")
    before = total_rows()
    summary = import_file("wordpress", WXR, "garden")
    assert total_rows() == before and summary.already_present == 5 and not summary.imported


@pytest.mark.parametrize(("scheme", "keys"), [("id", {"12", "2"}), ("slug", {"tomatoes-in-march", "about"}),
                                               ("url", {"https://garden.example/2021/03/tomatoes-in-march/",
                                                        "https://garden.example/about/"})])
def test_wordpress_article_ids_follow_the_chosen_key(app, scheme, keys):
    site = make_site("garden")
    import_file("wordpress", WXR, "garden", key=scheme)
    assert set(articles(site)) == keys


@pytest.mark.parametrize(("change", "message"), [
    (("<![CDATA[trash]]>", "<![CDATA[maybe]]>"), "line 118: <wp:comment> 46: <wp:comment_approved> is 'maybe'"),
    (("2021-05-01 09:05:00]]></wp:comment_date_gmt>", "2021-13-45 09:05:00]]></wp:comment_date_gmt>"),
     "line 118: <wp:comment> 46: '2021-13-45 09:05:00' is not a date"),
    (("</channel>", ""), "the XML is malformed (mismatched tag)"),
])
def test_malformed_wordpress_file_imports_nothing(app, tmp_path, change, message):
    make_site("garden")
    path = tmp_path / "wxr.xml"
    path.write_text((DATA / "wordpress.xml").read_text().replace(*change), encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        import_file("wordpress", str(path), "garden")
    assert message in str(failure.value)
    assert total_rows() == (0, 0, 0)
