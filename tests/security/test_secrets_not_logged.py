"""Passwords, bearer tokens, session cookies, edit and author tokens never reach a log line, even
at DEBUG with the application's access log on and SQLAlchemy logging its statements."""

from __future__ import annotations

import logging
import secrets

from service.logging import JsonFormatter
from service.services.administration import tokens
from service.services.administration.moderators import create_moderator
from tests.factories import make_site

PASSWORD = "correct horse battery staple 42"
FAST = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


def test_no_secret_appears_in_any_log_line_at_debug(make_app, caplog, capsys):
    app = make_app(LOG_FORMAT="json", LOG_LEVEL="DEBUG", ACCESS_LOG=True)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement with its parameters
    wrong_password = "wrong " + PASSWORD
    wrong_token = "cmt_" + secrets.token_urlsafe(24)
    with app.app_context():
        make_site("blog", policy=FAST)
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
        _, bearer = tokens.create_token("bot", site_slugs=["blog"])
        client = app.test_client()

        assert client.post("/moderate/login", data={"email": "mod@example.org", "password": wrong_password}
                           ).status_code == 401
        assert client.post("/moderate/login", data={"email": "mod@example.org", "password": PASSWORD}
                           ).status_code == 302
        session_cookie = client.get_cookie("session").value
        assert client.get("/moderate/").status_code == 200

        api = app.test_client()
        assert api.get("/api/v1/moderation/comments", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
        assert api.get("/api/v1/moderation/comments", headers={"Authorization": f"Bearer {wrong_token}"}
                       ).status_code == 401

        created = api.post("/api/v1/sites/blog/comments", json={
            "article": "post-1", "author": "Ann", "email": "ann@example.org", "body": "First."})
        assert created.status_code == 201
        edit_token, author_token = created.json["edit_token"], created.json["author_token"]
        comment_id = created.json["comment"]["id"]
        assert api.patch(f"/api/v1/comments/{comment_id}", json={"body": "Edited."},
                         headers={"X-Edit-Token": edit_token}).status_code == 200
        assert api.patch(f"/api/v1/comments/{comment_id}", json={"body": "Forged."},
                         headers={"X-Edit-Token": wrong_token}).status_code == 404
        assert api.post("/api/v1/sites/blog/comments", json={
            "article": "post-1", "author": "Ann", "body": "Again.", "author_token": author_token}).status_code == 201
        assert api.get(f"/healthz?token={wrong_token}&password={wrong_password}").status_code == 200

    records = caplog.records
    access = [r for r in records if r.name == "service.access"]
    assert len(access) >= 10 and any(r.name.startswith("sqlalchemy") for r in records)  # logging was on
    formatter = JsonFormatter()
    logged = "\n".join([caplog.text, capsys.readouterr().err, *(formatter.format(r) for r in records)])
    for name, secret in {"password": PASSWORD, "wrong password": wrong_password, "bearer token": bearer,
                         "wrong token": wrong_token, "session cookie": session_cookie, "edit token": edit_token,
                         "author token": author_token}.items():
        assert secret not in logged, f"the {name} reached the logs"
    assert "Authorization" not in logged and "X-Edit-Token" not in logged and "Cookie:" not in logged
