"""SQLite's durability window: with `synchronous=NORMAL` a commit only appends to the write-ahead
log, which is synced to disk when it is checkpointed into the database file. The service
checkpoints when a connection goes back to the pool and the last checkpoint is over
CHECKPOINT_SECONDS old: on a quiet blog before the comment's answer leaves, on a busy one within
about that long, instead of once SQLite's log has grown by thousands of pages.

Read from the files themselves: a comment's text is in the database file only once a checkpoint
has copied it there."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from service import create_app, extensions
from service.extensions import db
from tests.conftest import settings_for
from tests.factories import make_site

BODY = "A sentence that only this test writes, 7f3c9e."


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "own.db"
    app = create_app(settings_for(f"sqlite:///{path}", IP_HASH_KEY="k"))
    with app.app_context():
        upgrade()
        make_site("blog", policy={"repeat_window_minutes": 0})
        db.session.remove()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def post(app) -> None:
    response = app.test_client().post("/api/v1/sites/blog/comments",
                                      json={"article": "/a", "author": "Ada", "body": BODY})
    assert response.status_code == 201, response.get_data(as_text=True)


def in_file(path) -> bool:
    return BODY.encode() in path.read_bytes()


def test_a_comment_acknowledged_after_a_quiet_second_is_in_the_database_file(sqlite_app, monkeypatch):
    app, path = sqlite_app
    monkeypatch.setattr(extensions, "CHECKPOINT_SECONDS", 0.0)  # every connection's last sync is that old
    post(app)
    assert in_file(path)


def test_within_the_second_the_comment_waits_in_the_log_for_the_next_checkpoint(sqlite_app, monkeypatch):
    app, path = sqlite_app
    monkeypatch.setattr(extensions, "CHECKPOINT_SECONDS", 3600.0)
    post(app)
    wal = path.with_name(path.name + "-wal")
    assert not in_file(path) and BODY.encode() in wal.read_bytes()
    monkeypatch.setattr(extensions, "CHECKPOINT_SECONDS", 0.0)
    assert app.test_client().get("/api/v1/sites/blog/comments?article=/a").status_code == 200  # a read checks in too
    assert in_file(path)


def test_the_log_is_bounded_by_its_own_ceiling_too(sqlite_app):
    app, _ = sqlite_app
    with app.app_context(), db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == extensions.WAL_PAGES_CEILING
