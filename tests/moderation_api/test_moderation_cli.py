"""The moderators, tokens and history commands."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models import ApiToken, Comment, ModerationEvent, Moderator, utcnow
from service.services.administration import moderators
from tests.factories import make_comment
from tests.moderation_api.conftest import PASSWORD

LIST = "/api/v1/moderation/comments"


def test_tokens_create_prints_the_token_alone_on_the_last_line_and_it_works(runner, client, blog):
    result = runner.invoke(args=["tokens", "create", "ci", "--site", "blog"])
    assert result.exit_code == 0, result.output
    token = result.output.rstrip("\n").split("\n")[-1]
    assert token.startswith("cmt_") and " " not in token
    assert token not in db.session.execute(sa.select(ApiToken.token_hash)).scalar_one()
    response = client.get(LIST, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert client.get(LIST + "?site=blog", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_tokens_list_and_revoke(runner, client, blog):
    token = runner.invoke(args=["tokens", "create", "ci", "--site", "blog"]).output.strip().split("\n")[-1]
    token_id = db.session.execute(sa.select(ApiToken.id)).scalar_one()
    listing = runner.invoke(args=["tokens", "list"]).output
    assert listing.startswith(f"{token_id}\tci\tblog\tactive\t") and token not in listing
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0 and result.output == f"Revoked token {token_id} 'ci'.\n"
    assert client.get(LIST, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_tokens_create_refuses_unknown_site_and_siteless_non_admin(runner, blog):
    result = runner.invoke(args=["tokens", "create", "ci", "--site", "nope"])
    assert result.exit_code == 1 and "No site 'nope'." in result.output
    result = runner.invoke(args=["tokens", "create", "ci"])
    assert result.exit_code == 1 and "needs at least one site" in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(ApiToken)).scalar_one() == 0


def test_moderators_create_with_password_sites_and_admin(runner, blog, other):
    result = runner.invoke(args=["moderators", "create", "Ann@Example.org", "--site", "blog", "--site", "other",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert result.output == "Created ann@example.org (moderator of blog, other).\n"
    moderator = db.session.execute(sa.select(Moderator)).scalar_one()
    assert {s.slug for s in moderator.sites} == {"blog", "other"} and not moderator.is_admin
    assert PASSWORD not in moderator.password_hash
    assert moderators.authenticate("ann@example.org", PASSWORD).id == moderator.id
    result = runner.invoke(args=["moderators", "create", "root@example.org", "--admin", "--password", PASSWORD])
    assert result.output == "Created root@example.org (administrator).\n"
    listing = runner.invoke(args=["moderators", "list"]).output.splitlines()
    assert [line.split("\t")[1:] for line in listing] == [
        ["ann@example.org", "moderator", "active", "blog,other"], ["root@example.org", "admin", "active", "-"]]


def test_moderators_create_without_password_off_a_terminal_generates_one(runner, blog):
    result = runner.invoke(args=["moderators", "create", "gen@example.org", "--site", "blog"])
    assert result.exit_code == 0, result.output
    password = result.output.strip().split("\n")[-1]
    assert len(password) >= 16
    assert moderators.authenticate("gen@example.org", password) is not None


def test_moderators_create_refuses_duplicates_short_passwords_and_bad_emails(runner, blog):
    runner.invoke(args=["moderators", "create", "a@example.org", "--password", PASSWORD])
    result = runner.invoke(args=["moderators", "create", "A@example.org", "--password", PASSWORD])
    assert result.exit_code == 1 and "exists already" in result.output
    result = runner.invoke(args=["moderators", "create", "b@example.org", "--password", "short"])
    assert result.exit_code == 1 and "password: Use at least 10 characters." in result.output
    result = runner.invoke(args=["moderators", "create", "not-an-email", "--password", PASSWORD])
    assert result.exit_code == 1 and "email: Enter a valid email address." in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Moderator)).scalar_one() == 1


def test_history_purge_removes_old_deleted_comments_and_old_events_but_keeps_the_why(runner, blog):
    old_deleted = make_comment(blog, status="deleted")
    reply = make_comment(blog, status="approved")
    kept = make_comment(blog, status="pending")
    recent_deleted = make_comment(blog, status="deleted")
    long_ago = utcnow() - timedelta(days=100)
    db.session.execute(sa.update(Comment).where(Comment.id == reply.id).values(parent_id=old_deleted.id))
    db.session.execute(sa.update(Comment).where(Comment.id == old_deleted.id).values(updated_at=long_ago))
    db.session.execute(sa.update(ModerationEvent).where(ModerationEvent.comment_id != recent_deleted.id)
                       .values(created_at=long_ago))
    # An old edit event on a kept comment goes; its latest status event stays.
    db.session.add(ModerationEvent(comment_id=kept.id, site_id=blog.id, actor="moderator", action="edit",
                                   from_status="pending", to_status="pending", reasons=[], created_at=long_ago))
    db.session.commit()
    result = runner.invoke(args=["history", "purge", "--older-than-days", "30"])
    assert result.exit_code == 0, result.output
    assert result.output == "Purged 1 deleted comments and 2 events.\n"
    db.session.expire_all()
    remaining = set(db.session.execute(sa.select(Comment.id)).scalars())
    assert remaining == {reply.id, kept.id, recent_deleted.id}
    assert db.session.get(Comment, reply.id).parent_id is None
    events = db.session.execute(sa.select(ModerationEvent.comment_id, ModerationEvent.action)).all()
    assert sorted(events) == sorted([(reply.id, "status"), (kept.id, "status"), (recent_deleted.id, "status")])


def test_history_purge_refuses_a_retention_under_a_day(runner, blog):
    make_comment(blog, status="deleted")
    result = runner.invoke(args=["history", "purge", "--older-than-days", "0"])
    assert result.exit_code == 2 and "0 is not in the range x>=1" in result.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 1
