"""The queue shows each comment's spam score and filters by it: in Approved, what the learned
filter found suspicious among the published."""

from __future__ import annotations

import re

import pytest

from tests.factories import scored_comments


@pytest.fixture
def scored(world):
    return scored_comments(world.blog)


def test_the_queue_shows_each_score_and_filters_by_it(as_user, scored):
    client = as_user("admin@example.org")
    page = client.get("/moderate/?tab=approved").get_data(as_text=True)
    assert re.findall(r'class="spam-score"[^>]*>spam ([\d.]+)<', page) == ["0.93", "0.50", "0.48", "0.05"]
    shown = client.get("/moderate/?tab=approved&min_spam_score=.5").get_data(as_text=True)
    assert re.findall(r'data-id="(\d+)"', shown) == [str(scored[0.93].id), str(scored[0.5].id)]
    assert 'name="min_spam_score" type="number" min="0" max="1" step="0.05" value="0.5"' in shown
    assert "(1 active)" in shown
    for ignored in ("2", "abc", "nan", ""):  # not a score: no filter, as an empty field
        listing = client.get(f"/moderate/?tab=approved&min_spam_score={ignored}").get_data(as_text=True)
        assert len(re.findall(r'data-id="(\d+)"', listing)) == 5, ignored


def test_the_comment_page_shows_the_score(as_user, scored):
    client = as_user("admin@example.org")
    page = client.get(f"/moderate/comments/{scored[0.93].id}").get_data(as_text=True)
    assert re.search(r"<dt>Spam score</dt><dd>0\.93 ", page)
    unscored = client.get(f"/moderate/comments/{scored[None].id}").get_data(as_text=True)
    assert "<dt>Spam score</dt><dd>—</dd>" in unscored
