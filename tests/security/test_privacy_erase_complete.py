"""`privacy erase` leaves nothing of the author behind: queued webhook calls, moderator mail and
reply mail about their comments are dropped (those sent keep a scrubbed log), the audit log
loses their name, address hash and edited texts, name and address blocks made from their
comments go (and are counted), and `privacy export` of the address then finds nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from service.auth import Actor
from service.extensions import db
from service.models import Block, Comment, ModerationEvent, OutboxMessage, Site
from service.security import hash_ip
from service.services.administration.moderators import create_moderator
from service.services.delivery.webhooks import create_webhook
from service.services.moderation import blocks, moderation_actions
from tests.integrations.mail_helpers import confirm_address

EMAIL = "rea.der.erase@example.org"
NAME = "Rea Der"
WEBSITE = "https://rea-der.example"
REA_IP = "198.51.100.7"
WORDS = ("Rea's first thoughts", "Rea's second thoughts", "Rea answers Otto", "Rea tries again")
ADMIN = Actor(kind="token", id=1, is_admin=True, site_ids=frozenset(), moderator_id=None, label="token:test")
URL = "/api/v1/sites/blog/comments"
FAST = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000, "hold_disposable_email": False}


@pytest.fixture
def mailing_app(make_app):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=1, PUBLIC_URL="https://comments.example.org")
    with app.app_context():
        yield app
        db.session.remove()


def post(client, ip: str, **fields):
    response = client.post(URL, json={"article": "a", **fields}, environ_base={"REMOTE_ADDR": ip})
    assert response.status_code in (201, 202, 403), response.json
    return response.json


def approve(comment_id: int) -> None:
    moderation_actions.moderate_comment(ADMIN, comment_id, "approved")


def rea(client, **fields):
    return post(client, REA_IP, author=NAME, email=EMAIL, website=WEBSITE, **fields)


def traces() -> tuple[str, ...]:
    return (EMAIL, NAME.lower(), "rea-der.example", hash_ip(REA_IP), *(w.lower() for w in WORDS))


def leftovers(text: str) -> list[str]:
    lowered = text.lower()
    return [trace for trace in traces() if trace in lowered]


def test_erase_leaves_no_trace_in_the_outbox_the_log_or_the_blocks(mailing_app):
    client = mailing_app.test_client()
    site = Site(slug="blog", name="Blog", origins=[], policy={"mode": "pre", **FAST}, settings={})
    db.session.add(site)
    db.session.commit()
    create_webhook(site, "https://hooks.example.org/comments")
    create_moderator("mod@example.org", "a long enough password", site_slugs=["blog"])
    for address in ("otto@example.net", EMAIL):  # reply mail goes only to confirmed addresses
        confirm_address(site, address)

    otto = post(client, "203.0.113.5", author="Otto", email="otto@example.net", body="Otto's view.",
                notify_replies=True)["comment"]["id"]
    approve(otto)
    first = rea(client, body=WORDS[0], notify_replies=True)
    mine = first["comment"]["id"]
    approve(mine)
    edited = client.patch(f"/api/v1/comments/{mine}", json={"body": WORDS[1]},
                          headers={"X-Edit-Token": first["edit_token"]})
    assert edited.json["status"] == "pending"  # reviewed again: a pre site
    approve(mine)
    answer = rea(client, body=WORDS[2], parent_id=otto)["comment"]["id"]
    approve(answer)  # queues reply mail to Otto carrying Rea's words
    reply = post(client, "203.0.113.5", author="Otto", email="otto@example.net", body="Otto replies.",
                 parent_id=mine)["comment"]["id"]
    approve(reply)  # queues reply mail to Rea naming her
    made = blocks.block_author_of_comment(ADMIN, mine, kinds=("email", "ip", "name"))
    assert {b.kind for b in made} == {"email", "ip", "name"}
    refused = rea(client, body=WORDS[3])
    assert refused["code"] == 403
    db.session.add(Block(site_id=site.id, kind="name", value="someone else", note="unrelated"))
    db.session.commit()

    pending = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert any(leftovers(json.dumps(m.payload)) for m in pending if m.kind == "webhook")
    assert any(m.event == "comment.reply" and m.recipient == "otto@example.net" for m in pending)
    assert any(m.event == "comment.reply" and m.recipient == EMAIL for m in pending)
    assert any(m.event == "comment.held" and m.recipient == "mod@example.org" for m in pending)
    events_before = json.dumps([[e.reasons, e.note, e.body_before, e.body_after]
                                for e in db.session.scalars(sa.select(ModerationEvent))])
    assert hash_ip(REA_IP) in events_before and NAME.lower() in events_before.lower()
    # One message was already sent: its log stays, scrubbed.
    sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.payload["id"].as_integer() == mine)
                              .order_by(OutboxMessage.id)).first()
    sent.status = "delivered"
    db.session.commit()
    rea_ids = set(db.session.scalars(sa.select(Comment.id).where(Comment.email == EMAIL)))

    result = mailing_app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL, "--yes"])

    assert result.exit_code == 0, result.output
    assert "blocks on the address removed: 1" in result.output
    assert "name and address blocks made from its comments removed: 2" in result.output
    dropped = int(result.output.split("about its comments dropped: ")[1].split()[0])
    assert dropped >= 5
    db.session.expire_all()
    assert db.session.execute(sa.select(Block.kind, Block.value)).all() == [("name", "someone else")]
    remaining = db.session.scalars(sa.select(OutboxMessage)).all()
    for message in remaining:
        assert not leftovers(json.dumps([message.recipient, message.payload])), (message.event, message.payload)
        if message.status == "pending":
            assert message.payload.get("id") not in rea_ids
            assert message.payload.get("notify_comment_id") not in rea_ids
    assert db.session.get(OutboxMessage, sent.id).payload["author"] == "[erased]"
    assert any(m.payload.get("id") == otto for m in remaining)  # other people's messages stay
    events_after = json.dumps([[e.reasons, e.note, e.body_before, e.body_after]
                               for e in db.session.scalars(sa.select(ModerationEvent))])
    assert leftovers(events_after) == []
    assert "blocked_name" in events_after and "blocked_ip" in events_after  # the why stays, the who goes

    export = json.loads(mailing_app.test_cli_runner().invoke(args=["privacy", "export", EMAIL]).output)
    assert (export["comments"], export["blocks"], export["outbox"], export["moderator"]) == ([], [], [], None)


def test_erase_keeps_the_blocks_made_from_the_comments_when_asked(mailing_app):
    client = mailing_app.test_client()
    db.session.add(Site(slug="blog", name="Blog", origins=[], policy={"mode": "post", **FAST}, settings={}))
    db.session.commit()
    mine = rea(client, body=WORDS[0])["comment"]["id"]
    blocks.block_author_of_comment(ADMIN, mine, kinds=("ip", "name"))
    result = mailing_app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL, "--yes", "--keep-blocks"])
    assert "blocks on the address, or made from its comments, kept: 2" in result.output
    assert sorted(db.session.scalars(sa.select(Block.kind))) == ["ip", "name"]


def test_erase_passes_over_outbox_rows_whose_id_is_not_a_number(mailing_app):
    client = mailing_app.test_client()
    site = Site(slug="blog", name="Blog", origins=[], policy={"mode": "post", **FAST}, settings={})
    db.session.add(site)
    db.session.commit()
    rea(client, body=WORDS[0])
    db.session.add(OutboxMessage(kind="email", site_id=site.id, event="digest", recipient="mod@example.org",
                                 payload={"id": "digest-2026-12-06", "notify_comment_id": None}))
    db.session.commit()
    result = mailing_app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(OutboxMessage.event).where(OutboxMessage.event == "digest")).all() == ["digest"]
