"""The queue's tab counts follow a moderator's own actions on the next load, an approval or a
bulk reject alike, even with a long cache time (they are cached per queue state, not per time)
(tests/browser/test_moderate_admin.py has the page's script moving them after a keyboard decision)."""

from __future__ import annotations

import re

from tests.queue.test_queue_listing_cache import TOKEN, _client, _comment, workers  # noqa: F401

COUNT = re.compile(r'data-tab="(\w+)"[^>]*>\s*\w+ <span class="count">([\d,+]+)</span>')


def counts(client, path: str = "/moderate/") -> dict[str, int]:
    page = client.get(path).get_data(as_text=True)
    return {tab: int(n) for tab, n in COUNT.findall(page)}


def test_an_approval_shows_in_the_tab_counts_on_the_next_load(workers):  # noqa: F811
    first, _ = workers
    alice = _comment(first, "blog", "Alice")
    _comment(first, "blog", "Bob")
    admin = _client(first, "admin@example.org")
    before = counts(admin)
    assert (before["pending"], before["approved"], before["all"]) == (2, 0, 2)
    page = admin.get("/moderate/").get_data(as_text=True)
    approve = admin.post(f"/moderate/comments/{alice}/status",
                         data={"status": "approved", "csrf_token": TOKEN.search(page).group(1)})
    assert approve.status_code == 302
    after = counts(admin)
    assert (after["pending"], after["approved"], after["all"]) == (1, 1, 2)


def test_a_bulk_reject_shows_in_the_tab_counts_on_the_next_load(workers):  # noqa: F811
    first, _ = workers
    ids = [_comment(first, "blog", name) for name in ("Alice", "Bob", "Carol")]
    admin = _client(first, "admin@example.org")
    assert counts(admin, "/moderate/?tab=rejected")["pending"] == 3
    page = admin.get("/moderate/").get_data(as_text=True)
    bulk = admin.post("/moderate/comments/bulk", data={"ids": [str(i) for i in ids[:2]], "status": "rejected",
                                                       "csrf_token": TOKEN.search(page).group(1)})
    assert bulk.status_code == 302
    after = counts(admin, "/moderate/?tab=rejected")
    assert (after["pending"], after["rejected"]) == (1, 2)


def test_counts_are_still_reused_while_nothing_changes(workers):  # noqa: F811
    first, _ = workers
    _comment(first, "blog", "Alice")
    admin = _client(first, "admin@example.org")
    counts(admin)
    cache = first.extensions["read_cache"].remembered
    remembered = [key for key in cache._data if key[0] == "queue-counts"]
    assert len(remembered) == 1
    counts(admin, "/moderate/?tab=approved")  # another tab, the same filters: the same counts
    assert [key for key in cache._data if key[0] == "queue-counts"] == remembered
