"""Pinned comments come first in every order; a comment a logged-in moderator writes carries
a badge. Pinning from the moderation API and from the moderator pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, ModerationEvent
from service.services.administration import tokens
from service.services.administration.moderators import create_moderator
from tests.factories import make_comment, make_site

PASSWORD = "correct horse battery"
THREAD = "/api/v1/sites/blog/comments"
MOD_URL = "/api/v1/moderation/comments"
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


@pytest.fixture
def site(app):
    return make_site("blog", policy=FAST_POLICY)


@pytest.fixture
def bot(site):
    _, plaintext = tokens.create_token("bot", site_slugs=["blog"])
    return {"Authorization": f"Bearer {plaintext}"}


def thread_ids(client, order):
    body = client.get(THREAD, query_string={"article": "a", "order": order}).get_json()
    return [c["id"] for c in body["comments"]], body


def test_a_pinned_comment_comes_first_in_every_order(client, site, bot):
    first, middle, last = (make_comment(site, "a", body=f"comment {i}") for i in range(3))
    response = client.patch(f"{MOD_URL}/{middle.id}", json={"pinned": True}, headers=bot)
    assert response.status_code == 200
    body = response.get_json()
    assert body["pinned"] is True and body["status"] == "approved" and body["id"] == middle.id
    assert thread_ids(client, "oldest")[0] == [middle.id, first.id, last.id]
    assert thread_ids(client, "newest")[0] == [middle.id, last.id, first.id]
    ids, body = thread_ids(client, "top")
    assert ids[0] == middle.id
    assert [c["pinned"] for c in body["comments"]] == [True, False, False]


def test_unpinning_restores_the_order_and_both_are_in_the_history(client, site, bot):
    first, second = make_comment(site, "a"), make_comment(site, "a")
    etag = client.get(THREAD, query_string={"article": "a"}).headers["ETag"]
    client.patch(f"{MOD_URL}/{second.id}", json={"pinned": True, "note": "Answers the question."}, headers=bot)
    pinned = client.get(THREAD, query_string={"article": "a"}, headers={"If-None-Match": etag})
    assert pinned.status_code == 200 and [c["id"] for c in pinned.get_json()["comments"]] == [second.id, first.id]
    client.patch(f"{MOD_URL}/{second.id}", json={"pinned": False}, headers=bot)
    assert thread_ids(client, "oldest")[0] == [first.id, second.id]
    events = client.get(f"{MOD_URL}/{second.id}/events", headers=bot).get_json()["events"]
    assert [(e["action"], e["note"]) for e in events[1:]] == [("pin", "Answers the question."), ("unpin", None)]


def test_pinning_again_records_nothing(client, site, bot):
    c = make_comment(site, "a")
    client.patch(f"{MOD_URL}/{c.id}", json={"pinned": True}, headers=bot)
    client.patch(f"{MOD_URL}/{c.id}", json={"pinned": True}, headers=bot)
    count = db.session.execute(sa.select(sa.func.count()).select_from(ModerationEvent)
                               .where(ModerationEvent.comment_id == c.id)).scalar()
    assert count == 2  # created, pinned


def test_status_and_pin_in_one_patch(client, site, bot):
    held = make_comment(site, "a", status="pending")
    response = client.patch(f"{MOD_URL}/{held.id}", json={"status": "approved", "pinned": True}, headers=bot)
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["pinned"]) == ("approved", True)
    assert thread_ids(client, "oldest")[0] == [held.id]


@pytest.mark.parametrize("payload, errors", [
    ({}, {"status": ["Send a status, pinned, or both."]}),
    ({"pinned": 1}, {"pinned": ["Not a valid boolean."]}),
    ({"pinned": "yes"}, {"pinned": ["Not a valid boolean."]}),
])
def test_a_patch_needs_something_valid_to_do(client, site, bot, payload, errors):
    c = make_comment(site, "a")
    response = client.patch(f"{MOD_URL}/{c.id}", json=payload, headers=bot)
    assert response.status_code == 422
    assert response.get_json() == {"code": 422, "status": "Unprocessable Entity",
                                   "message": "Some fields are not valid; see errors.", "errors": {"json": errors}}
    db.session.refresh(c)
    assert c.pinned is False


def test_another_sites_moderator_cannot_pin(client, site):
    make_site("other")
    _, plaintext = tokens.create_token("elsewhere", site_slugs=["other"])
    c = make_comment(site, "a")
    response = client.patch(f"{MOD_URL}/{c.id}", json={"pinned": True},
                            headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 403
    db.session.refresh(c)
    assert c.pinned is False


def _login(client, email):
    assert client.post("/moderate/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_pin_from_the_comment_page_with_its_csrf_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        site = make_site("blog", policy=FAST_POLICY)
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
        c = make_comment(site, "a")
        comment_id = c.id
    client = app.test_client()
    with app.app_context():
        page = client.get("/moderate/login").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    assert client.post("/moderate/login", data={"email": "mod@example.org", "password": PASSWORD,
                                                "csrf_token": token}).status_code == 302
    html = client.get(f"/moderate/comments/{comment_id}").get_data(as_text=True)
    assert f'action="/moderate/comments/{comment_id}/pin"' in html and "Pin to the top" in html
    csrf = TOKEN.search(html.split('class="pin-form">', 1)[1]).group(1)
    refused = client.post(f"/moderate/comments/{comment_id}/pin", data={"pinned": "1"})
    assert refused.status_code in (400, 403)
    done = client.post(f"/moderate/comments/{comment_id}/pin", data={"pinned": "1", "csrf_token": csrf,
                                                                    "next": f"/moderate/comments/{comment_id}"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Comment, comment_id).pinned is True
    assert "Unpin" in client.get(f"/moderate/comments/{comment_id}").get_data(as_text=True)


def test_the_queue_and_article_pages_carry_the_pin_form(app, client, site):
    create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
    c = make_comment(site, "a")
    _login(client, "mod@example.org")
    queue = client.get("/moderate/?tab=approved").get_data(as_text=True)
    assert f'action="/moderate/comments/{c.id}/pin"' in queue
    article = client.get(f"/moderate/articles/{c.article_id}").get_data(as_text=True)
    assert f'action="/moderate/comments/{c.id}/pin"' in article


def test_a_logged_in_moderators_comment_carries_the_badge(app, client, site):
    create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
    _login(client, "mod@example.org")
    posted = client.post(THREAD, json={"article": "a", "author": "The editor", "body": "Thanks, all."})
    assert posted.status_code == 201 and posted.get_json()["comment"]["by_moderator"] is True
    form = client.post("/embed/blog?article=a", data={"author": "The editor", "body": "And from the form."})
    assert form.status_code == 303
    anonymous = app.test_client().post(THREAD, json={"article": "a", "author": "Reader", "body": "Me too."})
    assert anonymous.get_json()["comment"]["by_moderator"] is False
    items = client.get(THREAD, query_string={"article": "a"}).get_json()["comments"]
    assert [c["by_moderator"] for c in items] == [True, True, False]
    page = app.test_client().get("/embed/blog?article=a").get_data(as_text=True)
    assert page.count('class="badge badge-moderator"') == 2


def test_a_moderator_of_another_site_gets_no_badge_here(app, client, site):
    make_site("other")
    create_moderator("elsewhere@example.org", PASSWORD, site_slugs=["other"])
    _login(client, "elsewhere@example.org")
    posted = client.post(THREAD, json={"article": "a", "author": "Visitor", "body": "Hello from elsewhere."})
    assert posted.get_json()["comment"]["by_moderator"] is False


def test_an_api_token_is_not_a_moderator_writing(client, site, bot):
    posted = client.post(THREAD, json={"article": "a", "author": "Bot", "body": "Automated."}, headers=bot)
    assert posted.get_json()["comment"]["by_moderator"] is False
