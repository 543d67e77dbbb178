"""Readers report a published comment from the comments page: a disclosure with the four reasons
and a form POST (no JavaScript needed), answered 303 back to the page with a status line; the
report is the same one the flags API records, once per address and comment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, CommentStatus, Flag, Site
from tests.factories import make_comment, make_site

PAGE = "/embed/blog?article=post-1"
ORIGIN = "https://blog.example"


@pytest.fixture
def site(app):
    return make_site("blog", origins=[ORIGIN], policy={"flags_to_review": 2})


def report(client, comment_id, reason="spam", *, ip="10.0.0.2", origin=ORIGIN, article="post-1"):
    return client.post(f"/embed/blog/report?article={article}", data={"comment": str(comment_id), "reason": reason},
                       headers={"Origin": origin}, environ_base={"REMOTE_ADDR": ip})


def test_every_published_comment_offers_the_report_form(client, site):
    published = make_comment(site, "post-1", body="A published thought.")
    html = client.get(PAGE).get_data(as_text=True)
    item = html[html.index(f'id="comment-{published.id}"'):]
    item = item[:item.index("</li>")]
    assert '<details class="report">' in item and "<summary>Report</summary>" in item
    assert 'action="/embed/blog/report?article=post-1"' in item
    assert f'<input type="hidden" name="comment" value="{published.id}">' in item
    for value, label in (("spam", "Spam"), ("abusive", "Abusive"), ("off-topic", "Off-topic"), ("other", "Something else")):
        assert f'value="{value}"' in item and label in item
    german = client.get(PAGE + "&lang=de").get_data(as_text=True)
    assert "<summary>Melden</summary>" in german and "Meldung senden" in german


def test_a_report_is_recorded_once_and_the_page_says_so(client, site):
    comment = make_comment(site, "post-1")
    response = report(client, comment.id, "abusive")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("status=reported#status")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you: a moderator will look at this comment." in page
    (flag,) = db.session.execute(sa.select(Flag)).scalars().all()
    assert (flag.comment_id, flag.reason) == (comment.id, "abusive")
    again = report(client, comment.id, "spam")
    assert again.headers["Location"].endswith("status=report_again#status")
    assert "You have reported this comment already." in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one() == 1
    report(client, comment.id, "spam", ip="10.0.0.3")  # a second reader: the site's threshold is reached
    db.session.refresh(comment)
    assert comment.flag_count == 2 and comment.status == CommentStatus.APPROVED


@pytest.mark.parametrize("case", ["unknown reason", "held comment", "other article", "no such comment", "no id"])
def test_a_report_that_cannot_be_taken_says_so_and_records_nothing(client, site, case):
    published = make_comment(site, "post-1")
    elsewhere = make_comment(site, "post-2")
    held = make_comment(site, "post-1", status="pending")
    comment_id, reason = {"unknown reason": (published.id, "boring"), "held comment": (held.id, "spam"),
                          "other article": (elsewhere.id, "spam"), "no such comment": (999_999, "spam"),
                          "no id": ("x", "spam")}[case]
    response = report(client, comment_id, reason)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("status=report_refused#status")
    assert "This report could not be sent." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one() == 0
    assert db.session.execute(sa.select(sa.func.max(Comment.flag_count))).scalar_one() == 0


def test_a_report_from_a_page_the_site_does_not_list_is_refused(client, site):
    comment = make_comment(site, "post-1")
    assert report(client, comment.id, origin="https://elsewhere.example").status_code == 403
    assert db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one() == 0


def test_a_held_comment_shown_to_its_author_has_no_report_form(client, site):
    from service.embed.views import _own_serializer

    held = make_comment(site, "post-1", status="pending", body="Mine, awaiting a moderator.")
    with client.application.test_request_context():
        own = _own_serializer().dumps([held.id])
    html = client.get(f"{PAGE}&own={own}").get_data(as_text=True)
    item = html[html.index(f'id="comment-{held.id}"'):]
    assert "Mine, awaiting a moderator." in item
    assert '<details class="report">' not in item[:item.index("</li>")]


@pytest.fixture
def limited(make_app):
    """An app with the rate limits on (the suite's default app has them off)."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        make_site("blog", origins=[ORIGIN], policy={"flags_to_review": 2, "min_fill_seconds": 0,
                                                    "rate_per_minute": 1000, "rate_per_hour": 10000})
        db.session.remove()
    return app


def test_over_the_limit_the_reader_goes_back_to_the_page_with_a_message(limited):
    """Flask-Limiter's 429 page may not be framed: the widget's forms answer inside the frame."""
    with limited.app_context():
        site = db.session.execute(sa.select(Site)).scalar_one()
        ids = [make_comment(site, "post-1").id for _ in range(11)]
    client = limited.test_client()
    for comment_id in ids[:10]:
        assert report(client, comment_id).headers["Location"].endswith("status=reported#status")
    over = report(client, ids[10])
    assert over.status_code == 303 and over.headers["Location"].endswith("status=too_many#status")
    page = client.get(over.headers["Location"])
    assert page.status_code == 200
    assert "Too many in a short time from your address. Please wait a minute and try again." in page.get_data(
        as_text=True)
    with limited.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one() == 10


def test_the_comment_form_over_its_limit_keeps_what_was_typed(limited):
    client = limited.test_client()
    form = {"author": "Ada", "body": "A thought worth keeping"}
    codes = [client.post("/embed/blog?article=post-1", data={**form, "body": f"{form['body']} {i}"},
                         headers={"Origin": ORIGIN}).status_code for i in range(20)]
    assert 429 not in codes
    over = client.post("/embed/blog?article=post-1", data=form, headers={"Origin": ORIGIN})
    assert over.status_code == 429
    html = over.get_data(as_text=True)
    assert "Too many in a short time from your address." in html and "A thought worth keeping</textarea>" in html
