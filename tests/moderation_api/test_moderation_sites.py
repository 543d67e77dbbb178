"""Site endpoints of the moderation API: blocks (and blocking a comment's author), policy, dry run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from service.extensions import db
from service.models import Block, ModerationEvent, Site
from service.security import hash_ip
from tests.factories import make_comment
from tests.moderation_api.conftest import forbidden

BLOCKS = "/api/v1/moderation/sites/blog/blocks"
POLICY = "/api/v1/moderation/sites/blog/policy"


def block_body(block: Block) -> dict:
    return {"id": block.id, "kind": block.kind, "value": block.value, "note": block.note,
            "expires_at": block.expires_at.isoformat() if block.expires_at else None,
            "created": block.created_at.isoformat(), "created_by": block.created_by}


def test_create_list_and_delete_a_block(client, blog, blog_mod):
    response = client.post(BLOCKS, json={"kind": "email", "value": "  Troll@Example.ORG ", "note": "Spam run"},
                           headers=blog_mod.headers)
    assert response.status_code == 201
    block = db.session.execute(sa.select(Block)).scalar_one()
    assert response.json == block_body(block)
    assert block.value == "troll@example.org" and block.created_by is None
    assert client.get(BLOCKS, headers=blog_mod.headers).json == {"blocks": [block_body(block)]}
    response = client.delete(f"{BLOCKS}/{block.id}", headers=blog_mod.headers)
    assert response.status_code == 204 and response.data == b""
    assert client.get(BLOCKS, headers=blog_mod.headers).json == {"blocks": []}


def test_block_values_are_normalized_per_kind(client, blog, blog_mod):
    cases = [("domain", "@Spam.Example.", "spam.example"), ("name", "  Mr ÉVIL ", "mr évil"),
             ("ip", "203.0.113.9", None), ("ip", "ABCDEF0123456789ABCDEF0123456789", "abcdef0123456789abcdef0123456789")]
    for kind, value, stored in cases:
        response = client.post(BLOCKS, json={"kind": kind, "value": value}, headers=blog_mod.headers)
        assert response.status_code == 201, response.json
        assert response.json["value"] == (stored or hash_ip("203.0.113.9"))


def test_invalid_block_values_are_422_naming_the_field(client, blog, blog_mod):
    for kind, value, message in [("email", "not-an-email", "Enter an email address."),
                                 ("domain", "no spaces.example", "Enter a domain such as example.com."),
                                 ("ip", "999.1.1.1", "Enter an IP address, or the address hash shown on a comment.")]:
        response = client.post(BLOCKS, json={"kind": kind, "value": value}, headers=blog_mod.headers)
        assert response.status_code == 422
        assert response.json == {"code": 422, "status": "Unprocessable Entity", "message": "Invalid value.",
                                 "errors": {"json": {"value": [message]}}}
    response = client.post(BLOCKS, json={"kind": "face", "value": "x"}, headers=blog_mod.headers)
    assert response.json["errors"] == {"json": {"kind": ["Must be one of: email, domain, ip, name."]}}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Block)).scalar_one() == 0


def test_expired_blocks_are_listed_only_on_request_and_past_expiry_is_refused(client, blog, blog_mod):
    past = datetime.now(timezone.utc) - timedelta(hours=1)
    response = client.post(BLOCKS, json={"kind": "name", "value": "x", "expires_at": past.isoformat()},
                           headers=blog_mod.headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"expires_at": ["Choose a time in the future."]}}
    db.session.add(Block(site_id=blog.id, kind="name", value="old", expires_at=past))
    db.session.commit()
    assert client.get(BLOCKS, headers=blog_mod.headers).json == {"blocks": []}
    listed = client.get(BLOCKS + "?include_expired=true", headers=blog_mod.headers).json["blocks"]
    assert [b["value"] for b in listed] == ["old"]


def test_delete_a_block_of_another_site_is_404(client, blog, other, admin):
    db.session.add(Block(site_id=other.id, kind="name", value="x"))
    db.session.commit()
    block_id = db.session.execute(sa.select(Block.id)).scalar_one()
    response = client.delete(f"{BLOCKS}/{block_id}", headers=admin.headers)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": f"No block {block_id} on this site."}


def test_block_the_author_of_a_comment_with_expiry(client, blog, blog_mod):
    comment = make_comment(blog, author="Spammer", email="s@example.org", ip_hash="ab" * 16)
    until = datetime.now(timezone.utc) + timedelta(days=7)
    response = client.post(f"/api/v1/moderation/comments/{comment.id}/block-author",
                           json={"expires_at": until.isoformat()}, headers=blog_mod.headers)
    assert response.status_code == 201
    assert [(b["kind"], b["value"], b["note"]) for b in response.json["blocks"]] == [
        ("email", "s@example.org", f"Author of comment {comment.id}."), ("ip", "ab" * 16, f"Author of comment {comment.id}."),
        ("name", "spammer", f"Author of comment {comment.id}.")]
    assert all(b["expires_at"] for b in response.json["blocks"])


def test_blocked_author_is_refused_when_commenting_again(client, blog, blog_mod):
    comment = make_comment(blog, author="Spammer", email="s@example.org")
    client.post(f"/api/v1/moderation/comments/{comment.id}/block-author", json={"kinds": ["email"]},
                headers=blog_mod.headers)
    response = client.post("/api/v1/sites/blog/comments",
                           json={"article": "post-1", "author": "Someone", "email": "S@example.org", "body": "Hi"})
    assert response.status_code == 403
    assert [r["code"] for r in response.json["reasons"]] == ["not_accepted"]  # blocks are not named publicly
    event = db.session.execute(sa.select(ModerationEvent).where(
        ModerationEvent.comment_id == response.json["comment_id"])).scalar_one()
    assert [r["code"] for r in event.reasons] == ["blocked_email"]


def test_moderators_read_the_policy_but_only_admins_change_it(client, blog, blog_mod, admin):
    response = client.get(POLICY, headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json["policy"]["mode"] == "post" and response.json["policy"]["flags_to_review"] == 3
    response = client.put(POLICY, json={"mode": "pre"}, headers=blog_mod.headers)
    assert response.status_code == 403
    assert response.json == forbidden("Only administrators may do this.")
    response = client.put(POLICY, json={"mode": "pre", "flags_to_review": 2}, headers=admin.headers)
    assert response.status_code == 200
    assert response.json["policy"]["mode"] == "pre" and response.json["policy"]["flags_to_review"] == 2
    db.session.expire_all()
    assert db.session.get(Site, blog.id).policy == {"mode": "pre", "flags_to_review": 2}


def test_invalid_policy_is_422_and_stores_nothing(client, blog, admin):
    response = client.put(POLICY, json={"mode": "sometimes"}, headers=admin.headers)
    assert response.status_code == 422
    assert response.json["code"] == 422 and response.json["errors"]["json"]["mode"]
    db.session.expire_all()
    assert db.session.get(Site, blog.id).policy == {"mode": "post"}


def test_dry_run_answers_the_verdict_and_stores_nothing(client, blog, blog_mod):
    from service.models import Comment

    response = client.post("/api/v1/moderation/sites/blog/dry-run", json={"body": "Nice post", "author": "Ann"},
                           headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == {"status": "approved", "public_status": "approved", "verdict": "approve", "reasons": []}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 0


def test_dry_run_needs_a_body(client, blog, blog_mod):
    response = client.post("/api/v1/moderation/sites/blog/dry-run", json={}, headers=blog_mod.headers)
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"json": {"body": ["Missing data for required field."]}}}


def test_unknown_site_is_404_for_site_routes(client, blog, admin):
    response = client.get("/api/v1/moderation/sites/nope/policy", headers=admin.headers)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "No site 'nope'."}
