"""The moderation API shows each comment's spam score and filters by it (`min_spam_score`)."""

from __future__ import annotations

import pytest

from tests.factories import scored_comments


@pytest.fixture
def scored(blog):
    return scored_comments(blog)


def test_the_moderation_api_shows_and_filters_by_score(client, scored, blog_mod):
    everything = client.get("/api/v1/moderation/comments?status=approved", headers=blog_mod.headers).json
    assert {c["id"]: c["spam_score"] for c in everything["comments"]} == {c.id: s for s, c in scored.items()}
    suspicious = client.get("/api/v1/moderation/comments?status=approved&min_spam_score=0.5",
                            headers=blog_mod.headers).json
    assert [c["id"] for c in suspicious["comments"]] == [scored[0.93].id, scored[0.5].id]
    assert suspicious["total"] == 2
    for bad in ("1.5", "-0.1", "high"):
        answer = client.get(f"/api/v1/moderation/comments?min_spam_score={bad}", headers=blog_mod.headers)
        assert answer.status_code == 422, bad
