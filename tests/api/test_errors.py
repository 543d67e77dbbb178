"""One error envelope for every failure, and no half-written rows."""

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment
from tests.factories import make_site

URL = "/api/v1/sites/blog/comments"


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_non_json_body_is_415(client):
    make_site()
    response = client.post(URL, data="article=a&author=b&body=c", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json == {"code": 415, "status": "Unsupported Media Type",
                             "message": "Send the request body as JSON (Content-Type: application/json)."}


def test_malformed_json_is_400(client):
    make_site()
    response = client.post(URL, data='{"article": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"code": 400, "status": "Bad Request", "message": "The request could not be read.",
                             "errors": {"json": ["Invalid JSON body."]}}


def test_json_that_is_not_an_object_is_422(client):
    make_site()
    response = client.post(URL, json=["a", "b"])
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"_schema": ["Invalid input type."]}}


def test_unknown_fields_are_named(client):
    make_site()
    response = client.post(URL, json={"article": "a", "author": "b", "body": "c", "admin": True})
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"admin": ["Unknown field."]}}


def test_wrong_method_is_405_with_allow(client):
    response = client.put(URL, json={})
    assert response.status_code == 405
    assert response.json == {"code": 405, "status": "Method Not Allowed",
                             "message": "This address does not take that method."}
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_unknown_api_path_is_404_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "There is nothing at this address."}


def test_request_over_the_size_limit_is_413_json(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2000)
    with app.app_context():
        make_site()
        response = app.test_client().post(URL, json={"article": "a", "author": "b", "body": "x" * 5000})
        assert response.status_code == 413
        assert response.json == {"code": 413, "status": "Request Entity Too Large",
                                 "message": "The request is larger than this service accepts."}
        assert count(Comment) == 0


def test_body_over_its_limit_is_422(make_app):
    app = make_app(MAX_BODY_CHARS=50)
    with app.app_context():
        make_site()
        response = app.test_client().post(URL, json={"article": "a", "author": "b", "body": "x" * 51})
        assert response.status_code == 422
        assert response.json["errors"] == {"json": {"body": ["Longer than maximum length 50."]}}


def test_unknown_site_is_404_naming_it_and_writes_nothing(client):
    response = client.post("/api/v1/sites/ghost/comments", json={"article": "a", "author": "b", "body": "c"})
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "No site 'ghost'."}
    assert count(Article) == 0


def test_unexpected_error_is_a_generic_500_envelope_without_traceback(app, client):
    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json == {"code": 500, "status": "Internal Server Error",
                             "message": "Something went wrong on our side; nothing was saved."}
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


def test_html_pages_get_an_html_error_page(client):
    response = client.get("/embed/ghost", query_string={"article": "a"}, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
