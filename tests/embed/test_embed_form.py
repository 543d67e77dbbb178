"""The comments page without JavaScript: the form POSTs, then 303 back with a status line
(published, held), or the page again with the typed text and what went wrong."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from service.extensions import db
from service.models import Comment, CommentStatus
from service.services.comments.articles import get_or_create_article
from tests.factories import make_comment, make_site

FORM = {"author": "Ada", "email": "", "website": "", "body": "A first thought.", "homepage": ""}


def post(client, site="blog", query="article=post-1", **fields):
    return client.post(f"/embed/{site}?{query}", data={**FORM, **fields})


def test_published_comment_redirects_back_with_a_status_line(client, site):
    response = post(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert parse_qs(urlsplit(location).query) == {"article": ["post-1"], "status": ["approved"]}
    html = client.get(location).get_data(as_text=True)
    assert "Your comment is published." in html
    assert "A first thought." in html
    assert "Comments (1)" in html


def test_redirect_keeps_the_embeds_language_order_and_theme(client, site):
    response = post(client, query="article=post-1&lang=de&order=newest&theme-accent=%23c00")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["lang"] == ["de"] and query["order"] == ["newest"] and query["theme-accent"] == ["#c00"]
    assert "Ihr Kommentar ist veröffentlicht." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_held_comment_is_shown_to_its_author_as_awaiting_moderation(client, premoderated):
    response = post(client, site="held", body="Please read me first.")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your comment is awaiting moderation." in html
    assert "Please read me first." in html
    assert "Awaiting moderation" in html
    assert "Comments (0)" in html
    # Anyone else (no signed token in the address) sees nothing of it.
    other = client.get("/embed/held?article=post-1").get_data(as_text=True)
    assert "Please read me first." not in other


def test_a_forged_own_token_shows_nothing(client, premoderated):
    post(client, site="held", body="Secret until approved.")
    held = db.session.execute(db.select(Comment)).scalar_one()
    html = client.get("/embed/held?article=post-1&own=WzEsMiwzXQ.forged&status=pending").get_data(as_text=True)
    assert "Secret until approved." not in html
    assert held.status == CommentStatus.PENDING


def test_field_errors_keep_the_typed_text(client, site):
    response = post(client, author="", email="not-an-email", website="ftp://x", body="My <long> reply")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Some fields need correcting" in html
    assert "My &lt;long&gt; reply</textarea>" in html
    assert 'value="not-an-email"' in html and 'value="ftp://x"' in html
    assert 'id="f-author"' in html and 'aria-describedby="err-author" aria-invalid="true"' in html
    assert 'id="err-email">Not a valid email address.' in html
    assert db.session.execute(db.select(Comment)).first() is None


def test_refused_comment_shows_the_rules_message_and_keeps_the_text(client, app):
    make_site("strict", policy={"banned_words": ["casino"], "min_fill_seconds": 0})
    response = post(client, site="strict", body="Visit my casino today")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Your comment was not accepted." in html
    assert "Visit my casino today</textarea>" in html
    assert html.count("<li>") >= 1


def test_closed_article_refuses_and_keeps_the_text(client, site):
    make_comment(site)
    get_or_create_article(site, "post-1").closed = True
    db.session.commit()
    response = post(client, body="Too late?")
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.get_data(as_text=True)


def test_reply_link_without_javascript_sets_the_parent(client, site):
    parent = make_comment(site, author="Grace")
    html = client.get(f"/embed/blog?article=post-1&reply={parent.id}").get_data(as_text=True)
    assert "Replying to Grace" in html
    assert f'name="parent_id" id="f-parent_id" value="{parent.id}"' in html
    assert post(client, parent_id=str(parent.id), body="Agreed.").status_code == 303
    reply = db.session.execute(db.select(Comment).filter_by(body="Agreed.")).scalar_one()
    assert reply.parent_id == parent.id


def test_a_reply_to_a_comment_elsewhere_is_a_field_error(client, site):
    other = make_comment(site, article="another")
    response = post(client, parent_id=str(other.id))
    assert response.status_code == 422
    assert "No such published comment on this article." in response.get_data(as_text=True)
    assert post(client, parent_id="abc").status_code == 422


def test_unknown_fields_are_ignored_and_hostile_sizes_refused_cleanly(client, site):
    response = client.post("/embed/blog?article=post-1", data={**FORM, "status": "approved", "is_admin": "1"})
    assert response.status_code == 303
    assert post(client, body="x" * 20_000).status_code == 422


def test_post_from_a_foreign_origin_is_refused(client, app):
    make_site("owned", origins=["https://blog.example"], policy={"min_fill_seconds": 0})
    response = client.post("/embed/owned?article=a", data=FORM, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    ok = client.post("/embed/owned?article=a", data=FORM, headers={"Origin": "http://localhost"})
    assert ok.status_code == 303


def test_filled_honeypot_is_kept_as_spam_and_the_bot_is_told_nothing(client, site):
    response = post(client, homepage="http://spam.example", body="Cheap pills.")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cheap pills." not in html
    assert db.session.execute(db.select(Comment)).scalar_one().status == CommentStatus.SPAM


def test_the_reader_can_ask_for_reply_mail_without_javascript(client, site):
    response = post(client, author="Ann", email="ann@example.com", body="Tell me about replies.", notify_replies="1")
    assert response.status_code == 303
    assert db.session.execute(db.select(Comment.notify_replies)).scalar_one() is True


def test_reply_mail_without_an_email_keeps_the_text_and_says_why(client, site):
    response = post(client, author="Ann", body="No address given.", notify_replies="1")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "No address given." in page and 'name="notify_replies"' in page and " checked" in page
    assert db.session.execute(db.select(Comment)).first() is None
