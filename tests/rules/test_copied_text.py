"""One message from many addresses and emails (a campaign) walks past the repeat check, which
refuses the same text from the same sender: from the third comment with the text on the site
within the repeat window, each is held, and the submitter is told nothing more than for any hold."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import ModerationEvent
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
CAMPAIGN = "Earn 500 dollars a day from home, message me on Telegram @easy_money_now"


def send(client, body, n, article="post-1"):
    return client.post(URL, json={"article": article, "author": f"Reader {n}", "email": f"r{n}@example.org",
                                  "body": body}, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})


def last_codes():
    newest = sa.select(ModerationEvent.reasons).order_by(ModerationEvent.id.desc())
    reasons = db.session.execute(newest).scalars().first()
    return [r["code"] for r in reasons]


def test_the_third_comment_with_the_same_text_from_another_sender_is_held(client, app):
    make_site(policy={"spam_filter": False, "hold_contact_details": False})
    answers = [send(client, CAMPAIGN, n, article=f"post-{n}") for n in range(1, 5)]
    assert [a.json["status"] for a in answers] == ["approved", "approved", "pending", "pending"]
    assert last_codes() == ["copied_text"]
    assert answers[2].status_code == 202 and "other comment" not in answers[2].get_data(as_text=True)


def test_short_texts_and_a_site_that_turned_the_check_off_are_not_held(client, app):
    make_site(policy={"spam_filter": False})
    make_site("quiet", policy={"spam_filter": False, "hold_contact_details": False, "copies_to_review": 0})
    assert [send(client, "Great post, thanks!", n).json["status"] for n in range(1, 5)] == ["approved"] * 4
    quiet = [client.post("/api/v1/sites/quiet/comments", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
                         json={"article": "a", "author": f"R{n}", "body": CAMPAIGN}).json["status"]
             for n in range(1, 5)]
    assert quiet == ["approved"] * 4


def test_the_same_sender_is_still_refused_as_a_repeat(client, app):
    make_site(policy={"spam_filter": False, "hold_contact_details": False})
    assert send(client, CAMPAIGN, 1).json["status"] == "approved"
    again = send(client, CAMPAIGN, 1, article="post-2")
    assert again.status_code == 403  # refused, not stored
    assert "repeat_post" in last_codes()
