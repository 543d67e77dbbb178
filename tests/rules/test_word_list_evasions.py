"""Word lists through the API: evasive spellings of a listed word are refused or held, innocent
words that contain one are published."""

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, CommentStatus
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"


def post(client, body, **fields):
    return client.post(URL, json={"article": "a", "author": "Ann", "body": body, **fields})


@pytest.mark.parametrize(("body", "word"), [
    ("Cheap viiagra here", "viagra"),
    ("Cheap vi agra here", "viagra"),
    ("Cheap v|agra here", "viagra"),
    ("Cheap \\/iagra here", "viagra"),
    ("Best onlinecasino bonus", "casino"),
    ("Top casinos of the year", "casino"),
])
def test_evasive_spellings_of_a_banned_word_are_refused(client, body, word):
    make_site(policy={"banned_words": ["viagra", "casino"]})
    response = post(client, body)
    assert response.status_code == 403
    assert response.json["reasons"] == [{"code": "banned_word", "message": f"Contains a banned word: {word}"}]
    assert db.session.execute(sa.select(Comment)).scalar_one().status == CommentStatus.REJECTED


def test_a_banned_word_in_the_website_is_refused_and_in_the_email_held_when_suspect(client):
    make_site(policy={"banned_words": ["viagra"], "suspect_words": ["casino"]})
    refused = post(client, "Great post, bookmarked!", website="https://buy-v1agra-online.example")
    assert refused.status_code == 403
    assert refused.json["reasons"] == [{"code": "banned_word",
                                        "message": "Contains a banned word: viagra (in the website)"}]
    held = post(client, "Great post, saved it.", email="promo@bestcasinos.example")
    assert held.status_code == 202
    statuses = db.session.execute(sa.select(Comment.status).order_by(Comment.id)).scalars().all()
    assert statuses == [CommentStatus.REJECTED, CommentStatus.PENDING]
    assert post(client, "Thanks!", website="https://ann.example", email="ann@example.org").status_code == 201


def test_an_evasive_suspect_word_in_the_name_is_held(client):
    make_site(policy={"suspect_words": ["casino"]})
    response = post(client, "Nice post.", author="Best-Casinos-Online")
    assert response.status_code == 202
    assert db.session.execute(sa.select(Comment)).scalar_one().status == CommentStatus.PENDING


def test_innocent_words_containing_listed_ones_are_published(client):
    make_site(policy={"banned_words": ["casino", "cialis", "cunt", "anal", "ass"]})
    body = "From Scunthorpe to Cassino: a specialist's classic analysis, with my assistant."
    response = post(client, body)
    assert response.status_code == 201
    assert response.json["status"] == "approved"
    assert response.json["comment"]["body_html"] == f"<p>{body}</p>"
