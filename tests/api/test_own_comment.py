"""PATCH and DELETE /api/v1/comments/{id} with the edit token, within the edit window."""

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, ModerationEvent
from tests.factories import make_site


def submit(client, body="First version."):
    response = client.post("/api/v1/sites/blog/comments", json={"article": "a", "author": "Ann", "body": body})
    return response.json["comment"]["id"], response.json["edit_token"]


def test_author_edits_within_the_window_and_the_edit_is_sanitized_and_recorded(client):
    make_site()
    comment_id, token = submit(client)
    response = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Second <b>version</b> *now*"},
                            headers={"X-Edit-Token": token})
    assert response.status_code == 200
    assert response.json["body_html"] == "<p>Second &lt;b&gt;version&lt;/b&gt; <em>now</em></p>"
    assert response.json["edited"] is True
    event = db.session.execute(sa.select(ModerationEvent).filter_by(action="edit")).scalar_one()
    assert (event.actor, event.from_status, event.to_status) == ("author", "approved", "approved")
    thread = client.get("/api/v1/sites/blog/comments", query_string={"article": "a"}).json
    assert thread["comments"][0]["body_html"] == "<p>Second &lt;b&gt;version&lt;/b&gt; <em>now</em></p>"


def test_wrong_or_missing_token_is_the_404_of_a_missing_comment(client):
    make_site()
    comment_id, _ = submit(client)
    for headers in ({"X-Edit-Token": "guess"}, {}):
        response = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "hijack"}, headers=headers)
        assert response.status_code == 404
        assert response.json == {"code": 404, "status": "Not Found",
                                 "message": "No such comment, or this edit token does not belong to it."}


def test_after_the_window_the_comment_is_fixed(make_app):
    app = make_app(EDIT_WINDOW_SECONDS=0)
    with app.app_context():
        client = app.test_client()
        make_site()
        comment_id, token = submit(client)
        response = client.delete(f"/api/v1/comments/{comment_id}", headers={"X-Edit-Token": token})
        assert response.status_code == 403
        assert response.json["message"] == "The time to edit or delete this comment has passed."


def test_author_deletes_and_the_count_follows(client):
    make_site()
    comment_id, token = submit(client)
    assert client.delete(f"/api/v1/comments/{comment_id}", headers={"X-Edit-Token": token}).status_code == 204
    assert client.get("/api/v1/sites/blog/counts", query_string={"article": "a"}).json == {"counts": {"a": 0}}
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.approved_count, article.pending_count) == (0, 0)
    again = client.delete(f"/api/v1/comments/{comment_id}", headers={"X-Edit-Token": token})
    assert again.status_code == 404


def test_an_edit_that_adds_a_banned_word_takes_the_comment_down(client):
    make_site(policy={"banned_words": ["casino"]})
    comment_id, token = submit(client)
    response = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "visit my c4sino"},
                            headers={"X-Edit-Token": token})
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert client.get("/api/v1/sites/blog/counts", query_string={"article": "a"}).json == {"counts": {"a": 0}}


def test_unknown_comment_is_404(client):
    response = client.patch("/api/v1/comments/999", json={"body": "x"}, headers={"X-Edit-Token": "t"})
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found",
                             "message": "No such comment, or this edit token does not belong to it."}
