"""Moderators' decisions through the API (one and bulk) become the spam filter's labels."""

from __future__ import annotations

from service.services.moderation.spam_filter import collect_labels
from tests.factories import make_comment

URL = "/api/v1/moderation/comments"


def labels():
    return {label.comment_id: label.spam for label in collect_labels()}


def test_api_decisions_are_labels_and_reject_is_not(client, blog, blog_mod):
    good, bad, rude = (make_comment(blog, status="pending") for _ in range(3))
    assert client.patch(f"{URL}/{good.id}", json={"status": "approved"}, headers=blog_mod.headers).status_code == 200
    assert client.patch(f"{URL}/{bad.id}", json={"status": "spam"}, headers=blog_mod.headers).status_code == 200
    assert client.patch(f"{URL}/{rude.id}", json={"status": "rejected"}, headers=blog_mod.headers).status_code == 200
    assert labels() == {good.id: False, bad.id: True}


def test_api_bulk_decisions_are_labels(client, blog, blog_mod):
    a, b = make_comment(blog, status="pending"), make_comment(blog, status="pending")
    response = client.post(f"{URL}/bulk", json={"ids": [a.id, b.id], "status": "approved"}, headers=blog_mod.headers)
    assert response.status_code == 200
    assert labels() == {a.id: False, b.id: False}


def test_comments_the_rules_approved_are_not_labels(client, blog):
    make_comment(blog, status="approved")
    make_comment(blog, status="spam")
    assert labels() == {}
