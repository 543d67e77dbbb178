"""Trust comes only from a moderator's approval or from a comment that stayed published
`trust_after_days` untouched and unreported; an author's edit is judged like a new comment
without counting the comment being edited; on `pre` and `first-time` sites and articles an
edited approved comment goes back to review, and its history keeps both texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.auth import Actor
from service.extensions import db
from service.models import Article, Comment, Flag, ModerationEvent, utcnow
from service.moderation.policy import load_policy
from service.moderation.types import Draft
from service.services.moderation import decisions, moderation_actions

URL = "/api/v1/sites/blog/comments"
SPAM_LINKS = " ".join(f"https://spam{i}.com/buy" for i in range(15))
SHOUTED_LINKS = "BUY NOW CHEAP PILLS " + " ".join(f"HTTPS://SHOP{i}.COM/DEAL" for i in range(20))
ADMIN = Actor(kind="token", id=1, is_admin=True, site_ids=frozenset(), moderator_id=None, label="token:test")


def make_blog(mode: str = "post", **policy) -> None:
    from tests.factories import make_site

    make_site("blog", mode=mode, policy=policy)


def post(client, body: str, author_token: str | None = None, **fields):
    data = {"article": "a", "author": "Ann", "body": body, **fields}
    if author_token:
        data["author_token"] = author_token
    return client.post(URL, json=data)


def approve(comment_id: int) -> None:
    moderation_actions.moderate_comment(ADMIN, comment_id, "approved")


def edit(client, comment_id: int, token: str, body: str):
    return client.patch(f"/api/v1/comments/{comment_id}", json={"body": body}, headers={"X-Edit-Token": token})


def thread(client) -> list[str]:
    return [c["body_html"] for c in client.get(URL, query_string={"article": "a"}).json["comments"]]


def age(comment_id: int, days: float) -> None:
    db.session.execute(sa.update(Comment).where(Comment.id == comment_id)
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def facts_for(author_token_hash: str, exclude_id: int | None = None):
    from service.models import Site

    site = db.session.execute(sa.select(Site)).scalar_one()
    policy = load_policy(site.policy)
    draft = Draft(body="x", author="Ann")
    return decisions.gather_facts(site, policy, draft, author_token_hash, utcnow(), "print", exclude_id=exclude_id)


# --- Author edits --------------------------------------------------------------------------

def test_an_approved_comment_on_a_pre_site_edited_into_spam_goes_back_to_review(client):
    make_blog("pre")
    first = post(client, "A fair point about the article.")
    assert first.status_code == 202
    comment_id, token = first.json["comment"]["id"], first.json["edit_token"]
    approve(comment_id)
    assert len(thread(client)) == 1

    response = edit(client, comment_id, token, SPAM_LINKS)
    assert response.status_code == 200
    assert response.json["status"] == "pending"
    assert thread(client) == []  # hidden until a moderator approves the new text
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.approved_count, article.pending_count) == (0, 1)
    events = db.session.execute(sa.select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)
                                .order_by(ModerationEvent.id)).scalars().all()
    edit_event = next(e for e in events if e.action == "edit")
    assert (edit_event.body_before, edit_event.body_after) == ("A fair point about the article.", SPAM_LINKS)
    assert (events[-1].from_status, events[-1].to_status) == ("approved", "pending")
    assert {"pre_moderation", "too_many_links"} <= {r["code"] for r in events[-1].reasons}


def test_a_harmless_edit_on_a_pre_site_is_reviewed_too_and_the_history_shows_both_texts(client, make_app):
    from service.services.administration import tokens

    make_blog("pre")
    first = post(client, "Fisrt version.")
    comment_id, token = first.json["comment"]["id"], first.json["edit_token"]
    approve(comment_id)
    assert edit(client, comment_id, token, "First version.").json["status"] == "pending"
    _, bearer = tokens.create_token("reader-of-history", is_admin=True)
    history = client.get(f"/api/v1/moderation/comments/{comment_id}/events",
                         headers={"Authorization": f"Bearer {bearer}"}).json["events"]
    edits = [e for e in history if e["action"] == "edit"]
    assert [(e["body_before"], e["body_after"]) for e in edits] == [("Fisrt version.", "First version.")]


def test_a_trusted_authors_edit_on_a_pre_site_is_reviewed_although_a_new_comment_would_not_be(client):
    make_blog("pre")
    first = post(client, "An earlier comment.")
    approve(first.json["comment"]["id"])
    author = first.json["author_token"]
    second = post(client, "A later comment.", author)
    assert second.status_code == 201  # trusted: a moderator approved the first
    response = edit(client, second.json["comment"]["id"], second.json["edit_token"], "A later comment, reworded.")
    assert response.json["status"] == "pending"
    reasons = db.session.execute(sa.select(ModerationEvent.reasons).order_by(ModerationEvent.id.desc())).first()[0]
    assert [r["code"] for r in reasons] == ["pre_moderation", "trusted_author", "edited_after_approval"]


def test_a_first_time_article_on_a_post_site_reviews_edits_of_approved_comments(client):
    make_blog("post")
    first = post(client, "Published at once on a post site.")
    assert first.status_code == 201
    db.session.execute(sa.update(Article).values(mode="first-time"))
    db.session.commit()
    comment_id, token = first.json["comment"]["id"], first.json["edit_token"]
    assert edit(client, comment_id, token, "Published at once, then changed.").json["status"] == "pending"
    reasons = db.session.execute(sa.select(ModerationEvent.reasons).order_by(ModerationEvent.id.desc())).first()[0]
    assert [r["code"] for r in reasons][-1] in ("first_time_author", "edited_after_approval")


def test_on_a_post_site_the_edited_comment_does_not_vouch_for_its_own_links(make_app):
    app = make_app(EDIT_WINDOW_SECONDS=30 * 86400)
    with app.app_context():
        _edited_comment_does_not_vouch_for_itself(app.test_client())


def _edited_comment_does_not_vouch_for_itself(client):
    make_blog("post")
    first = post(client, "Nice article.")
    assert first.status_code == 201
    comment_id, token = first.json["comment"]["id"], first.json["edit_token"]
    age(comment_id, 10)  # old enough to earn trust, were it counted for its own edit
    response = edit(client, comment_id, token, SPAM_LINKS)
    assert response.json["status"] == "pending"
    assert thread(client) == []


def test_a_harmless_edit_on_a_post_site_stays_published(client):
    make_blog("post")
    first = post(client, "Nice article.")
    response = edit(client, first.json["comment"]["id"], first.json["edit_token"], "Nice article, thanks.")
    assert response.json["status"] == "approved"
    assert thread(client) == ["<p>Nice article, thanks.</p>"]


# --- Trust ----------------------------------------------------------------------------------

def test_one_auto_published_comment_earns_no_trust(client):
    make_blog("post")
    first = post(client, "Nice article")
    assert first.status_code == 201
    author = first.json["author_token"]
    spam = post(client, SHOUTED_LINKS, author, email="someone@mailinator.com")
    assert spam.status_code == 202
    assert spam.json["status"] == "pending"


def test_a_moderators_approval_earns_trust_and_is_counted_on_the_facts(client):
    from service.security import hash_token

    make_blog("first-time")
    first = post(client, "A first comment.")
    assert first.status_code == 202
    author = first.json["author_token"]
    assert facts_for(hash_token(author)).moderator_approvals == 0
    approve(first.json["comment"]["id"])
    facts = facts_for(hash_token(author))
    assert (facts.moderator_approvals, facts.author_approved) == (1, 1)
    assert post(client, "A second comment, published at once.", author).status_code == 201
    # The edited comment itself is not part of its author's record.
    assert facts_for(hash_token(author), exclude_id=first.json["comment"]["id"]).moderator_approvals == 0


def settled_comment(client, days: float) -> tuple[int, str]:
    first = post(client, "Nice article")
    assert first.status_code == 201
    age(first.json["comment"]["id"], days)
    return first.json["comment"]["id"], first.json["author_token"]


def test_a_comment_published_for_trust_after_days_earns_trust(client):
    from service.security import hash_token

    make_blog("post")
    _, author = settled_comment(client, 3.5)
    facts = facts_for(hash_token(author))
    assert (facts.author_approved, facts.moderator_approvals) == (1, 0)
    assert post(client, "Links: https://a.example https://b.example https://c.example", author).status_code == 201


def test_trust_after_days_is_a_policy_key(client):
    make_blog("post", trust_after_days=10)
    _, author = settled_comment(client, 5)
    assert post(client, SHOUTED_LINKS, author).status_code == 202


def test_a_reported_comment_earns_no_trust_however_old(client):
    make_blog("post")
    comment_id, author = settled_comment(client, 30)
    db.session.add(Flag(comment_id=comment_id, reason="spam", ip_hash="reporter"))
    db.session.commit()
    assert post(client, SHOUTED_LINKS, author).status_code == 202


def test_a_comment_a_moderator_acted_on_earns_no_trust_by_age(client):
    make_blog("post")
    comment_id, author = settled_comment(client, 30)
    moderation_actions.edit_comment_text(ADMIN, comment_id, "Nice article (tidied).")
    assert post(client, SHOUTED_LINKS, author).status_code == 202


@pytest.mark.parametrize("value, ok", [(1, True), (3650, True), (0, False), ("3", False)])
def test_trust_after_days_is_validated(value, ok):
    from marshmallow import ValidationError

    if ok:
        assert load_policy({"trust_after_days": value}).trust_after_days == value
    else:
        with pytest.raises(ValidationError):
            load_policy({"trust_after_days": value})


def test_the_comment_page_shows_both_texts_of_an_authors_edit(app, client):
    from service.services.administration.moderators import create_moderator

    make_blog("pre")
    first = post(client, "The text as first approved.")
    comment_id = first.json["comment"]["id"]
    approve(comment_id)
    edit(client, comment_id, first.json["edit_token"], "The text as changed <b>later</b>.")
    create_moderator("mod@example.org", "correct horse battery", site_slugs=["blog"])
    browser = app.test_client()
    assert browser.post("/moderate/login", data={"email": "mod@example.org",
                                                 "password": "correct horse battery"}).status_code == 302
    page = browser.get(f"/moderate/comments/{comment_id}").get_data(as_text=True)
    assert "The text as first approved." in page
    assert "The text as changed &lt;b&gt;later&lt;/b&gt;." in page
