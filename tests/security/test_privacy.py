"""Privacy: emails never leave through a public endpoint; `privacy export` shows everything stored
about an address and `privacy erase` removes it, with the stored counters staying exact."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Block, Comment, CommentStatus, ModerationEvent, OutboxMessage
from service.services.administration.moderators import create_moderator
from tests.factories import make_comment, make_site

EMAIL = "secret.reader.7f3a@example.org"
LOCAL_PART = "secret.reader.7f3a"
FAST = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


def never_shows_the_email(text: str, where: str) -> None:
    lowered = text.lower()
    for form in (EMAIL, LOCAL_PART, quote(EMAIL), EMAIL.replace("@", "&#64;"), EMAIL.replace(".", "&#46;")):
        assert form.lower() not in lowered, f"{where} shows the email ({form})"


def test_no_public_endpoint_shows_a_commenters_email(app, client):
    make_site("blog", policy=FAST)
    make_site("held", mode="pre", policy=FAST)
    created = client.post("/api/v1/sites/blog/comments", json={
        "article": "post-1", "author": "Ann Reader", "email": EMAIL, "website": "https://reader.example",
        "body": "Public words.", "notify_replies": True})
    assert created.status_code == 201
    never_shows_the_email(created.get_data(as_text=True), "the create response")
    comment_id, edit_token = created.json["comment"]["id"], created.json["edit_token"]
    held = client.post("/api/v1/sites/held/comments", json={"article": "post-1", "author": "Ann Reader",
                                                             "email": EMAIL.upper(), "body": "Held words."})
    assert held.status_code == 202
    never_shows_the_email(held.get_data(as_text=True), "the held create response")
    reply = client.post("/api/v1/sites/blog/comments", json={"article": "post-1", "author": "Other",
                                                              "body": "A reply.", "parent_id": comment_id})
    assert reply.status_code == 201

    form = client.post("/embed/held?article=post-2", data={"author": "Ann Reader", "email": EMAIL, "website": "",
                                                           "body": "Held through the form.", "homepage": ""})
    assert form.status_code == 303
    pages = {
        "thread JSON": client.get("/api/v1/sites/blog/comments?article=post-1"),
        "thread JSON, newest first": client.get("/api/v1/sites/blog/comments?article=post-1&order=newest"),
        "counts": client.get("/api/v1/sites/blog/counts?article=post-1&article=post-2"),
        "embed page": client.get("/embed/blog?article=post-1"),
        "embed page of the held site": client.get("/embed/held?article=post-1"),
        "embed page shown to the held author": client.get(form.headers["Location"]),
        "count.js": client.get("/count.js"),
        "embed.js": client.get("/embed.js"),
        "preview": client.post("/api/v1/preview", json={"body": "Some *text*"}),
        "own edit": client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Edited words."},
                                 headers={"X-Edit-Token": edit_token}),
        "report": client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "spam"}),
        "OpenAPI document": client.get("/api/v1/openapi.json"),
        "demo page": client.get("/demo/"),
    }
    for where, response in pages.items():
        assert response.status_code < 400, (where, response.status_code)
        never_shows_the_email(response.get_data(as_text=True) + str(response.headers), where)
    assert "Public words." in pages["embed page"].get_data(as_text=True)  # the walk saw the comment itself
    stored = db.session.scalars(sa.select(Comment.email).where(Comment.email.is_not(None))).all()
    assert stored and set(stored) == {EMAIL}  # it is stored (lower-cased), only never shown


@pytest.fixture
def history(app):
    """Comments by one address on two sites in every status, other people's comments beside them."""
    blog, other = make_site("blog"), make_site("other")
    mine = [
        make_comment(blog, "a", status="approved", email=EMAIL, author="Rea", body="Mine, approved."),
        make_comment(blog, "a", status="pending", email=EMAIL, author="Rea", body="Mine, pending."),
        make_comment(blog, "b", status="approved", email=EMAIL, author="Rea", body="Mine on b."),
        make_comment(other, "x", status="pending", email=EMAIL, author="Rea", body="Mine elsewhere."),
        make_comment(other, "x", status="spam", email=EMAIL, author="Rea", body="Mine, spam.",
                     reasons=[{"code": "blocked_email", "verdict": "reject", "matched": [EMAIL],
                               "message": "This email address is blocked on this site."}]),
        make_comment(other, "y", status="rejected", email=EMAIL, author="Rea", body="Mine, rejected."),
    ]
    theirs = [
        make_comment(blog, "a", status="approved", email="someone@example.net", body="Theirs."),
        make_comment(blog, "a", status="pending", body="Theirs, pending."),
        make_comment(other, "x", status="approved", body="Theirs elsewhere."),
    ]
    db.session.add(Block(site_id=blog.id, kind="email", value=EMAIL, note="pushy"))
    db.session.add(Block(site_id=other.id, kind="name", value="Rea"))
    db.session.add(OutboxMessage(kind="email", site_id=blog.id, event="comment.reply", recipient=EMAIL,
                                 payload={"to": EMAIL, "comment_id": mine[0].id}))
    db.session.add(OutboxMessage(kind="webhook", site_id=blog.id, event="comment.created",
                                 payload={"comment": {"id": mine[0].id, "email": EMAIL.upper()}}))
    db.session.commit()
    return mine, theirs


