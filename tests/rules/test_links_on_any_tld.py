"""Links on any TLD through the API: rendered as links, counted by max_links, refused by blocked_domains."""

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment, CommentStatus, ModerationEvent
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
SPAM_LINKS = "Cheap pills https://spam.xyz/a and https://spam.xyz/b and https://other.app/c"


def post(client, body, **fields):
    return client.post(URL, json={"article": "a", "author": "Ann", "body": body, **fields})


def reasons() -> list[dict]:
    return db.session.execute(sa.select(ModerationEvent)).scalar_one().reasons


def test_links_on_new_tlds_are_counted_by_max_links(client):
    make_site()
    response = post(client, SPAM_LINKS)
    assert response.status_code == 202 and response.json["status"] == "pending"
    # The learned filter may hold it too; the link count must be among the reasons.
    [reason] = [r for r in reasons() if r["code"] == "too_many_links"]
    assert reason["matched"] == ["https://spam.xyz/a", "https://spam.xyz/b", "https://other.app/c"]


def test_bare_domains_on_new_tlds_are_counted_by_max_links(client):
    make_site(policy={"max_links": 1})
    response = post(client, "Visit spam.xyz and casino.bet today")
    assert response.status_code == 202
    assert reasons()[0]["matched"] == ["http://spam.xyz", "http://casino.bet"]


def test_a_link_to_a_blocked_domain_on_a_new_tld_is_refused(client):
    make_site(policy={"blocked_domains": ["spam.xyz"]})
    response = post(client, "Read this https://www.spam.xyz/a")
    assert response.status_code == 403
    assert response.json["reasons"] == [{"code": "blocked_domain", "message": "Links to a blocked domain: spam.xyz"}]
    comment = db.session.execute(sa.select(Comment)).scalar_one()
    assert comment.status == CommentStatus.REJECTED


def test_a_bare_blocked_domain_on_a_new_tld_is_refused(client):
    make_site(policy={"blocked_domains": ["spam.xyz"]})
    assert post(client, "Go to spam.xyz now").status_code == 403


def test_version_numbers_and_numbered_sentences_are_neither_links_nor_counted(client):
    make_site(policy={"max_links": 0})
    response = post(client, "1.it works on Python 3.10 and 3.12.1, see notes.txt")
    assert response.status_code == 201
    assert response.json["comment"]["body_html"] == "<p>1.it works on Python 3.10 and 3.12.1, see notes.txt</p>"


@pytest.mark.parametrize(("body", "html"), [
    ("Docs at https://web.dev/x",
     '<p>Docs at <a href="https://web.dev/x" rel="nofollow ugc noopener">https://web.dev/x</a></p>'),
    ("https://example.app",
     '<p><a href="https://example.app" rel="nofollow ugc noopener">https://example.app</a></p>'),
    ("my blog: ann.blog",
     '<p>my blog: <a href="http://ann.blog" rel="nofollow ugc noopener">ann.blog</a></p>'),
])
def test_a_link_on_a_new_tld_is_published_as_a_link_with_rel(client, body, html):
    make_site()
    response = post(client, body)
    assert response.status_code == 201
    assert response.json["comment"]["body_html"] == html
    stored = db.session.execute(sa.select(Comment)).scalar_one()
    assert stored.body_html == html
