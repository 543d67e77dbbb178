"""Thread subscriptions: subscribe by API or from the widget (always 202, nothing sent before the
address is confirmed), mail about new published comments to confirmed subscribers but not the
comment's author, and a one-click unsubscribe in every mail."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, ConfirmedAddress, OutboxMessage, ThreadSubscription, utcnow
from service.services.delivery import outbox
from service.services.moderation.status import change_status
from tests.factories import make_comment, make_site
from tests.integrations.conftest import PUBLIC_URL, admin_headers
from tests.integrations.mail_helpers import confirm_address

URLS = re.compile(r"https?://\S+")
ACCEPTED = {"status": "accepted",
            "message": "Check your inbox: mail about new comments starts once the address is confirmed through "
                       "the link sent to it (at most one such mail a day)."}


def subscribe(client, email="sue@example.com", site="blog", article="post-1", **headers):
    return client.post(f"/api/v1/sites/{site}/subscriptions", json={"article": article, "email": email},
                       headers=headers)


def subscriptions() -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(
        sa.select(ThreadSubscription.email, ThreadSubscription.article_id).order_by(ThreadSubscription.id))]


def outbox_events() -> list[str]:
    return list(db.session.execute(sa.select(OutboxMessage.event).order_by(OutboxMessage.id)).scalars())


def test_subscribing_answers_202_the_same_whatever_the_address_and_sends_only_a_confirmation(mail_app, smtp):
    site = make_site("blog", name="Garden Blog")
    confirm_address(site, "known@example.com")
    client = mail_app.test_client()

    answers = [subscribe(client, email) for email in
               ("sue@example.com", "Sue@Example.com", "known@example.com", "never-seen@example.net")]

    assert [(a.status_code, a.json) for a in answers] == [(202, ACCEPTED)] * 4
    assert [email for email, _ in subscriptions()] == ["sue@example.com", "known@example.com",
                                                       "never-seen@example.net"]
    outbox.drain()
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == ["never-seen@example.net", "sue@example.com"]
    for mail in smtp.received:
        assert mail.message["Subject"] == "[Garden Blog] Confirm your address for comment notifications"
        [link] = URLS.findall(mail.text)
        assert link.startswith(f"{PUBLIC_URL}/notifications/confirm?token=")


def test_a_new_comment_mails_confirmed_subscribers_but_not_its_author(mail_app, smtp):
    site = make_site("blog", name="Garden Blog")
    client = mail_app.test_client()
    for email in ("sue@example.com", "unconfirmed@example.com", "ann@example.com"):
        assert subscribe(client, email).status_code == 202
    confirm_address(site, "sue@example.com")
    confirm_address(site, "ann@example.com")
    outbox.drain()
    smtp.received.clear()

    make_comment(site, author="Ann", email="ann@example.com", body="Tomatoes need sun.")
    make_comment(site, article="post-2", author="Bob", body="Another article.")
    outbox.drain()

    [mail] = smtp.received
    assert mail.rcpt_tos == ["sue@example.com"]
    assert mail.message["Subject"] == '[Garden Blog] New comment by Ann on "post-1"'
    assert "Tomatoes need sun." in mail.text and b"ann@example.com" not in mail.raw
    read, stop = URLS.findall(mail.text)
    assert read == f"{PUBLIC_URL}/embed/blog?article=post-1"
    assert stop.startswith(f"{PUBLIC_URL}/notifications/thread/unsubscribe?token=")
    assert mail.message["List-Unsubscribe"] == f"<{stop}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_held_comment_is_announced_once_when_approved(mail_app, smtp):
    site = make_site("blog", mode="pre")
    subscribe(mail_app.test_client())
    confirm_address(site, "sue@example.com")
    comment = make_comment(site, status="pending", body="Held at first.")
    outbox.drain()
    assert smtp.to("sue@example.com") == []

    response = mail_app.test_client().patch(f"/api/v1/moderation/comments/{comment.id}",
                                            json={"status": "approved"}, headers=admin_headers())
    assert response.status_code == 200
    change_status(db.session.get(Comment, comment.id), "pending", site_id=site.id, actor="moderator")
    db.session.commit()
    change_status(db.session.get(Comment, comment.id), "approved", site_id=site.id, actor="moderator")
    db.session.commit()
    outbox.drain()

    assert len(smtp.to("sue@example.com")) == 1
    assert "Held at first." in smtp.to("sue@example.com")[0].text


def test_a_parent_author_who_also_subscribed_gets_one_mail_for_a_reply(mail_app, smtp):
    site = make_site("blog")
    parent = make_comment(site, author="Sue", email="sue@example.com")
    parent.notify_replies = True
    db.session.commit()
    subscribe(mail_app.test_client())
    confirm_address(site, "sue@example.com")
    outbox.drain()
    smtp.received.clear()

    make_comment(site, parent=parent, author="Bob", body="A reply.")
    outbox.drain()

    assert [m.message["Subject"] for m in smtp.to("sue@example.com")] == ['Bob replied to your comment on "post-1"']


def test_the_unsubscribe_link_shows_a_page_and_the_one_click_post_ends_the_subscription(make_app, smtp):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, PUBLIC_URL=PUBLIC_URL, WTF_CSRF_ENABLED=True)
    with app.app_context():
        site = make_site("blog")
        client = app.test_client()
        subscribe(client)
        subscribe(client, article="post-2")
        confirm_address(site, "sue@example.com")
        make_comment(site, body="First news.")
        outbox.drain()
        [mail] = smtp.to("sue@example.com")
        path = URLS.findall(mail.text)[-1][len(PUBLIC_URL):]

        page = client.get(path)
        assert page.status_code == 200
        assert '<form method="post" action="/notifications/thread/unsubscribe">' in page.get_data(as_text=True)
        assert len(subscriptions()) == 2  # a GET changes nothing

        make_comment(site, body="Queued before the click.")
        done = app.test_client().post(path, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
        assert done.status_code == 200 and "no more mail" in done.get_data(as_text=True)
        assert len(subscriptions()) == 1  # the other article's subscription stands
        assert app.test_client().post(path, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded").status_code == 200

        assert outbox.drain().failed == 1
        make_comment(site, body="After the click.")
        make_comment(site, article="post-2", body="Still subscribed here.")
        outbox.drain()
        assert [m.text.count("Still subscribed here.") for m in smtp.to("sue@example.com")] == [0, 1]
        db.session.remove()


def test_broken_unsubscribe_tokens_are_refused(mail_app):
    make_site("blog")
    client = mail_app.test_client()
    for token in ("", "abc", "a" * 5000):
        assert client.get(f"/notifications/thread/unsubscribe?token={token}").status_code == 400
        assert client.post(f"/notifications/thread/unsubscribe?token={token}").status_code == 400


def test_bad_subscriptions_get_the_error_envelope_and_store_nothing(mail_app):
    make_site("blog", origins=["https://blog.example"])
    client = mail_app.test_client()
    invalid = client.post("/api/v1/sites/blog/subscriptions", json={"article": "post-1", "email": "not an address"})
    assert invalid.status_code == 422
    assert invalid.json == {"code": 422, "status": "Unprocessable Entity",
                            "message": "Some fields are not valid; see errors.",
                            "errors": {"json": {"email": ["Not a valid email address."]}}}
    missing = client.post("/api/v1/sites/blog/subscriptions", json={"email": "sue@example.com", "extra": 1})
    assert missing.status_code == 422
    assert set(missing.json["errors"]["json"]) == {"article", "extra"}
    assert client.post("/api/v1/sites/nope/subscriptions",
                       json={"article": "p", "email": "sue@example.com"}).status_code == 404
    assert client.post("/api/v1/sites/blog/subscriptions", data="article=p").status_code == 415
    foreign = subscribe(client, Origin="https://evil.example")
    assert foreign.status_code == 403 and foreign.json["code"] == 403
    assert subscriptions() == [] and outbox_events() == []


def test_subscribing_is_rate_limited(make_app, smtp):
    app = make_app(RATELIMIT_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        make_site("blog")
        client = app.test_client()
        answers = [subscribe(client, f"reader{n}@example.com") for n in range(7)]
        assert [a.status_code for a in answers] == [202] * 5 + [429] * 2
        assert answers[-1].json["code"] == 429 and answers[-1].headers["Retry-After"]
        assert len(subscriptions()) == 5
        widget = [client.post("/embed/blog/subscribe?article=post-1", data={"email": f"w{n}@example.com"})
                  for n in range(6)]
        assert [w.status_code for w in widget] == [303] * 5 + [429]
        db.session.remove()


def test_the_widget_subscribes_with_a_form_of_its_own(mail_app, smtp):
    make_site("blog")
    client = mail_app.test_client()
    page = client.get("/embed/blog?article=post-1&lang=de").get_data(as_text=True)
    action = "/embed/blog/subscribe?article=post-1&amp;lang=de"
    assert f'<form id="subscribe" class="subscribe-form" method="post" target="_self" accept-charset="utf-8"\n' \
           f'      action="{action}">' in page
    assert 'name="email" type="email"' in page and "Neue Kommentare per E-Mail" in page

    done = client.post(action.replace("&amp;", "&"), data={"email": "Sue@Example.com"})
    assert done.status_code == 303
    assert done.headers["Location"] == "/embed/blog?article=post-1&lang=de&status=subscribed#status"
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Sehen Sie in Ihr Postfach" in shown
    assert subscriptions() == [("sue@example.com", db.session.execute(sa.text("SELECT id FROM article")).scalar())]

    bad = client.post("/embed/blog/subscribe?article=post-1", data={"email": "nope"})
    assert bad.status_code == 422 and "Enter a valid email address to subscribe." in bad.get_data(as_text=True)
    outbox.drain()
    assert [m.rcpt_tos for m in smtp.received] == [["sue@example.com"]]


def test_without_mail_the_widget_offers_no_subscription(app, client):
    make_site("blog")
    assert 'id="subscribe"' not in client.get("/embed/blog?article=post-1").get_data(as_text=True)


def test_the_openapi_document_describes_subscriptions(app, client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/sites/{site}/subscriptions"]["post"]
    assert set(operation["responses"]) >= {"202", "403", "404", "422", "429"}
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/SubscriptionCreate"}
    assert set(spec["components"]["schemas"]["SubscriptionCreate"]["required"]) == {"article", "email"}


def test_purge_forgets_requests_never_confirmed(mail_app):
    site = make_site("blog")
    client = mail_app.test_client()
    for email in ("old-unconfirmed@example.com", "old-confirmed@example.com"):
        subscribe(client, email)
    confirm_address(site, "old-confirmed@example.com")
    old = utcnow() - timedelta(days=40)
    db.session.execute(sa.update(ThreadSubscription).values(created_at=old))
    db.session.execute(sa.update(ConfirmedAddress).values(created_at=old, confirmation_sent_at=old))
    db.session.commit()
    subscribe(client, "fresh@example.com")  # asked today: kept
    runner = mail_app.test_cli_runner()

    assert runner.invoke(args=["subscriptions", "purge", "--older-than-days", "3"]).exit_code == 2
    result = runner.invoke(args=["subscriptions", "purge"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Purged 1 unconfirmed subscriptions and 1 unconfirmed addresses."
    assert sorted(email for email, _ in subscriptions()) == ["fresh@example.com", "old-confirmed@example.com"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(ConfirmedAddress)).scalar_one() == 2
