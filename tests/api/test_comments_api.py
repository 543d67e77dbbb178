"""POST and GET /api/v1/sites/{site}/comments: status codes and whole bodies."""

import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, ModerationEvent
from tests.factories import make_comment, make_site

URL = "/api/v1/sites/blog/comments"


def post(client, **fields):
    body = {"article": "/2008/03/interview", "author": "Ann", "body": "Thanks for this *interview*."}
    body.update(fields)
    return client.post(URL, json=body)


def rows(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_published_comment_answers_201_with_the_comment_and_tokens(client):
    make_site()
    response = post(client, website="https://ann.example.com", email="Ann@Example.com")
    assert response.status_code == 201
    body = response.json
    comment = body.pop("comment")
    assert set(body) == {"status", "message", "edit_token", "edit_until", "author_token"}
    assert body["status"] == "approved" and body["message"] == "Your comment is published."
    assert len(body["edit_token"]) >= 32 and len(body["author_token"]) >= 32
    created = datetime.fromisoformat(comment.pop("created"))
    assert created.tzinfo is not None
    assert re.fullmatch(r"/avatars/[0-9a-f]{24}\.svg", comment.pop("avatar"))  # the picture the thread shows
    assert comment == {
        "id": comment["id"], "article": "/2008/03/interview", "parent_id": None, "author": "Ann",
        "website": "https://ann.example.com", "body_html": "<p>Thanks for this <em>interview</em>.</p>",
        "status": "approved", "edited": False, "by_moderator": False,
    }


def test_stored_comment_keeps_source_sanitized_html_and_only_hashes(client):
    make_site()
    token = post(client, email="ann@example.com").json["edit_token"]
    comment = db.session.execute(sa.select(Comment)).scalar_one()
    assert comment.body == "Thanks for this *interview*."
    assert comment.body_html == "<p>Thanks for this <em>interview</em>.</p>"
    assert comment.edit_token_hash != token and len(comment.edit_token_hash) == 64
    assert comment.ip_hash != "127.0.0.1" and len(comment.ip_hash) == 32
    assert comment.email == "ann@example.com"


def test_the_answer_describes_the_row_as_stored(client):
    make_site()
    answer = post(client, email="ann@example.com", notify_replies=True).json["comment"]
    db.session.expire_all()
    stored = db.session.get(Comment, answer["id"])
    assert stored.created_at == datetime.fromisoformat(answer["created"]) == stored.updated_at
    assert (stored.status.value, stored.body_html, stored.author) == (answer["status"], answer["body_html"], "Ann")
    assert (stored.revision, stored.flag_count, stored.edited_at, stored.notify_replies) == (1, 0, None, True)
    assert stored.user_agent.startswith("Werkzeug") and len(stored.fingerprint) == 32


def test_submission_writes_comment_event_and_counters_together(client):
    make_site()
    post(client)
    article = db.session.execute(sa.select(Article)).scalar_one()
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert (article.approved_count, article.pending_count, article.version) == (1, 0, 1)
    assert (event.actor, event.from_status, event.to_status) == ("rules", None, "approved")
    assert (event.action, event.moderator_id, event.note, event.reasons) == ("status", None, None, [])
    assert event.created_at is not None


def test_pre_moderated_comment_answers_202_and_stays_out_of_the_thread(client):
    make_site(mode="pre")
    response = post(client)
    assert response.status_code == 202
    assert response.json["status"] == "pending"
    assert response.json["message"] == "Your comment is awaiting moderation."
    thread = client.get(URL, query_string={"article": "/2008/03/interview"}).json
    assert thread["count"] == 0 and thread["comments"] == []
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.approved_count, article.pending_count) == (0, 1)
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert event.reasons[0]["code"] == "pre_moderation"


def test_unknown_article_is_an_empty_thread(client):
    make_site()
    response = client.get(URL, query_string={"article": "never-seen"})
    assert response.status_code == 200
    assert response.json == {"article": "never-seen", "count": 0, "order": "oldest", "page": 1, "per_page": 50,
                             "total_threads": 0, "comments": []}
    assert rows(Article) == 0  # reading never creates


