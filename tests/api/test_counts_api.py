"""GET /api/v1/sites/{site}/counts: stored counters, many articles, one request."""

import sqlalchemy as sa

from service.extensions import db
from service.models import Article
from tests.factories import make_comment, make_site

URL = "/api/v1/sites/blog/counts"


def test_counts_of_many_articles_in_one_request(client):
    site = make_site()
    for _ in range(3):
        make_comment(site, "a")
    make_comment(site, "b")
    make_comment(site, "b", status="pending")
    response = client.get(URL, query_string={"article": ["a", "b", "unknown"]})
    assert response.status_code == 200
    assert response.json == {"counts": {"a": 3, "b": 1, "unknown": 0}}
    assert response.headers["Cache-Control"] == "public, max-age=15"


def test_counts_come_from_the_stored_counters(client):
    site = make_site()
    make_comment(site, "a")
    # The read path trusts the counter kept with every status change, never COUNT(*).
    db.session.execute(sa.update(Article).values(approved_count=42))
    db.session.commit()
    assert client.get(URL, query_string={"article": "a"}).json == {"counts": {"a": 42}}


def test_at_most_100_articles_per_request(client):
    make_site()
    ok = client.get(URL, query_string={"article": [str(i) for i in range(100)]})
    assert ok.status_code == 200 and len(ok.json["counts"]) == 100
    too_many = client.get(URL, query_string={"article": [str(i) for i in range(101)]})
    assert too_many.status_code == 422
    assert too_many.json["errors"] == {"query": {"article": ["Length must be between 1 and 100."]}}


def test_counts_need_at_least_one_article(client):
    make_site()
    response = client.get(URL)
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"query": {"article": ["Missing data for required field."]}}}


def test_counts_of_unknown_site_is_404_naming_it(client):
    response = client.get("/api/v1/sites/nope/counts", query_string={"article": "a"})
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "No site 'nope'."}


def test_counts_answer_304_to_a_matching_etag_and_are_open_to_any_origin(client):
    site = make_site()
    make_comment(site, "a")
    first = client.get(URL, query_string={"article": "a"}, headers={"Origin": "https://elsewhere.example"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(URL, query_string={"article": "a"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
