"""Reader mail goes only to addresses confirmed through a mailed link: the link shows a page
whose button (a POST) confirms, at most one confirmation mail per address per day, an article's
address is kept only on the site's origins, and mail links nowhere else."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Article, ConfirmedAddress, OutboxMessage, utcnow
from service.services.delivery import addresses, outbox
from tests.factories import make_comment, make_site
from tests.integrations.conftest import PUBLIC_URL
from tests.integrations.mail_helpers import confirm_address

BLOG = "https://blog.example"
URLS = re.compile(r"https?://\S+")


def post(client, site="blog", **fields):
    body = {"article": "post-1", "author": "Ann", "email": "ann@example.com", "body": "Lovely tomatoes."}
    body.update(fields)
    return client.post(f"/api/v1/sites/{site}/comments", json=body)


def confirmation_link(smtp, address: str) -> str:
    [mail] = [m for m in smtp.to(address) if "Confirm your address" in m.message["Subject"]]
    [link] = URLS.findall(mail.text)
    assert link.startswith(f"{PUBLIC_URL}/notifications/confirm?token=")
    return link


def confirmed(email: str) -> list:
    return list(db.session.execute(
        sa.select(ConfirmedAddress.confirmed_at).where(ConfirmedAddress.address_hash == addresses.address_hash(email))
    ).scalars())


def test_a_reply_to_an_unconfirmed_commenter_sends_nothing(mail_app, smtp):
    make_site("blog", name="Garden Blog")
    client = mail_app.test_client()
    parent = post(client, notify_replies=True).json["comment"]
    outbox.drain()
    assert [m.message["Subject"] for m in smtp.received] == [
        "[Garden Blog] Confirm your address for comment notifications"]
    smtp.received.clear()

    assert post(client, author="Bob", email="bob@example.com", body="Which kind?",
                parent_id=parent["id"]).status_code == 201
    outbox.drain()

    assert smtp.received == []
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.event == "comment.reply")).scalar_one() == 0


def test_the_mailed_link_shows_a_page_and_only_its_post_confirms(mail_app, smtp):
    make_site("blog", name="Garden Blog")
    client = mail_app.test_client()
    parent = post(client, notify_replies=True).json["comment"]
    outbox.drain()
    link = confirmation_link(smtp, "ann@example.com")
    assert "ann@example.com" not in link
    path = link[len(PUBLIC_URL):]
    token = path.split("token=", 1)[1]

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert '<form method="post" action="/notifications/confirm">' in html
    assert f'name="token" value="{token}"' in html and "Garden Blog" in html
    for _ in range(3):  # scanners, previews and the reader's own clicks
        client.get(path)
    assert confirmed("ann@example.com") == [None]
    post(client, author="Bob", email="bob@example.com", body="First reply.", parent_id=parent["id"])
    smtp.received.clear()
    outbox.drain()
    assert smtp.received == []

    done = client.post("/notifications/confirm", data={"token": token})
    assert done.status_code == 200 and "your address is confirmed" in done.get_data(as_text=True)
    assert confirmed("ann@example.com") != [None]
    assert "Confirm" not in client.get(path).get_data(as_text=True).split("<h1>")[1].split("</main>")[0] \
        .replace("Comment notifications", "")  # a second visit says it is done, with no button

    post(client, author="Bob", email="bob@example.com", body="Second reply.", parent_id=parent["id"])
    outbox.drain()
    assert [m.rcpt_tos for m in smtp.received] == [["ann@example.com"]]
    assert "Second reply." in smtp.received[0].text


def test_at_most_one_confirmation_mail_per_address_per_day(mail_app, smtp):
    blog = make_site("blog")
    make_site("other")
    client = mail_app.test_client()
    for n, (site, email) in enumerate([("blog", "ann@example.com"), ("blog", "ANN@example.com"),
                                       ("other", "ann@example.com"), ("blog", "ann@example.com")]):
        assert post(client, site=site, email=email, notify_replies=True, body=f"Comment {n}",
                    article=f"post-{n}").status_code == 201
    outbox.drain()
    assert [m.rcpt_tos for m in smtp.received] == [["ann@example.com"]]

    assert addresses.request_confirmation(blog, "ann@example.com", now=utcnow() + timedelta(hours=23)) is False
    assert addresses.request_confirmation(blog, "ann@example.com", now=utcnow() + timedelta(hours=25)) is True
    db.session.commit()
    outbox.drain(now=utcnow() + timedelta(hours=25))
    assert len(smtp.to("ann@example.com")) == 2


def test_refused_and_spam_comments_ask_for_no_confirmation(mail_app, smtp):
    make_site("blog", policy={"banned_words": ["casino"]})
    client = mail_app.test_client()
    assert post(client, body="Best casino here", notify_replies=True).status_code == 403
    assert post(client, body="Hello", homepage="http://bot.example", notify_replies=True).status_code == 202
    outbox.drain()
    assert smtp.received == []


def test_broken_forged_or_old_confirmation_links_are_refused(mail_app, smtp, monkeypatch):
    site = make_site("blog")
    assert addresses.request_confirmation(site, "ann@example.com")
    db.session.commit()
    row_id = db.session.execute(sa.select(ConfirmedAddress.id)).scalar_one()
    client = mail_app.test_client()
    good = addresses.confirmation_token(row_id)
    real_time = time.time
    with monkeypatch.context() as m:  # a link made eight days ago
        m.setattr(time, "time", lambda: real_time() - 8 * 86400)
        old = addresses.confirmation_token(row_id)
    for token in ("", good[:-2] + "xx", old, "a" * 5000):
        assert client.get(f"/notifications/confirm?token={token}").status_code == 400, token
        assert client.post("/notifications/confirm", data={"token": token}).status_code == 400, token
    assert confirmed("ann@example.com") == [None]
    assert client.post("/notifications/confirm", data={"token": good}).status_code == 200
    assert confirmed("ann@example.com") != [None]


@pytest.mark.parametrize(("origins", "url", "kept"), [
    ([BLOG], f"{BLOG}/2008/03/interview", True),
    ([BLOG, "https://www.blog.example"], "https://WWW.Blog.Example/p?x=1#c", True),
    ([BLOG], "https://evil.example/2008/03/interview", False),
    ([BLOG], "http://blog.example/p", False),  # another scheme is another origin
    ([BLOG], "https://blog.example:8443/p", False),
    ([BLOG], "https://blog.example@evil.example/p", False),
    ([BLOG], "https://blog.example.evil.example/p", False),
    ([], "https://blog.example/p", False),  # a site that lists no origin vouches for no address
    ([BLOG], None, False),
])
def test_an_articles_url_and_title_are_kept_only_on_the_sites_origins(app, client, origins, url, kept):
    make_site("blog", origins=origins)
    fields = {"title": "Interview", "url": url} if url else {"title": "Interview"}
    assert post(client, **fields).status_code == 201
    article = db.session.execute(sa.select(Article)).scalar_one()
    assert (article.url, article.title) == ((url, "Interview") if kept else (None, None))


def test_reader_mail_links_only_to_the_service_and_the_sites_pages(mail_app, smtp):
    # The reply is all links and addresses on purpose: published as it is, so that its mail shows them.
    site = make_site("blog", origins=[BLOG],
                     policy={"max_links": 20, "spam_filter": False, "hold_contact_details": False})
    client = mail_app.test_client()
    ann = post(client, notify_replies=True, url=f"{BLOG}/post-1", title="See evil.example now").json["comment"]
    evil_article = post(client, article="post-2", notify_replies=True, url="https://evil.example/x",
                        title="Go to https://evil.example", body="Another thought.").json["comment"]
    confirm_address(site, "ann@example.com")
    smtp.received.clear()
    body = ("Look: https://evil.example/phish, www.evil.example, evil.example and EVIL.co.uk; "
            "mailto:x@evil.example or x@evil.example. Pi is 3.14, e.g. so.")
    for n, parent in enumerate((ann, evil_article)):
        assert post(client, author="Visit evil.example", email="bob@example.com", body=f"{body} ({n})",
                    parent_id=parent["id"], article=f"post-{n + 1}").status_code == 201
    outbox.drain()

    mails = smtp.to("ann@example.com")
    assert len(mails) == 2
    for mail in mails:
        text = mail.text.lower() + mail.message["Subject"].lower()
        assert "evil.example" not in text and "evil.co.uk" not in text
        assert "evil[.]example" in text and "[link]" in text and "pi is 3.14, e.g. so." in text
        for link in URLS.findall(mail.text):
            assert link.startswith((f"{PUBLIC_URL}/", f"{BLOG}/")), link
    links = [URLS.findall(m.text)[0] for m in mails]
    assert sorted(links) == sorted([f"{BLOG}/post-1", f"{PUBLIC_URL}/embed/blog?article=post-2"])
