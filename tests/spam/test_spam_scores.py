"""Every comment keeps the learned filter's score for its text: written with the comment,
renewed by its author's edit, none where no filter scored it (the queue and the moderation API
show it and filter by it: tests/queue/test_queue_spam_scores.py and
tests/moderation_api/test_moderation_spam_scores.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment
from service.moderation import engine, rules
from service.moderation.policy import Policy
from service.moderation.sanitize import render_body
from service.moderation.spam_features import spam_features
from service.moderation.spam_model import SpamModel, base_model
from service.moderation.types import Draft, Facts
from service.models import utcnow
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
SPAM_TEXT = "Buy cheap viagra online without prescription, fast shipping https://rx-pharma-store.shop"
PLAIN_TEXT = "Thanks, this fixed my build on Python 3.12."


def post(client, body, **fields):
    return client.post(URL, json={"article": "post-1", "author": "Reader", "body": body, **fields})


def _stored(comment_id: int) -> float | None:
    return db.session.execute(sa.select(Comment.spam_score).where(Comment.id == comment_id)).scalar_one()


def _expected(body: str, author: str = "Reader") -> float:
    return base_model().probability(spam_features(body, author, links=render_body(body).links,
                                                  page_url=None))


def test_the_engine_scores_a_draft_once_and_the_decision_carries_it(monkeypatch):
    model = SpamModel({"w:cheap": 4.0, "w:thanks": -3.0}, 0.0, 0.5)
    calls = []
    real = SpamModel.probability
    monkeypatch.setattr(SpamModel, "probability", lambda self, f: calls.append(1) or real(self, f))
    for text, held in (("cheap cheap cheap", True), ("thanks a lot", False)):
        calls.clear()
        decision = engine.decide(Draft(body=text, author="x"), Facts(now=utcnow(), spam_model=model), Policy())
        assert len(calls) == 1
        assert decision.spam_score == pytest.approx(real(model, spam_features(text, "x")))
        assert ("spam_score" in [r.code for r in decision.reasons]) is held


def test_no_score_without_a_model_or_with_the_filter_off():
    draft = Draft(body="cheap cheap", author="x")
    model = SpamModel({"w:cheap": 4.0}, 0.0, 0.5)
    assert engine.decide(draft, Facts(now=utcnow()), Policy()).spam_score is None
    assert engine.decide(draft, Facts(now=utcnow(), spam_model=model), Policy(spam_filter=False)).spam_score is None
    # The rule on its own (as dry runs and tests call it) scores the draft itself.
    assert rules.spam_score(draft, Facts(now=utcnow(), spam_model=model), Policy()).code == "spam_score"


def test_a_published_and_a_held_comment_keep_their_scores(client, app):
    make_site()
    published = post(client, PLAIN_TEXT)
    held = post(client, SPAM_TEXT)
    assert (published.json["status"], held.json["status"]) == ("approved", "pending")
    low, high = _stored(published.json["comment"]["id"]), _stored(held.json["comment"]["id"])
    assert low == pytest.approx(_expected(PLAIN_TEXT), abs=1e-9)
    assert high == pytest.approx(_expected(SPAM_TEXT), abs=1e-9)
    assert 0 <= low < base_model().threshold <= high <= 1


def test_a_site_with_the_filter_off_stores_no_score(client, app):
    make_site(policy={"spam_filter": False})
    response = post(client, SPAM_TEXT)
    assert response.json["status"] == "approved" and _stored(response.json["comment"]["id"]) is None


def test_an_authors_edit_renews_the_score(client, app):
    make_site()
    created = post(client, PLAIN_TEXT).json
    before = _stored(created["comment"]["id"])
    edited = client.patch(f"/api/v1/comments/{created['comment']['id']}", json={"body": SPAM_TEXT},
                          headers={"X-Edit-Token": created["edit_token"]})
    assert edited.status_code == 200, edited.json
    after = _stored(created["comment"]["id"])
    assert after == pytest.approx(_expected(SPAM_TEXT), abs=1e-9) and after > before
