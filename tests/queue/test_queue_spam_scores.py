"""The queue shows each comment's spam score and filters by it: in Approved, what the learned
filter found suspicious among the published."""

from __future__ import annotations

import re
from html import unescape

import pytest

from service.extensions import db
from service.moderation.spam_features import describe, spam_features
from service.moderation.spam_model import base_model
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


def test_the_comment_page_shows_the_score_and_what_the_model_makes_of_the_text_now(as_user, world, scored):
    client = as_user("admin@example.org")
    page = client.get(f"/moderate/comments/{scored[0.93].id}").get_data(as_text=True)
    assert re.search(r"<dt>Spam score</dt><dd>0\.93 ", page)
    now = base_model().score(spam_features("Comment scored 0.93", "Reader"))
    threshold = base_model().threshold_for(0.02)
    assert (f"The model in service now: {now.value:.2f} (this site holds from {threshold:.2f})"
            f"{'; toward spam: ' if now.top else ''}") in page
    assert all(describe(f) in unescape(page) for f in now.top)
    against = [f for f in base_model().toward_legitimate(spam_features("Comment scored 0.93", "Reader"))
               if f not in now.top]
    assert against and f"; toward legitimate: {', '.join(describe(f) for f in against)}." in unescape(page)
    unscored = client.get(f"/moderate/comments/{scored[None].id}").get_data(as_text=True)
    assert "<dt>Spam score</dt><dd>—<br>" in unscored  # no stored score; the model's view still shown

    world.blog.policy = {**world.blog.policy, "spam_filter": False}
    db.session.commit()
    off = client.get(f"/moderate/comments/{scored[0.93].id}").get_data(as_text=True)
    assert "The model in service now" not in off and re.search(r"<dt>Spam score</dt><dd>0\.93 ", off)
