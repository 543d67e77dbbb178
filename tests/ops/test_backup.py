"""`flask backup FILE`: a consistent copy of the live SQLite database that restores every comment."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.extensions import db
from service.models import Article, Comment, CommentStatus
from tests.conftest import settings_for
from tests.factories import make_comment, make_site

FAST = {"min_fill_seconds": 0, "rate_per_minute": 10000, "rate_per_hour": 100000}


@pytest.fixture
def live(tmp_path):
    """A migrated app on its own SQLite file (backups are a SQLite matter, whatever the suite runs on)."""
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'live.db'}"))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def snapshot(app) -> tuple[dict, dict]:
    """Every comment (id -> status, body) and every article's counters, as the app sees them."""
    with app.app_context():
        comments = {row.id: (row.status.value, row.body) for row in db.session.scalars(sa.select(Comment))}
        counters = {a.key: (a.approved_count, a.pending_count) for a in db.session.scalars(sa.select(Article))}
        exact = {}
        for article in db.session.scalars(sa.select(Article)):
            counts = dict(db.session.execute(sa.select(Comment.status, sa.func.count())
                                             .where(Comment.article_id == article.id).group_by(Comment.status)).all())
            exact[article.key] = (counts.get(CommentStatus.APPROVED, 0), counts.get(CommentStatus.PENDING, 0))
        assert counters == exact
        return comments, counters


def test_a_backup_taken_while_comments_arrive_restores_every_comment_and_exact_counters(live, tmp_path):
    site = make_site("blog", policy=FAST)
    for n in range(30):
        make_comment(site, f"post-{n % 4}", status="pending" if n % 3 else "approved", body=f"Before {n}.")
    acknowledged_before = snapshot(live)[0]

    writer_app = create_app(settings_for(live.config["SQLALCHEMY_DATABASE_URI"]))
    stop, written = threading.Event(), []

    def keep_posting() -> None:
        client = writer_app.test_client()
        n = 0
        while not stop.is_set():
            response = client.post("/api/v1/sites/blog/comments",
                                   json={"article": f"post-{n % 4}", "author": "Live", "body": f"During {n}."})
            written.append(response.status_code)
            n += 1

    writer = threading.Thread(target=keep_posting)
    writer.start()
    try:
        while len(written) < 5:  # the writer is really writing when the backup starts
            threading.Event().wait(0.01)
        target = tmp_path / "backup.db"
        result = live.test_cli_runner().invoke(args=["backup", str(target)])
    finally:
        stop.set()
        writer.join()
    with writer_app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    assert set(written) == {201}

    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(tmp_path.glob(".backup.db.partial-*"))

    restored = create_app(settings_for(f"sqlite:///{target}"))
    comments, counters = snapshot(restored)  # asserts the counters equal the rows
    assert acknowledged_before.items() <= comments.items()
    assert len(comments) > len(acknowledged_before)  # it caught comments written during the copy, too
    client = restored.test_client()
    assert client.get("/readyz").status_code == 200
    keys = sorted(counters)
    served = client.get("/api/v1/sites/blog/counts?" + "&".join(f"article={k}" for k in keys)).json["counts"]
    assert served == {key: counters[key][0] for key in keys}
    with restored.app_context():
        db.engine.dispose()

def test_backup_refuses_to_overwrite_without_force(live, tmp_path):
    make_comment(make_site("blog"), "a", body="Kept.")
    target = tmp_path / "existing.db"
    target.write_bytes(b"an older backup")
    runner = live.test_cli_runner()
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 1 and "exists; pass --force" in refused.output
    assert target.read_bytes() == b"an older backup"
    forced = runner.invoke(args=["backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT body FROM comment").fetchall() == [("Kept.",)]


def test_backup_refuses_to_write_over_the_live_database(live):
    path = live.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    result = live.test_cli_runner().invoke(args=["backup", path, "--force"])
    assert result.exit_code == 1 and "the live database itself" in result.output


def test_for_postgresql_it_prints_the_pg_dump_command_without_the_password(tmp_path):
    app = create_app(settings_for("postgresql+psycopg://comments:hunter2-secret@db.internal:5433/comments"))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "site.dump")])
    assert result.exit_code == 2
    assert (f"pg_dump --format=custom --no-owner --file={tmp_path / 'site.dump'} --host=db.internal --port=5433 "
            "--username=comments --dbname=comments") in result.output
    assert "pg_restore" in result.output
    assert "hunter2" not in result.output
    assert not (tmp_path / "site.dump").exists()
