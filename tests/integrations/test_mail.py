"""Notification mail through a real SMTP server on loopback: moderators hear about held and
reported comments, readers who opted in hear about published replies and can unsubscribe in
one click; links only show pages, and no commenter's address leaks."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, Moderator, OutboxMessage, Site, utcnow
from service.services.delivery import digest, outbox
from service.services.comments.submissions import Client
from service.services.comments.flags import flag_comment
from service.services.administration.moderators import create_moderator
from service.services.delivery.notifications import unsubscribe_token
from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site
from tests.integrations.conftest import PUBLIC_URL, admin_headers
from tests.integrations.mail_helpers import confirm_address

PASSWORD = "correct horse battery"
GARDEN = "https://garden.example"  # the blog's origin: an article's title is kept with an address there
URLS = re.compile(r"https?://\S+")


def moderators(*, digest_for: str | None = None) -> None:
    """An admin, a moderator of blog, one of another site, one who wants no mail (and one who
    wants a digest)."""
    if db.session.execute(sa.select(Site).filter_by(slug="other")).scalar_one_or_none() is None:
        make_site("other")
    create_moderator("admin@example.org", PASSWORD, is_admin=True)
    create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
    create_moderator("elsewhere@example.org", PASSWORD, site_slugs=["other"])
    quiet = create_moderator("quiet@example.org", PASSWORD, site_slugs=["blog"])
    quiet.notify = "off"
    if digest_for:
        db.session.get(Moderator, create_moderator(digest_for, PASSWORD, site_slugs=["blog"]).id).notify = "digest"
    db.session.commit()


def submit(client, site="blog", **fields):
    body = {"article": "post-1", "title": "On gardens", "url": f"{GARDEN}/on-gardens", "author": "Ann",
            "email": "ann@example.com", "body": "I grow *tomatoes* too."}
    body.update(fields)
    return client.post(f"/api/v1/sites/{site}/comments", json=body)


def test_held_comment_mails_the_sites_immediate_moderators_a_link_to_the_queue_item(mail_app, smtp):
    make_site("blog", mode="pre", name="Garden Blog", origins=[GARDEN])
    moderators()
    client = mail_app.test_client()

    response = submit(client)

    assert response.status_code == 202
    assert smtp.received == []  # nothing is sent while the request runs
    assert outbox.drain().delivered == 2
    assert sorted(r for m in smtp.received for r in m.rcpt_tos) == ["admin@example.org", "mod@example.org"]
    comment_id = response.json["comment"]["id"]
    for mail in smtp.received:
        assert mail.message["Subject"] == '[Garden Blog] Held for review: a comment on "On gardens"'
        assert mail.message["From"] == "Comments <comments@example.org>"
        assert mail.message["Auto-Submitted"] == "auto-generated"
        assert URLS.findall(mail.text) == [f"{PUBLIC_URL}/moderate/comments/{comment_id}"]
        assert "I grow *tomatoes* too." in mail.text and "Pre-moderation is on" in mail.text
        assert b"ann@example.com" not in mail.raw


def test_a_moderators_own_move_back_to_review_sends_no_mail(mail_app, smtp):
    site = make_site("blog")
    moderators()
    comment = make_comment(site)
    change_status(comment, "pending", site_id=site.id, actor="moderator")
    db.session.commit()
    assert outbox.drain().attempted == 0
    assert smtp.received == []


def test_reader_reports_reaching_the_threshold_mail_the_moderators_once(mail_app, smtp):
    site = make_site("blog", policy={"flags_to_review": 2, "hide_flagged": True}, name="Garden Blog")
    moderators()
    comment = make_comment(site, body="Buy cheap pills", email="spammer@example.net")
    for n in range(3):
        if n < 2:
            flag_comment(comment.id, "spam", None, Client(ip_hash=f"reader-{n}"))
    outbox.drain()
    assert sorted(r for m in smtp.received for r in m.rcpt_tos) == ["admin@example.org", "mod@example.org"]
    mail = smtp.to("mod@example.org")[0]
    assert mail.message["Subject"].startswith("[Garden Blog] Reported by readers")
    assert "2 reports" in mail.text
    assert URLS.findall(mail.text) == [f"{PUBLIC_URL}/moderate/comments/{comment.id}"]
    assert b"spammer@example.net" not in mail.raw
    assert db.session.get(Comment, comment.id).status.value == "pending"  # hidden, without a second mail


def test_published_reply_mails_the_opted_in_author_with_a_one_click_unsubscribe(mail_app, smtp):
    site = make_site("blog", name="Garden Blog", origins=[GARDEN])
    client = mail_app.test_client()
    parent = submit(client, notify_replies=True).json["comment"]
    assert db.session.get(Comment, parent["id"]).notify_replies is True
    confirm_address(site, "ann@example.com")

    reply = submit(client, author="Bob", email="bob@example.com", body="Which variety?", parent_id=parent["id"])
    assert reply.status_code == 201
    outbox.drain()

    [mail] = smtp.received
    assert mail.rcpt_tos == ["ann@example.com"]
    assert mail.message["Subject"] == 'Bob replied to your comment on "On gardens"'
    assert "Which variety?" in mail.text and "Hello Ann" in mail.text
    assert b"bob@example.com" not in mail.raw
    article_link, link = URLS.findall(mail.text)
    assert article_link == f"{GARDEN}/on-gardens"
    assert link.startswith(f"{PUBLIC_URL}/notifications/unsubscribe?token=")
    assert mail.message["List-Unsubscribe"] == f"<{link}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_held_reply_is_mailed_only_once_it_is_published(mail_app, smtp):
    site = make_site("blog")
    parent = make_comment(site, email="ann@example.com")
    parent.notify_replies = True
    db.session.commit()
    confirm_address(site, "ann@example.com")
    reply = make_comment(site, parent=parent, status="pending", author="Bob")
    outbox.drain()
    assert smtp.received == []

    response = mail_app.test_client().patch(f"/api/v1/moderation/comments/{reply.id}", json={"status": "approved"},
                                            headers=admin_headers())
    assert response.status_code == 200
    outbox.drain()
    assert [m.rcpt_tos for m in smtp.received] == [["ann@example.com"]]

    change_status(reply, "pending", site_id=site.id, actor="moderator")  # hidden, then shown again
    db.session.commit()
    reply = db.session.get(Comment, reply.id)
    change_status(reply, "approved", site_id=site.id, actor="moderator")
    db.session.commit()
    outbox.drain()
    assert len(smtp.received) == 1  # told once


def test_no_reply_mail_without_opt_in_or_to_oneself(mail_app, smtp):
    site = make_site("blog")
    quiet = make_comment(site, email="quiet@example.com")
    keen = make_comment(site, email="keen@example.com")
    keen.notify_replies = True
    db.session.commit()
    make_comment(site, parent=quiet, author="Bob", email="bob@example.com")
    make_comment(site, parent=keen, author="Keen again", email="keen@example.com")
    outbox.drain()
    assert smtp.received == []


def test_opting_in_needs_an_email(mail_app):
    make_site("blog")
    response = submit(mail_app.test_client(), email=None, notify_replies=True)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"notify_replies": ["Enter an email address to get replies by mail."]}}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 0


def test_unsubscribe_link_shows_a_form_and_only_the_post_unsubscribes(mail_app, smtp):
    blog = make_site("blog")
    other = make_site("other")
    first = make_comment(blog, email="ann@example.com")
    second = make_comment(blog, article="post-2", email="ann@example.com")
    elsewhere = make_comment(other, email="ann@example.com")
    for comment in (first, second, elsewhere):
        comment.notify_replies = True
    db.session.commit()
    client = mail_app.test_client()
    token = unsubscribe_token(first.id)

    page = client.get(f"/notifications/unsubscribe?token={token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<form method="post" action="/notifications/unsubscribe">' in html
    assert f'name="token" value="{token}"' in html
    assert "ann@example.com" not in html
    db.session.expire_all()
    assert db.session.get(Comment, first.id).notify_replies is True  # a GET changes nothing

    done = client.post("/notifications/unsubscribe", data={"token": token})
    assert done.status_code == 200 and "no more mail" in done.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Comment, c.id).notify_replies for c in (first, second, elsewhere)] == [False, False, True]


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token(make_app, smtp):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, PUBLIC_URL=PUBLIC_URL, WTF_CSRF_ENABLED=True)
    with app.app_context():
        site = make_site("blog")
        parent = make_comment(site, email="ann@example.com")
        parent.notify_replies = True
        db.session.commit()
        confirm_address(site, "ann@example.com")
        make_comment(site, parent=parent, author="Bob")
        outbox.drain()
        link = URLS.findall(smtp.received[0].text)[-1]
        path = link[len(PUBLIC_URL):]

        response = app.test_client().post(path, data="List-Unsubscribe=One-Click",
                                          content_type="application/x-www-form-urlencoded")

        assert response.status_code == 200
        db.session.expire_all()
        assert db.session.get(Comment, parent.id).notify_replies is False
        db.session.remove()


def test_a_reply_queued_before_unsubscribing_is_not_sent(mail_app, smtp):
    site = make_site("blog")
    parent = make_comment(site, email="ann@example.com")
    parent.notify_replies = True
    db.session.commit()
    confirm_address(site, "ann@example.com")
    make_comment(site, parent=parent, author="Bob")
    mail_app.test_client().post("/notifications/unsubscribe", data={"token": unsubscribe_token(parent.id)})
    assert outbox.drain().failed == 1
    assert smtp.received == []


def test_broken_unsubscribe_tokens_are_refused(mail_app):
    site = make_site("blog")
    comment = make_comment(site, email="ann@example.com")
    comment.notify_replies = True
    db.session.commit()
    client = mail_app.test_client()
    forged = unsubscribe_token(comment.id)[:-2] + "xx"
    for path in ("/notifications/unsubscribe", "/notifications/unsubscribe?token=",
                 f"/notifications/unsubscribe?token={forged}", "/notifications/unsubscribe?token=" + "a" * 5000):
        assert client.get(path).status_code == 400, path
        assert client.post(path, data={"token": forged}).status_code == 400, path
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).notify_replies is True


def test_digest_sends_one_summary_per_period_to_digest_moderators(mail_app, smtp):
    site = make_site("blog", mode="pre", name="Garden Blog")
    moderators(digest_for="daily@example.org")
    for n in range(3):
        make_comment(site, status="pending", body=f"Held {n}")
    outbox.drain()
    smtp.received.clear()  # the immediate mails
    runner = mail_app.test_cli_runner()

    result = runner.invoke(args=["notify", "digest"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Queued 1 digest(s): daily@example.org"
    assert outbox.drain().delivered == 1
    [mail] = smtp.received
    assert mail.rcpt_tos == ["daily@example.org"]
    assert mail.message["Subject"] == "3 comments waiting for review"
    assert "Garden Blog: 3 held, 0 reported" in mail.text
    assert URLS.findall(mail.text) == [f"{PUBLIC_URL}/moderate/?site=blog"]

    again = runner.invoke(args=["notify", "digest"])
    assert again.stdout.strip() == "Queued 0 digest(s)."  # same period: nothing more
    later = digest.queue_digests(now=utcnow() + timedelta(hours=24))
    assert later == ["daily@example.org"]


def test_no_mail_is_queued_without_an_smtp_server(app):
    site = make_site("blog", mode="pre")
    moderators()
    make_comment(site, status="pending")
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_notify_setting_is_changed_from_the_cli(mail_app):
    make_site("blog")
    moderators()
    result = mail_app.test_cli_runner().invoke(args=["notify", "set", "mod@example.org", "digest"])
    assert result.exit_code == 0 and result.stdout.strip() == "mod@example.org: digest."
    assert db.session.execute(sa.select(Moderator.notify).filter_by(email="mod@example.org")).scalar_one() == "digest"
