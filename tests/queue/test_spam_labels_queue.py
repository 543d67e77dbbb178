"""Moderators' decisions on the queue page become the spam filter's labels."""

from __future__ import annotations

from service.services.moderation.spam_filter import collect_labels, decisions_since
from tests.factories import make_comment

FETCH = {"X-Requested-With": "fetch", "Accept": "application/json"}


def labels():
    return {label.comment_id: label.spam for label in collect_labels()}


def test_approve_and_spam_from_the_queue_page_are_labels_and_reject_is_not(as_user, world, held):
    second = make_comment(world.blog, "post-2", status="pending", body="Cheap pills here")
    third = make_comment(world.blog, "post-3", status="pending", body="You are an idiot")
    client = as_user("mod@example.org")
    assert labels() == {}
    assert client.post(f"/moderate/comments/{held.id}/status", data={"status": "approved"},
                       headers=FETCH).status_code == 200
    assert client.post(f"/moderate/comments/{second.id}/status", data={"status": "spam"},
                       headers=FETCH).status_code == 200
    assert client.post(f"/moderate/comments/{third.id}/status", data={"status": "rejected"},
                       headers=FETCH).status_code == 200
    assert labels() == {held.id: False, second.id: True}
    assert decisions_since(None) == 2


def test_the_latest_decision_is_the_label(as_user, world, held):
    client = as_user("mod@example.org")
    client.post(f"/moderate/comments/{held.id}/status", data={"status": "approved"}, headers=FETCH)
    assert labels() == {held.id: False}
    client.post(f"/moderate/comments/{held.id}/status", data={"status": "spam"}, headers=FETCH)
    assert labels() == {held.id: True}


def test_bulk_action_on_the_queue_page_labels_every_comment(as_user, world, held):
    other = make_comment(world.blog, "post-2", status="pending")
    client = as_user("mod@example.org")
    response = client.post("/moderate/comments/bulk", data={"ids": [str(held.id), str(other.id)], "status": "spam"})
    assert response.status_code == 302
    assert labels() == {held.id: True, other.id: True}