def test_thread_nests_replies_and_orders_oldest_first(client):
    site = make_site()
    first = make_comment(site, "a", body="first")
    reply = make_comment(site, "a", body="reply", parent=first)
    make_comment(site, "a", body="reply to reply", parent=reply)
    make_comment(site, "a", body="second")
    make_comment(site, "a", body="held", status="pending")
    thread = client.get(URL, query_string={"article": "a"}).json
    assert thread["count"] == 4 and thread["total_threads"] == 2
    assert [c["body_html"] for c in thread["comments"]] == ["<p>first</p>", "<p>second</p>"]
    nested = thread["comments"][0]["replies"][0]
    assert nested["body_html"] == "<p>reply</p>" and nested["parent_id"] == first.id
    assert nested["replies"][0]["body_html"] == "<p>reply to reply</p>"
    newest = client.get(URL, query_string={"article": "a", "order": "newest"}).json
    assert [c["body_html"] for c in newest["comments"]] == ["<p>second</p>", "<p>first</p>"]


def test_thread_paginates_top_level_comments(client):
    site = make_site()
    for i in range(5):
        make_comment(site, "a", body=f"c{i}")
    page = client.get(URL, query_string={"article": "a", "page": 2, "per_page": 2}).json
    assert [c["body_html"] for c in page["comments"]] == ["<p>c2</p>", "<p>c3</p>"]
    assert page["total_threads"] == 5 and page["count"] == 5


def test_reply_to_a_comment_of_another_article_is_refused(client):
    site = make_site()
    other = make_comment(site, "other")
    response = post(client, parent_id=other.id)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"parent_id": ["No such published comment on this article."]}}
    assert rows(Comment) == 1


def test_reply_is_stored_under_its_parent(client):
    site = make_site()
    parent = make_comment(site, "/2008/03/interview")
    response = post(client, parent_id=parent.id)
    assert response.status_code == 201 and response.json["comment"]["parent_id"] == parent.id


def test_email_never_appears_in_public_output(client):
    make_site()
    created = post(client, email="secret@example.com")
    thread = client.get(URL, query_string={"article": "/2008/03/interview"})
    assert b"secret@example.com" not in created.data and b"secret@example.com" not in thread.data


def test_thread_answers_304_to_a_matching_etag(client):
    site = make_site()
    make_comment(site, "a")
    first = client.get(URL, query_string={"article": "a"})
    etag = first.headers["ETag"]
    again = client.get(URL, query_string={"article": "a"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_comment(site, "a")
    changed = client.get(URL, query_string={"article": "a"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize(("field", "value", "message"), [
    ("website", "javascript:alert(1)", "Enter a web address starting with http:// or https://."),
    ("website", "ftp://example.com", "Enter a web address starting with http:// or https://."),
    ("email", "not-an-email", "Not a valid email address."),
    ("author", "   ", "Enter a name."),
    ("body", "   \n ", "Write something first."),
    ("article", "", "Article IDs are 1 to 255 characters long."),
    ("article", "x" * 256, "Article IDs are 1 to 255 characters long."),
    ("article", "a\x00b", "Article IDs contain printable characters only."),
    ("parent_id", "1", "Not a valid integer."),
])
def test_invalid_fields_answer_422_naming_the_field(client, field, value, message):
    make_site()
    response = post(client, **{field: value})
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"json": {field: [message]}}}
    assert rows(Comment) == 0 and rows(Article) == 0


def test_article_ids_may_be_paths_numbers_or_slugs(client):
    make_site()
    for n, key in enumerate(("/2008/03/interview", "12345", "my-post", "https://blog.example.com/p?id=3")):
        # The body does not repeat the key: a bare link is what the spam filter holds.
        assert post(client, article=key, body=f"A thought about article number {n}.").status_code == 201
    counts = client.get("/api/v1/sites/blog/counts", query_string={"article": ["12345", "my-post"]}).json
    assert counts == {"counts": {"12345": 1, "my-post": 1}}
