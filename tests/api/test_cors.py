"""Reads are open to every origin; writes only from the site's own origins."""

import sqlalchemy as sa

from service.extensions import db
from service.models import Comment
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"
BODY = {"article": "a", "author": "Ann", "body": "hello"}


def test_public_reads_are_open_to_any_origin(client):
    make_site(origins=["https://blog.example.com"])
    response = client.get(URL, query_string={"article": "a"}, headers={"Origin": "https://anywhere.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_write_from_a_listed_origin_is_allowed_with_cors_headers(client):
    make_site(origins=["https://blog.example.com"])
    response = client.post(URL, json=BODY, headers={"Origin": "https://blog.example.com"})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"
    assert "Origin" in response.headers["Vary"]


def test_write_from_another_origin_is_refused_and_stores_nothing(client):
    make_site(origins=["https://blog.example.com"])
    response = client.post(URL, json=BODY, headers={"Origin": "https://evil.example.net"})
    assert response.status_code == 403
    assert response.json["message"] == "Comments for 'blog' cannot be written from https://evil.example.net."
    assert "Access-Control-Allow-Origin" not in response.headers
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one() == 0


def test_preflight_from_a_listed_origin_allows_the_write_headers(client):
    make_site(origins=["https://blog.example.com"])
    response = client.options(URL, headers={"Origin": "https://blog.example.com",
                                            "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "X-Edit-Token" in response.headers["Access-Control-Allow-Headers"]


def test_preflight_from_another_origin_gets_no_permission(client):
    make_site(origins=["https://blog.example.com"])
    response = client.options(URL, headers={"Origin": "https://evil.example.net",
                                            "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_site_without_listed_origins_accepts_any(client):
    make_site()
    assert client.post(URL, json=BODY, headers={"Origin": "https://any.example.org"}).status_code == 201
