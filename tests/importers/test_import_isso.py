"""Importing an Isso database, built here with Isso's own schema."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from service.importers import ImportFailure, import_file
from service.security import hash_ip
from tests.factories import make_site
from tests.importers.helpers import articles, assert_counters_exact, by_source, total_rows

# The schema Isso (isso/db/threads.py, isso/db/comments.py) creates.
ISSO_SCHEMA = """
CREATE TABLE IF NOT EXISTS preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE IF NOT EXISTS comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
"""
T0 = datetime(2020, 6, 1, 12, 0, tzinfo=timezone.utc).timestamp()


def make_isso_db(path, comments=None) -> str:
    conn = sqlite3.connect(path)
    conn.executescript(ISSO_SCHEMA)
    conn.executemany("INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
                     [(1, "/posts/first/", "First post"), (2, "/posts/second/", "Second post")])
    rows = comments if comments is not None else [
        # tid, id, parent, created, modified, mode, remote_addr, text, author, email, website, notification
        (1, 1, None, T0, None, 1, "192.168.1.0", "Nice *post*.\n\nTwo paragraphs.", "Ann", "ann@example.com",
         "https://ann.example", 1),
        (1, 2, 1, T0 + 60, T0 + 120, 1, "10.0.0.0", "Agreed, see <script>alert(1)</script> [x](javascript:alert(1))",
         None, None, None, 0),
        (1, 3, None, T0 + 180, None, 2, "10.0.0.0", "Held for review.", "Ben", None, None, 0),
        (2, 4, None, T0 + 240, None, 4, "10.0.0.0", "", None, None, None, 0),
        (2, 5, 4, T0 + 300, None, 1, "10.0.0.0", "Reply to a deleted one.", "Cy", None, None, 0),
    ]
    conn.executemany("INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author, "
                     "email, website, notification, voters) VALUES (?,?,?,?,?,?,?,?,?,?,?,?, x'00')", rows)
    conn.commit()
    conn.close()
    return str(path)


def test_isso_import_carries_threads_comments_replies_and_modes(app, tmp_path):
    site = make_site("isso-blog")
    summary = import_file("isso", make_isso_db(tmp_path / "comments.db"), "isso-blog")

    arts = articles(site)
    assert set(arts) == {"/posts/first/", "/posts/second/"}
    assert arts["/posts/first/"].title == "First post"
    c = by_source(site)
    assert [c[f"isso:{n}"].status.value for n in range(1, 6)] == ["approved", "approved", "pending", "deleted", "approved"]
    ann, reply = c["isso:1"], c["isso:2"]
    assert (ann.author, ann.email, ann.website, ann.notify_replies) == ("Ann", "ann@example.com", "https://ann.example", True)
    assert ann.created_at == datetime(2020, 6, 1, 12, 0, tzinfo=timezone.utc) and ann.edited_at is None
    assert ann.body == "Nice *post*.\n\nTwo paragraphs."
    assert ann.body_html == "<p>Nice <em>post</em>.</p>\n<p>Two paragraphs.</p>"
    assert ann.ip_hash == hash_ip("192.168.1.0")
    assert reply.parent_id == ann.id and reply.author == "Anonymous"
    assert reply.edited_at == datetime(2020, 6, 1, 12, 2, tzinfo=timezone.utc)
    # Markdown text, rendered like any submission: the tag is shown as text, the link is not made.
    assert reply.body_html == "<p>Agreed, see &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>"
    assert "<script" not in reply.body_html and "href" not in reply.body_html
    assert c["isso:5"].parent_id == c["isso:4"].id
    assert (arts["/posts/first/"].approved_count, arts["/posts/first/"].pending_count) == (2, 1)
    assert_counters_exact(site)
    assert summary.replies_linked == 2


def test_isso_second_import_adds_nothing(app, tmp_path):
    make_site("isso-blog")
    path = make_isso_db(tmp_path / "comments.db")
    import_file("isso", path, "isso-blog")
    before = total_rows()
    summary = import_file("isso", path, "isso-blog")
    assert total_rows() == before and summary.already_present == 5


def test_isso_unknown_mode_imports_nothing_and_names_the_row(app, tmp_path):
    make_site("isso-blog")
    path = make_isso_db(tmp_path / "comments.db", [
        (1, 1, None, T0, None, 1, "10.0.0.0", "fine", "A", None, None, 0),
        (1, 2, None, T0, None, 8, "10.0.0.0", "odd", "B", None, None, 0)])
    with pytest.raises(ImportFailure, match="comments row id=2: mode 8 is not 1, 2 or 4"):
        import_file("isso", path, "isso-blog")
    assert total_rows() == (0, 0, 0)


def test_isso_comment_in_a_missing_thread_imports_nothing(app, tmp_path):
    make_site("isso-blog")
    path = make_isso_db(tmp_path / "comments.db", [(9, 1, None, T0, None, 1, "10.0.0.0", "x", "A", None, None, 0)])
    with pytest.raises(ImportFailure, match="comments row id=1: tid 9 is not in the threads table"):
        import_file("isso", path, "isso-blog")
    assert total_rows() == (0, 0, 0)


def test_a_file_that_is_not_an_isso_database_is_refused(app, tmp_path):
    make_site("isso-blog")
    path = tmp_path / "comments.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ImportFailure, match="not an Isso database"):
        import_file("isso", str(path), "isso-blog")
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(ImportFailure, match="not an Isso database .no such table: threads"):
        import_file("isso", str(empty), "isso-blog")
