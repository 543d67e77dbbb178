"""Crash safety: kill -9 every gunicorn process in the middle of a post load, start the service
again on the same database, and find every acknowledged comment there, the counters equal to
the rows, the SQLite file intact, and the service answering."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.reliability.server import (Service, assert_acknowledged_stored_once, counter_mismatches, engine_for,
                                      migrated_sqlite, post_comment, post_load, request, seeded)

CLIENTS = 16
MAX_POSTS_PER_CLIENT = 500  # bounded, though the kill stops the load long before
KILL_AFTER_ROWS = 150  # stored comments before the kill: the load is well under way
LOAD_TIMEOUT = 45.0


def stored_count(database_url: str) -> int:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM comment")).scalar_one()
    except sa.exc.OperationalError:
        return 0  # a busy SQLite file during the load: ask again
    finally:
        engine.dispose()


def integrity(database_url: str) -> list[str]:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name != "sqlite":
                return ["ok"]  # PostgreSQL's durability is its own; the comments are checked below
            return [row[0] for row in conn.execute(sa.text("PRAGMA integrity_check")).all()]
    finally:
        engine.dispose()


def process_exists(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_kill_9_mid_load_loses_no_acknowledged_comment(database_url, tmp_path):
    url = migrated_sqlite(tmp_path / "comments.db") if database_url.startswith("sqlite") else database_url
    with seeded(url):
        first = Service(url, tmp_path / "logs", workers=4)
        first.start()
        stop = threading.Event()
        try:
            with ThreadPoolExecutor(max_workers=1) as runner:
                load = runner.submit(post_load, first.base, CLIENTS, MAX_POSTS_PER_CLIENT, stop,
                                     ("blog", "held"), 4, "crash")
                deadline = time.monotonic() + LOAD_TIMEOUT
                while stored_count(url) < KILL_AFTER_ROWS and time.monotonic() < deadline and not load.done():
                    time.sleep(0.05)
                killed = first.kill_all()
                stop.set()
                results = load.result(timeout=LOAD_TIMEOUT)
        finally:
            stop.set()
            first.stop()
        assert not any(process_exists(pid) for pid in killed)

        acknowledged = [r for r in results if r[3] in (201, 202)]
        lost_in_flight = [r for r in results if r[3] is None]
        assert len(acknowledged) >= KILL_AFTER_ROWS // 2, first.log_tail()
        assert lost_in_flight, "the kill came after the load had finished: nothing was interrupted"
        assert not [r for r in results if r[3] is not None and r[3] >= 500], first.log_tail()

        assert integrity(url) == ["ok"]
        second = Service(url, tmp_path / "logs-after", workers=2)
        second.start()  # raises unless it becomes ready on the same database
        try:
            assert_acknowledged_stored_once(url, results)
            assert counter_mismatches(url) == []
            status, comment_id, _ = post_comment(second.base, "blog", "crash-0", "Written after the restart.")
            assert status == 201
            status, thread = request("GET", f"{second.base}/api/v1/sites/blog/comments?article=crash-0")
            assert status == 200 and comment_id in {c["id"] for c in thread["comments"]}
        finally:
            second.stop()
        assert integrity(url) == ["ok"]
        print(f"kill -9 of {len(killed)} processes after {len(acknowledged)} acknowledged comments, "
              f"{len(lost_in_flight)} requests failed once it was gone; every acknowledged one found after the restart")