def counters_are_exact() -> None:
    for article in db.session.scalars(sa.select(Article)):
        counts = dict(db.session.execute(sa.select(Comment.status, sa.func.count()).where(
            Comment.article_id == article.id).group_by(Comment.status)).all())
        assert article.approved_count == counts.get(CommentStatus.APPROVED, 0), article.key
        assert article.pending_count == counts.get(CommentStatus.PENDING, 0), article.key


def test_export_prints_everything_stored_about_the_address(history, runner):
    mine, _ = history
    create_moderator(EMAIL, "a long enough password", site_slugs=["blog"])
    result = runner.invoke(args=["privacy", "export", "  Secret.Reader.7F3A@Example.org "])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["email"] == EMAIL
    assert [c["id"] for c in data["comments"]] == [c.id for c in mine]
    assert {c["status"] for c in data["comments"]} == {"approved", "pending", "spam", "rejected"}
    assert {(c["site"], c["article"]) for c in data["comments"]} == {("blog", "a"), ("blog", "b"), ("other", "x"),
                                                                     ("other", "y")}
    first = data["comments"][0]
    assert first["body"] == "Mine, approved." and first["author"] == "Rea" and first["email"] == EMAIL
    assert first["ip_hash"] == "ip-hash" and first["history"][0]["to"] == "approved"
    assert data["blocks"] == [{"site": "blog", "kind": "email", "value": EMAIL, "note": "pushy",
                               "expires_at": None, "created_at": data["blocks"][0]["created_at"]}]
    assert data["moderator"]["email"] == EMAIL and data["moderator"]["sites"] == ["blog"]
    assert "password" not in json.dumps(data["moderator"])
    assert {m["kind"] for m in data["outbox"]} == {"email", "webhook"}
    assert "flags" in data["not_stored"]
    assert "Theirs" not in result.output


def test_erase_deletes_and_anonymizes_every_comment_and_keeps_counters_exact(history, runner):
    mine, theirs = history
    result = runner.invoke(args=["privacy", "erase", EMAIL.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert "comments deleted and anonymized: 6 (2 approved, 2 pending, 1 rejected, 1 spam)" in result.output
    assert "blocks on the address removed: 1" in result.output
    db.session.expire_all()
    for comment in mine:
        row = db.session.get(Comment, comment.id)
        assert row.status == CommentStatus.DELETED
        assert (row.author, row.email, row.website, row.body, row.body_html) == ("[erased]", None, None, "", "")
        assert (row.ip_hash, row.user_agent, row.author_key_hash, row.edit_token_hash) == ("", "", None, None)
        last = db.session.scalars(sa.select(ModerationEvent).where(ModerationEvent.comment_id == row.id)
                                  .order_by(ModerationEvent.id.desc())).first()
        assert (last.actor, last.to_status, last.note) == ("system", "deleted", "Erased on request.")
    for comment in theirs:
        assert db.session.get(Comment, comment.id).status != CommentStatus.DELETED
    counters_are_exact()
    dump = json.dumps([[e.reasons, e.note] for e in db.session.scalars(sa.select(ModerationEvent))])
    assert EMAIL not in dump.lower() and "[erased]" in dump
    assert db.session.scalars(sa.select(Block.kind)).all() == ["name"]
    outbox = json.dumps([[m.recipient, m.payload] for m in db.session.scalars(sa.select(OutboxMessage))])
    assert EMAIL not in outbox.lower()
    export = json.loads(runner.invoke(args=["privacy", "export", EMAIL]).output)
    assert export["comments"] == [] and export["blocks"] == [] and export["outbox"] == []


def test_an_erased_comment_leaves_the_public_thread_at_once(make_app):
    app = make_app(CACHE_TTL_SECONDS=60.0)
    with app.app_context():
        blog = make_site("blog")
        make_comment(blog, "a", email=EMAIL, author="Ann Reader", body="Soon gone.")
        client = app.test_client()
        assert "Ann Reader" in client.get("/embed/blog?article=a").get_data(as_text=True)
        assert app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL, "--yes"]).exit_code == 0
        for url in ("/embed/blog?article=a", "/api/v1/sites/blog/comments?article=a"):
            page = client.get(url).get_data(as_text=True)
            assert "Ann Reader" not in page and "Soon gone." not in page
        assert client.get("/api/v1/sites/blog/counts?article=a").json["counts"] == {"a": 0}


def test_erase_can_keep_the_blocks_on_the_address(history, runner):
    result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes", "--keep-blocks"])
    assert result.exit_code == 0 and "blocks on the address, or made from its comments, kept: 1" in result.output
    assert db.session.scalars(sa.select(Block.value).where(Block.kind == "email")).all() == [EMAIL]


def test_erase_asks_first_and_changes_nothing_when_refused(history, runner):
    result = runner.invoke(args=["privacy", "erase", EMAIL], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(Comment.email == EMAIL)) == 6


def test_erase_names_a_moderator_account_it_leaves_alone(history, runner):
    moderator = create_moderator(EMAIL, "a long enough password", site_slugs=["blog"])
    result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert f"a moderator account ({moderator.id}) uses this address" in result.output


def test_erasing_an_unknown_address_changes_nothing(history, runner):
    result = runner.invoke(args=["privacy", "erase", "nobody@example.com", "--yes"])
    assert result.exit_code == 0 and "comments deleted and anonymized: 0 (none)" in result.output
    counters_are_exact()
