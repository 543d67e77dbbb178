"""Importing a Disqus XML export: what is carried over, what is cleaned, what is refused."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.importers import ImportFailure, import_file
from service.models import ModerationEvent
from service.security import hash_ip
from tests.factories import make_comment, make_site
from tests.importers.helpers import DATA, articles, assert_counters_exact, by_source, total_rows

DISQUS = str(DATA / "disqus.xml")


def test_disqus_import_carries_articles_authors_dates_replies_and_statuses(app):
    site = make_site("quiet")
    summary = import_file("disqus", DISQUS, "quiet")

    arts = articles(site)
    assert set(arts) == {"/2019/03/hello-world/", "/2019/04/on-gardens/"}  # the thread without posts is not created
    hello, gardens = arts["/2019/03/hello-world/"], arts["/2019/04/on-gardens/"]
    assert hello.title == "Hello, world" and hello.url == "https://blog.example/2019/03/hello-world/"
    assert gardens.title == "On gardens & patience" and gardens.closed is True and hello.closed is False

    comments = by_source(site)
    assert set(comments) == {f"disqus:{n}" for n in (5001, 5002, 5003, 5004, 5005, 5006)}
    alice, spam, bob = comments["disqus:5001"], comments["disqus:5002"], comments["disqus:5003"]
    assert (alice.author, alice.email, alice.status.value) == ("Alice", "alice@example.org", "approved")
    assert alice.created_at == datetime(2019, 3, 1, 10, 15, 30, tzinfo=timezone.utc)
    assert alice.ip_hash == hash_ip("203.0.113.5") and "203.0.113.5" not in alice.ip_hash
    assert alice.body == ("Great first post! See [the docs](https://example.org/docs).\n\n"
                          "Second paragraph\nwith a break.")
    assert alice.body_html == ('<p>Great first post! See <a href="https://example.org/docs" '
                               'rel="nofollow ugc noopener">the docs</a>.</p>\n<p>Second paragraph<br>\nwith a break.</p>')
    # Bob's reply comes before Alice's post in the file and still finds its parent.
    assert bob.parent_id == alice.id and bob.body == "Thanks Alice, *exactly* my experience."
    assert spam.status.value == "spam" and spam.author == "Spammer"
    assert comments["disqus:5004"].status.value == "deleted"
    assert comments["disqus:5005"].parent_id == comments["disqus:5004"].id
    assert comments["disqus:5006"].status.value == "pending" and comments["disqus:5006"].ip_hash == ""

    assert (hello.approved_count, hello.pending_count) == (2, 0)
    assert (gardens.approved_count, gardens.pending_count) == (1, 1)
    assert_counters_exact(site)
    assert dict(summary.imported) == {"approved": 3, "spam": 1, "deleted": 1, "pending": 1}
    assert (summary.articles_created, summary.already_present, summary.replies_linked) == (2, 0, 2)


def test_disqus_import_writes_one_system_event_per_comment(app):
    site = make_site("quiet")
    import_file("disqus", DISQUS, "quiet")
    events = db.session.execute(sa.select(ModerationEvent).where(ModerationEvent.site_id == site.id)).scalars().all()
    assert len(events) == 6
    assert {(e.actor, e.from_status, e.note) for e in events} == {("system", None, "Imported from Disqus")}
    assert sorted(e.to_status for e in events) == ["approved", "approved", "approved", "deleted", "pending", "spam"]


def test_disqus_script_and_javascript_link_do_not_survive(app):
    site = make_site("quiet")
    import_file("disqus", DISQUS, "quiet")
    spam = by_source(site)["disqus:5002"]
    assert "<script" not in spam.body_html and "javascript:" not in spam.body_html
    assert "alert" not in spam.body_html and "javascript:" not in spam.body
    assert spam.body_html == "<p>Buy cheap pills here</p>"


def test_disqus_second_import_adds_nothing_and_says_so(app):
    site = make_site("quiet")
    import_file("disqus", DISQUS, "quiet")
    before = total_rows()
    versions = {k: a.version for k, a in articles(site).items()}
    db.session.expire_all()
    summary = import_file("disqus", DISQUS, "quiet")
    assert total_rows() == before
    assert summary.already_present == 6 and sum(summary.imported.values()) == 0
    assert summary.articles_created == 0 and summary.articles_existing == 2
    assert {k: a.version for k, a in articles(site).items()} == versions
    assert "Skipped as already present: 6." in summary.lines()


def test_disqus_import_next_to_existing_comments_keeps_counters_exact(app):
    site = make_site("quiet")
    make_comment(site, "/2019/03/hello-world/", status="approved")
    make_comment(site, "/2019/03/hello-world/", status="pending")
    import_file("disqus", DISQUS, "quiet")
    hello = articles(site)["/2019/03/hello-world/"]
    assert (hello.approved_count, hello.pending_count) == (3, 1)
    assert_counters_exact(site)


@pytest.mark.parametrize(("scheme", "keys"), [
    ("url", {"https://blog.example/2019/03/hello-world/", "https://blog.example/2019/04/on-gardens/"}),
    ("identifier", {"hello-world", "/2019/04/on-gardens/"}),  # no identifier: the path
])
def test_disqus_article_ids_follow_the_chosen_key(app, scheme, keys):
    site = make_site("quiet")
    import_file("disqus", DISQUS, "quiet", key=scheme)
    assert set(articles(site)) == keys


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _refused(path: str, message: str) -> None:
    site_rows = total_rows()
    with pytest.raises(ImportFailure) as failure:
        import_file("disqus", path, "quiet")
    assert message in str(failure.value)
    assert total_rows() == site_rows


def test_truncated_disqus_file_imports_nothing_and_names_the_line(app, tmp_path):
    make_site("quiet")
    text = DISQUS_TEXT()
    cut = text.index('<post dsq:id="5006">') + 60  # the earlier posts are complete and must not be kept
    _refused(_write(tmp_path, text[:cut]), "line 119: the XML is malformed (unclosed CDATA section)")


def test_post_referencing_an_unknown_thread_imports_nothing(app, tmp_path):
    make_site("quiet")
    text = DISQUS_TEXT().replace('<thread dsq:id="1002"/>\n  </post>\n</disqus>', '<thread dsq:id="777"/>\n  </post>\n</disqus>')
    _refused(_write(tmp_path, text), "<post dsq:id=\"5006\"> refers to thread '777', which no <thread> before it")


def test_post_without_thread_is_named_with_its_line(app, tmp_path):
    make_site("quiet")
    text = DISQUS_TEXT().replace('<thread dsq:id="1002"/>\n  </post>\n</disqus>', '</post>\n</disqus>')
    _refused(_write(tmp_path, text), 'line 117: <post dsq:id="5006"> without <thread>')


def test_bad_date_imports_nothing_and_names_the_post(app, tmp_path):
    make_site("quiet")
    text = DISQUS_TEXT().replace("2019-04-04T09:30:00Z", "yesterday-ish")
    _refused(_write(tmp_path, text), "line 117: <post dsq:id=\"5006\">: 'yesterday-ish' is not a date")


def test_entity_expansion_bomb_is_refused(app, tmp_path):
    make_site("quiet")
    lol = "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" * 1}{("&lol" + str(i - 1) + ";") * 9}">\n'
                  for i in range(1, 10))
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE disqus [\n<!ENTITY lol0 "lol">\n' + lol + ']>\n'
            '<disqus xmlns="http://disqus.com"><thread><title>&lol9;</title></thread></disqus>\n')
    _refused(_write(tmp_path, bomb), "line 3: the file declares the XML entity 'lol0'; entity declarations are refused")


def test_import_into_a_missing_site_says_how_to_create_it(app):
    with pytest.raises(ImportFailure, match="there is no site 'nope'; create it first"):
        import_file("disqus", DISQUS, "nope")


def DISQUS_TEXT() -> str:
    return (DATA / "disqus.xml").read_text(encoding="utf-8")
