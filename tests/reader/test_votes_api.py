"""Votes: one per reader, replaced by a newer one, withdrawn with 0; counters stored on the
comment and shown in the thread, whose cached renderings change with them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, Vote
from tests.factories import make_comment, make_site
from tests.statements import statements_of

THREAD = "/api/v1/sites/blog/comments"
FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


def vote(client, comment_id, value, *, ip="10.0.0.2", token=None, **kwargs):
    body = {"value": value}
    if token:
        body["author_token"] = token
    return client.post(f"/api/v1/comments/{comment_id}/vote", json=body, environ_base={"REMOTE_ADDR": ip}, **kwargs)


@pytest.fixture
def site(app):
    return make_site("blog", policy=FAST_POLICY)


@pytest.fixture
def comment(site):
    return make_comment(site, "a", body="Worth a vote", ip_hash="author-address")


def stored(comment_id):
    db.session.expire_all()
    row = db.session.get(Comment, comment_id)
    return row.likes, row.dislikes


def test_like_then_dislike_then_withdraw(client, comment):
    first = vote(client, comment.id, 1)
    assert first.status_code == 200
    assert first.get_json() == {"comment_id": comment.id, "likes": 1, "dislikes": 0, "vote": 1}
    assert vote(client, comment.id, -1).get_json() == {"comment_id": comment.id, "likes": 0, "dislikes": 1, "vote": -1}
    assert vote(client, comment.id, 0).get_json() == {"comment_id": comment.id, "likes": 0, "dislikes": 0, "vote": 0}
    assert stored(comment.id) == (0, 0)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Vote)).scalar() == 0


def test_one_vote_per_reader_and_one_per_address(client, comment):
    assert vote(client, comment.id, 1).get_json()["likes"] == 1
    assert vote(client, comment.id, 1).get_json()["likes"] == 1  # the same reader again: no second like
    assert vote(client, comment.id, 1, ip="10.0.0.3").get_json()["likes"] == 2
    assert vote(client, comment.id, -1, ip="10.0.0.4").get_json() == {
        "comment_id": comment.id, "likes": 2, "dislikes": 1, "vote": -1}
    assert stored(comment.id) == (2, 1)


def test_a_known_author_token_is_the_reader_whatever_their_address(client, site, comment):
    posted = client.post(THREAD, json={"article": "a", "author": "Bea", "body": "My own words"},
                         environ_base={"REMOTE_ADDR": "10.0.0.9"})
    token = posted.get_json()["author_token"]
    assert vote(client, comment.id, 1, ip="10.0.1.1", token=token).get_json()["likes"] == 1
    assert vote(client, comment.id, 1, ip="10.0.1.2", token=token).get_json()["likes"] == 1
    # ...and their own comment refuses their vote, from any address
    own = vote(client, posted.get_json()["comment"]["id"], 1, ip="10.0.1.3", token=token)
    assert own.status_code == 403
    assert own.get_json() == {"code": 403, "status": "Forbidden", "message": "You cannot vote on your own comment."}


def test_a_made_up_token_counts_as_the_address(client, comment):
    assert vote(client, comment.id, 1, token="invented-1").get_json()["likes"] == 1
    assert vote(client, comment.id, 1, token="invented-2").get_json()["likes"] == 1


def test_no_vote_on_ones_own_comment_from_its_address(app, client, site):
    from service.net import client_ip  # noqa: F401  (the address the service sees is REMOTE_ADDR)
    from service.security import hash_ip

    own = make_comment(site, "a", ip_hash=hash_ip("10.0.0.7"))
    response = vote(client, own.id, 1, ip="10.0.0.7")
    assert response.status_code == 403
    assert stored(own.id) == (0, 0)


@pytest.mark.parametrize("status", ["pending", "rejected", "spam", "deleted"])
def test_no_vote_on_a_comment_that_is_not_published(client, site, status):
    held = make_comment(site, "a", status=status)
    response = vote(client, held.id, 1)
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "status": "Not Found", "message": f"No published comment {held.id}."}
    assert stored(held.id) == (0, 0)


def test_unknown_comment_is_404(client, site):
    assert vote(client, 999999, 1).status_code == 404


@pytest.mark.parametrize("payload", [{"value": 2}, {"value": "1"}, {"value": True}, {}, {"value": 1, "x": 1},
                                     {"value": 1.5}, {"value": None}])
def test_bad_values_get_the_error_envelope_and_change_nothing(client, comment, payload):
    response = client.post(f"/api/v1/comments/{comment.id}/vote", json=payload)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity" and body["errors"]["json"]
    assert stored(comment.id) == (0, 0)


def test_a_vote_must_be_json(client, comment):
    assert client.post(f"/api/v1/comments/{comment.id}/vote", data="value=1").status_code == 415


def test_votes_off_refuses_and_the_thread_shows_no_counts(client):
    site = make_site("blog", policy={**FAST_POLICY, "votes": "off"})
    c = make_comment(site, "a")
    response = vote(client, c.id, 1)
    assert response.status_code == 403
    assert response.get_json()["message"] == "This site does not take votes."
    item = client.get(THREAD, query_string={"article": "a"}).get_json()["comments"][0]
    assert item["likes"] is None and item["dislikes"] is None


def test_likes_only_refuses_dislikes_and_shows_no_dislike_count(client):
    site = make_site("blog", policy={**FAST_POLICY, "votes": "likes"})
    c = make_comment(site, "a")
    refused = vote(client, c.id, -1)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"json": {"value": ["This site takes likes only: send 1, or 0 to withdraw."]}}
    assert vote(client, c.id, 1).get_json()["likes"] == 1
    item = client.get(THREAD, query_string={"article": "a"}).get_json()["comments"][0]
    assert item["likes"] == 1 and item["dislikes"] is None


def test_the_thread_carries_the_counts_and_its_etag_changes_with_a_vote(client, comment):
    before = client.get(THREAD, query_string={"article": "a"})
    item = before.get_json()["comments"][0]
    assert (item["likes"], item["dislikes"], item["pinned"], item["by_moderator"]) == (0, 0, False, False)
    vote(client, comment.id, 1)
    after = client.get(THREAD, query_string={"article": "a"}, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["comments"][0]["likes"] == 1


def test_the_embed_page_changes_with_a_vote(client, comment):
    before = client.get("/embed/blog", query_string={"article": "a"})
    vote(client, comment.id, 1)
    after = client.get("/embed/blog", query_string={"article": "a"}, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert 'data-likes="1"' in after.get_data(as_text=True)


def test_order_top_ranks_by_confidence_and_keeps_replies_in_time_order(client, site):
    loved = make_comment(site, "a", body="loved by two")
    once = make_comment(site, "a", body="liked once")
    disliked = make_comment(site, "a", body="disliked")
    first_reply = make_comment(site, "a", body="first reply", parent=disliked)
    second_reply = make_comment(site, "a", body="second reply", parent=disliked)
    for ip in ("10.1.0.1", "10.1.0.2", "10.1.0.3"):
        vote(client, loved.id, 1, ip=ip)
    vote(client, once.id, 1, ip="10.1.0.4")
    vote(client, disliked.id, -1, ip="10.1.0.5")
    vote(client, second_reply.id, 1, ip="10.1.0.6")
    body = client.get(THREAD, query_string={"article": "a", "order": "top"}).get_json()
    assert body["order"] == "top"
    assert [c["id"] for c in body["comments"]] == [loved.id, once.id, disliked.id]
    assert [r["id"] for r in body["comments"][2]["replies"]] == [first_reply.id, second_reply.id]


def test_order_must_be_one_of_the_three(client, site):
    response = client.get(THREAD, query_string={"article": "a", "order": "best"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"order": ["Must be one of: oldest, newest, top."]}}


def test_votes_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        site = make_site("blog", policy=FAST_POLICY)
        comment_id = make_comment(site, "a").id
    client = app.test_client()
    codes = [vote(client, comment_id, 1 if i % 2 else -1).status_code for i in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429



def test_a_vote_costs_no_more_statements_than_a_post(client, comment):
    # warm both paths (site caches, compiled statements), then count
    client.post(THREAD, json={"article": "a", "author": "Cy", "body": "warm up"}, environ_base={"REMOTE_ADDR": "10.2.0.1"})
    vote(client, comment.id, 1, ip="10.2.0.1")
    post = statements_of(lambda: client.post(THREAD, json={"article": "a", "author": "Cy", "body": "counted post"},
                                           environ_base={"REMOTE_ADDR": "10.2.0.2"}))
    liked = statements_of(lambda: vote(client, comment.id, 1, ip="10.2.0.3"))
    changed = statements_of(lambda: vote(client, comment.id, -1, ip="10.2.0.3"))
    assert len(liked) <= len(post) and len(changed) <= len(post)
    assert stored(comment.id) == (1, 1)


def test_a_vote_from_a_page_the_site_did_not_list_is_refused(client):
    site = make_site("blog", origins=["https://blog.example"], policy=FAST_POLICY)
    c = make_comment(site, "a")
    refused = vote(client, c.id, 1, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    allowed = vote(client, c.id, 1, headers={"Origin": "https://blog.example"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://blog.example"
    assert stored(c.id) == (1, 0)
