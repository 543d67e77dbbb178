"""Signed webhooks end to end: a comment posted through the API, an outbox row written with it,
the worker calling a real HTTP receiver on loopback, retries with backoff, the delivery log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, DeliveryAttempt, OutboxMessage, Webhook, utcnow
from service.services.delivery import outbox
from service.services.comments.submissions import Client
from service.services.comments.flags import flag_comment
from service.services.moderation.status import change_status
from service.services.delivery.webhooks import create_webhook
from tests.factories import make_comment, make_site
from tests.integrations.conftest import admin_headers, free_port, verify

COMMENTS = "/api/v1/sites/blog/comments"
HOOKS = "/api/v1/moderation/sites/blog/webhooks"


def post_comment(client, **fields):
    body = {"article": "post-1", "author": "Ann", "email": "ann@example.com", "body": "Thanks for this."}
    body.update(fields)
    return client.post(COMMENTS, json=body)


def messages(**where) -> list[OutboxMessage]:
    return list(db.session.execute(sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)).scalars())


def test_held_comment_is_signed_and_delivered_by_the_worker_not_the_request(app, client, receiver):
    site = make_site("blog", mode="pre")
    create_webhook(site, receiver.url, secret=receiver.secret)

    response = post_comment(client)

    assert response.status_code == 202
    assert receiver.calls == []  # the request only wrote outbox rows
    assert [m.event for m in messages(status="pending")] == ["comment.created", "comment.held"]

    report = outbox.drain()

    assert (report.delivered, report.retrying, report.failed) == (2, 0, 0)
    assert receiver.events() == ["comment.created", "comment.held"]
    for call, message in zip(receiver.calls, messages()):
        assert call.signature_ok
        assert call.path == "/hooks/comments"
        assert call.headers["Content-Type"] == "application/json; charset=utf-8"
        assert call.headers["X-Comments-Delivery"] == str(message.id)
        assert call.headers["X-Comments-Signature"].startswith("sha256=")
    payload = receiver.calls[1].payload
    comment_id = response.json["comment"]["id"]
    assert payload.pop("created") and payload.pop("occurred")
    reasons = payload.pop("reasons")
    stored = db.session.execute(sa.select(Comment.spam_score).where(Comment.id == comment_id)).scalar_one()
    assert 0 < payload.pop("spam_score") == stored < 0.5  # the filter's score for the text, as stored
    assert payload == {
        "event": "comment.held", "id": comment_id, "site": "blog",
        "article": {"key": "post-1", "url": None, "title": None}, "parent_id": None,
        "author": "Ann", "website": None, "status": "pending", "body_html": "<p>Thanks for this.</p>",
    }
    assert [r["code"] for r in reasons] == ["pre_moderation"]
    assert set(reasons[0]) == {"code", "verdict", "message"}
    for call in receiver.calls:
        assert b"ann@example.com" not in call.body and b"ip_hash" not in call.body
    assert all(m.status == "delivered" and m.attempts == 1 for m in messages())


def test_a_tampered_body_fails_the_documented_signature_check(app, client, receiver):
    site = make_site("blog")
    create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
    post_comment(client)
    outbox.drain()
    call = receiver.calls[0]
    assert verify(receiver.secret, call.headers, call.body)
    assert not verify(receiver.secret, call.headers, call.body.replace(b"Ann", b"Bob"))
    assert not verify("another-secret-of-some-length", call.headers, call.body)
    stale = {**call.headers, "X-Comments-Timestamp": str(int(call.headers["X-Comments-Timestamp"]) - 3600)}
    assert not verify(receiver.secret, stale, call.body)


def test_a_failed_call_is_retried_after_the_backoff_and_logged(app, client, receiver):
    site = make_site("blog")
    create_webhook(site, receiver.url, ["comment.approved"], secret=receiver.secret)
    receiver.script = [500]
    post_comment(client)
    now = utcnow()

    first = outbox.drain(now=now)
    message = messages()[0]
    assert (first.retrying, message.status, message.attempts) == (1, "pending", 1)
    assert timedelta(seconds=30) <= message.next_attempt_at - now <= timedelta(seconds=37.5)
    assert message.last_error == "The receiver answered HTTP 500."

    assert outbox.drain(now=now + timedelta(seconds=20)).attempted == 0  # not due yet
    second = outbox.drain(now=now + timedelta(seconds=40))

    db.session.expire_all()
    assert second.delivered == 1
    assert (message.status, message.attempts, message.last_error) == ("delivered", 2, None)
    assert len(receiver.calls) == 2
    assert receiver.calls[0].headers["X-Comments-Delivery"] == receiver.calls[1].headers["X-Comments-Delivery"]
    log = client.get(HOOKS + "/deliveries", headers=admin_headers()).json["deliveries"]
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [("comment.approved", "delivered", 2)]
    assert [a["status_code"] for a in log[0]["log"]] == [500, 200]
    assert log[0]["log"][0]["error"] == "The receiver answered HTTP 500."


def test_delivery_gives_up_after_the_last_backoff(app, receiver):
    site = make_site("blog")
    create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
    receiver.script = [503] * 10
    make_comment(site)
    now = utcnow()
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.drain(now=now).attempted == 1
        db.session.expire_all()
        message = messages()[0]
        if message.status == "pending":
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert len(waits) == len(outbox.BACKOFF_SECONDS)
    for wait, base in zip(waits, outbox.BACKOFF_SECONDS):
        assert base <= wait.total_seconds() <= base * (1 + outbox.JITTER)
    assert outbox.drain(now=now + timedelta(days=2)).attempted == 0
    assert len(receiver.calls) == outbox.MAX_ATTEMPTS


def test_a_redirect_is_a_failed_attempt_not_followed(app, receiver):
    site = make_site("blog")
    create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
    receiver.script = [302]
    make_comment(site)
    assert outbox.drain().retrying == 1
    assert messages()[0].last_error == "The receiver answered HTTP 302."


def test_an_unreachable_receiver_is_retried(app):
    site = make_site("blog")
    create_webhook(site, f"http://127.0.0.1:{free_port()}/hook", ["comment.created"])  # nothing listens
    make_comment(site)
    assert outbox.drain().retrying == 1
    assert "ConnectionRefusedError" in messages()[0].last_error


def test_an_event_survives_a_restart_of_the_process(make_app, receiver):
    first = make_app()
    with first.app_context():
        site = make_site("blog")
        create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
        first.test_client().post(COMMENTS, json={"article": "a", "author": "Ann", "body": "Before the restart."})
        db.session.remove()
        db.engine.dispose()
    del first
    assert receiver.calls == []

    second = make_app()
    with second.app_context():
        assert outbox.drain().delivered == 1
        db.session.remove()
    assert receiver.calls[0].payload["body_html"] == "<p>Before the restart.</p>"


def test_webhook_gets_only_the_events_it_subscribed_to(app, receiver):
    site = make_site("blog", mode="pre")
    create_webhook(site, receiver.url, ["comment.approved", "comment.rejected", "comment.reported"],
                   secret=receiver.secret)
    held = make_comment(site, status="pending")
    spam = make_comment(site, status="pending")
    change_status(held, "approved", site_id=site.id, actor="moderator")
    change_status(spam, "spam", site_id=site.id, actor="moderator")
    db.session.commit()
    for n in range(3):  # the policy's default flags_to_review
        flag_comment(held.id, "abusive", None, Client(ip_hash=f"reader-{n}"))

    outbox.drain()

    assert receiver.events() == ["comment.approved", "comment.rejected", "comment.reported"]
    assert [c.payload["status"] for c in receiver.calls] == ["approved", "spam", "approved"]
    assert receiver.calls[2].payload["flags"] == 3


def test_an_inactive_webhook_gets_nothing_and_a_disabled_one_fails_its_queue(app, receiver):
    site = make_site("blog")
    hook = create_webhook(site, receiver.url, secret=receiver.secret)
    make_comment(site)
    hook.active = False
    db.session.commit()
    make_comment(site)  # queues nothing: the webhook is off
    assert len(messages()) == 2  # created + approved of the first comment
    report = outbox.drain()
    assert (report.failed, receiver.calls) == (2, [])
    assert {m.last_error for m in messages()} == {"The webhook was disabled."}


def test_two_workers_never_deliver_one_message_twice(make_app, receiver):
    import threading
    app = make_app()
    with app.app_context():
        site = make_site("blog")
        create_webhook(site, receiver.url, ["comment.created"], secret=receiver.secret)
        for n in range(24):
            make_comment(site, body=f"Comment {n}")
        db.session.remove()
    reports = []

    def work():
        with app.app_context():
            reports.append(outbox.drain())
            db.session.remove()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    ids = [c.headers["X-Comments-Delivery"] for c in receiver.calls]
    assert len(ids) == 24 and len(set(ids)) == 24
    assert sum(r.delivered for r in reports) == 24
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(DeliveryAttempt)).scalar_one() == 24


def test_a_claim_is_taken_once(app):
    site = make_site("blog")
    create_webhook(site, "http://127.0.0.1:9/hook", ["comment.created"])
    make_comment(site)
    now = utcnow()
    assert len(outbox.claim(now)) == 1
    assert outbox.claim(now) == []  # leased to the first claimant
    assert len(outbox.claim(now + outbox.LEASE + timedelta(seconds=1))) == 1  # the lease ran out


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)",
                                 "http://", "https:///path", "//example.org/hook", "http://exa mple.org/",
                                 "gopher://127.0.0.1:25/", "http://example.org:99999/"])
def test_webhooks_to_non_http_urls_are_refused(app, client, url):
    make_site("blog")
    response = client.post(HOOKS, json={"url": url}, headers=admin_headers())
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]["json"]) == {"url"}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Webhook)).scalar_one() == 0


def test_a_stored_bad_url_fails_without_a_network_call(app):
    site = make_site("blog")
    db.session.add(Webhook(site_id=site.id, url="file:///etc/passwd", secret="s" * 32, events=["comment.created"]))
    db.session.commit()
    make_comment(site)
    assert outbox.drain().failed == 1
    assert messages()[0].last_error == "Webhook URLs start with http:// or https://."
