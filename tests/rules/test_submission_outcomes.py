"""Every outcome of the rules through the API: published, held, refused, spam, closed, limited."""

import time

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.form_tokens import issue_form_token
from service.models import Article, Comment, CommentStatus, ModerationEvent
from service.services.moderation.status import change_status
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"


def post(client, **fields):
    body = {"article": "a", "author": "Ann", "body": "A thoughtful comment."}
    body.update(fields)
    return client.post(URL, json=body)


def stored() -> list[Comment]:
    return list(db.session.execute(sa.select(Comment).order_by(Comment.id)).scalars())


def test_banned_word_is_refused_with_403_and_stored_as_rejected(client):
    make_site(policy={"banned_words": ["casino"]})
    response = post(client, body="Best c.a.s.i.n.o bonus here")
    assert response.status_code == 403
    comment = stored()[0]
    assert response.json == {
        "code": 403, "status": "Forbidden",
        "message": "Your comment was not accepted. Contains a banned word: casino",
        "reasons": [{"code": "banned_word", "message": "Contains a banned word: casino"}],
        "comment_id": comment.id,
    }
    assert comment.status == CommentStatus.REJECTED
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert event.actor == "rules" and event.reasons[0]["matched"] == ["casino"]


def test_suspect_word_holds_with_202_and_a_recorded_reason(client):
    make_site(policy={"suspect_words": ["crypto"]})
    response = post(client, body="Have you heard about CRYPTO?")
    assert response.status_code == 202 and response.json["status"] == "pending"
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert [r["code"] for r in event.reasons] == ["suspect_word"]


def test_too_many_links_holds(client):
    make_site()
    response = post(client, body="http://one.com http://two.com and three.com")
    assert response.status_code == 202
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert "too_many_links" in [r["code"] for r in event.reasons]


def test_honeypot_is_stored_as_spam_but_answered_like_a_held_comment(client):
    make_site()
    response = post(client, homepage="http://bot.example.com")
    assert response.status_code == 202
    assert response.json["status"] == "pending"
    assert response.json["message"] == "Your comment is awaiting moderation."
    assert stored()[0].status == CommentStatus.SPAM
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.approved_count, article.pending_count) == (0, 0)


def test_form_filled_too_fast_is_held(client):
    make_site()
    response = post(client, form_token=issue_form_token(now=time.time()))
    assert response.status_code == 202


def test_form_filled_at_human_speed_is_published(client):
    make_site()
    response = post(client, form_token=issue_form_token(now=time.time() - 30))
    assert response.status_code == 201


def test_forged_form_token_counts_as_none(client):
    make_site(policy={"require_form_token": True})
    assert post(client, form_token="forged.token").status_code == 202


def test_closed_article_is_refused_and_nothing_is_stored(client):
    site = make_site()
    db.session.add(Article(site_id=site.id, key="a", closed=True))
    db.session.commit()
    response = post(client)
    assert response.status_code == 403
    assert response.json == {"code": 403, "status": "Forbidden", "message": "Comments are closed on this article."}
    assert stored() == []


def test_article_closes_after_the_policy_days(client):
    from datetime import timedelta

    from service.models import utcnow

    site = make_site(policy={"close_after_days": 30})
    db.session.add(Article(site_id=site.id, key="a", created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert post(client).status_code == 403
    assert post(client, article="fresh").status_code == 201


def test_repeat_post_is_refused(client):
    make_site()
    assert post(client, body="Same words.").status_code == 201
    again = post(client, body="same   WORDS!")
    assert again.status_code == 403
    assert again.json["reasons"] == [{"code": "not_accepted", "message": "This comment cannot be accepted on this site."}]
    event = db.session.execute(sa.select(ModerationEvent).order_by(ModerationEvent.id.desc())).scalars().first()
    assert [r["code"] for r in event.reasons] == ["repeat_post"]


def test_blocked_email_is_refused(client):
    from service.models import Block

    site = make_site()
    db.session.add(Block(site_id=site.id, kind="email", value="troll@example.com"))
    db.session.commit()
    response = post(client, email="Troll@Example.com")
    assert response.status_code == 403
    assert response.json["reasons"] == [{"code": "not_accepted", "message": "This comment cannot be accepted on this site."}]
    event = db.session.execute(sa.select(ModerationEvent)).scalar_one()
    assert [r["code"] for r in event.reasons] == ["blocked_email"]


def test_per_article_mode_overrides_the_site(client):
    site = make_site(mode="post")
    db.session.add(Article(site_id=site.id, key="a", mode="pre"))
    db.session.commit()
    assert post(client).status_code == 202
    assert post(client, article="b", body="Another thought.").status_code == 201


def test_first_time_mode_trusts_the_author_token_not_the_email(client):
    site = make_site(mode="first-time")
    first = post(client, email="ann@example.com", body="My first comment.")
    assert first.status_code == 202
    author_token = first.json["author_token"]
    comment = stored()[0]
    change_status(comment, "approved", site_id=site.id, actor="moderator")
    db.session.commit()
    # Someone typing Ann's email is still a stranger...
    impostor = post(client, email="ann@example.com", body="Pretending to be Ann.")
    assert impostor.status_code == 202
    # ...while Ann's own browser, holding her author token, is trusted.
    trusted = post(client, email="ann@example.com", body="Ann again.", author_token=author_token)
    assert trusted.status_code == 201


def test_trusted_author_lifts_a_soft_hold_and_the_event_says_so(client):
    site = make_site(policy={"suspect_words": ["crypto"]})
    first = post(client, body="Hello there.")
    token = first.json["author_token"]
    # Trust comes from a moderator's approval (or time), not from the rules publishing it.
    db.session.execute(sa.insert(ModerationEvent).values(
        comment_id=first.json["comment"]["id"], site_id=site.id, actor="moderator", action="status",
        from_status="pending", to_status="approved", reasons=[]))
    db.session.commit()
    held = post(client, body="What about crypto?", author_token=token)
    assert held.status_code == 201
    event = db.session.execute(sa.select(ModerationEvent).order_by(ModerationEvent.id.desc())).scalars().first()
    assert [r["code"] for r in event.reasons] == ["suspect_word", "trusted_author"]
    assert site.id


def test_trust_never_lifts_a_reject(client):
    site = make_site(policy={"banned_words": ["casino"]})
    first = post(client, body="Hello there.")
    token = first.json["author_token"]
    assert first.status_code == 201
    assert post(client, body="casino time", author_token=token).status_code == 403
    assert site.id


@pytest.mark.parametrize("field", ["author", "body"])
def test_evasions_are_caught_in_the_body_and_name(client, field):
    make_site(policy={"banned_words": ["viagra"]})
    response = post(client, **{field: "v\u200bі\u0430gr@ deals"})  # zero-width + Cyrillic і/а + leet
    assert response.status_code == 403 if field == "body" else response.status_code in (201, 403)


def test_a_stored_policy_edited_out_of_range_falls_back_to_defaults_for_those_keys(client):
    make_site(policy={"rate_per_minute": 100_000, "banned_words": ["casino"], "max_links": "lots"})
    assert post(client, body="A calm remark.").status_code == 201
    assert post(client, body="casino night").status_code == 403  # the valid keys still apply
