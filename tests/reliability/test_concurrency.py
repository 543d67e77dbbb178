"""Nothing lost under concurrency, against the real service (gunicorn, four sync workers) on the
suite's database: 32 clients posting at once, then moderators racing on the same comments.
Every acknowledged comment is stored exactly once, the stored counters equal the rows, and no
client ever sees a 5xx (a locked SQLite database included)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.reliability.server import (assert_acknowledged_stored_once, counter_mismatches, engine_for,
                                      migrated_sqlite, post_load, request, running, seeded, stored_comments)

CLIENTS = 32
POSTS_PER_CLIENT = 50
ARTICLES = 8
MODERATORS = 8
ACTIONS_PER_MODERATOR = 50
RACED_COMMENTS = 12
TARGETS = ("approved", "rejected", "approved", "rejected", "pending", "spam")


@pytest.fixture(scope="module")
def service(database_url, tmp_path_factory):
    """gunicorn on a fresh SQLite file, or on the suite's PostgreSQL database (emptied after)."""
    tmp_path = tmp_path_factory.mktemp("concurrency")
    url = migrated_sqlite(tmp_path / "comments.db") if database_url.startswith("sqlite") else database_url
    with seeded(url) as seed, running(url, tmp_path / "logs", workers=4) as server:
        server.admin = seed["admin"]
        yield server


@pytest.mark.slow
def test_32_concurrent_clients_lose_nothing_and_counters_equal_rows(service):
    before = stored_comments(service.database_url)
    results = post_load(service.base, CLIENTS, POSTS_PER_CLIENT, articles=ARTICLES)

    assert len(results) == CLIENTS * POSTS_PER_CLIENT
    refused = [(status, payload) for *_, status, _, payload in results if status not in (201, 202)]
    assert not refused, f"{len(refused)} posts were not acknowledged, e.g. {refused[:3]}\n{service.log_tail()}"
    assert {status for site, _, _, status, _, _ in results if site == "blog"} == {201}
    assert {status for site, _, _, status, _, _ in results if site == "held"} == {202}

    acknowledged = assert_acknowledged_stored_once(service.database_url, results)
    new_rows = stored_comments(service.database_url).keys() - before.keys()
    assert new_rows == acknowledged.keys() and len(new_rows) == CLIENTS * POSTS_PER_CLIENT
    assert counter_mismatches(service.database_url) == []

    articles = [f"load-{n}" for n in range(ARTICLES)]
    status, payload = request("GET", f"{service.base}/api/v1/sites/blog/counts?"
                              + "&".join(f"article={a}" for a in articles))
    published = Counter(article for site, article, *_ in results if site == "blog")
    assert status == 200 and payload["counts"] == {a: published[a] for a in articles}


def status_events(database_url: str, ids: list[int]) -> dict[int, list[tuple[str | None, str]]]:
    engine = engine_for(database_url)
    query = sa.text("SELECT comment_id, from_status, to_status FROM moderation_event "
                    "WHERE action = 'status' ORDER BY id")
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    chains: dict[int, list] = {i: [] for i in ids}
    for comment_id, from_status, to_status in rows:
        if comment_id in chains:
            chains[comment_id].append((from_status, to_status))
    return chains


def current_statuses(database_url: str, ids: list[int]) -> dict[int, str]:
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT id, status FROM comment")).all())
    finally:
        engine.dispose()


def test_moderators_racing_on_the_same_comments_keep_counters_exact(service):
    created = post_load(service.base, 4, RACED_COMMENTS // 4, sites=("held",), articles=3, prefix="raced")
    ids = [comment_id for *_, status, comment_id, _ in created if status == 202]
    assert len(ids) == RACED_COMMENTS
    url = f"{service.base}/api/v1/moderation/comments"
    start = threading.Barrier(MODERATORS)

    def moderator(number: int) -> list[tuple]:
        rng = random.Random(number)  # the same races on every run, as far as timing allows
        start.wait()
        answers = []
        for _ in range(ACTIONS_PER_MODERATOR):
            target = rng.choice(TARGETS)
            if rng.random() < 0.4:  # bulks take many locks at once: where deadlocks hide
                chosen = rng.sample(ids, 4)
                status, payload = request("POST", f"{url}/bulk", {"ids": chosen, "status": target},
                                          headers=service.admin)
                answers.append(("bulk", chosen, status, payload))
            else:
                comment_id = rng.choice(ids)
                status, payload = request("PATCH", f"{url}/{comment_id}", {"status": target, "note": f"m{number}"},
                                          headers=service.admin)
                answers.append(("one", [comment_id], status, payload))
        return answers

    with ThreadPoolExecutor(max_workers=MODERATORS) as pool:
        answers = [a for rows in pool.map(moderator, range(MODERATORS)) for a in rows]

    unexpected = [(kind, status, payload) for kind, _, status, payload in answers if status not in (200, 409)]
    assert not unexpected, f"{unexpected[:3]}\n{service.log_tail()}"
    applied = Counter()
    for kind, chosen, status, payload in answers:
        if status == 200:
            applied.update(payload["updated"] if kind == "bulk" else chosen)
    assert sum(applied.values()) > 0 and any(status == 409 for *_, status, _ in answers)

    assert counter_mismatches(service.database_url) == []
    chains = status_events(service.database_url, ids)
    statuses = current_statuses(service.database_url, ids)
    for comment_id in ids:
        chain = chains[comment_id]
        # Each acknowledged move is one event, and the events form one unbroken history.
        assert chain[0] == (None, "pending")
        assert len(chain) - 1 == applied[comment_id]
        assert all(prev[1] == nxt[0] for prev, nxt in zip(chain, chain[1:])), chain
        assert chain[-1][1] == statuses[comment_id]
