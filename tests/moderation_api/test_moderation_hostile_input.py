"""Hostile input to the moderation API and reader reports: a clear 4xx, never a 5xx, and a
refused request leaves nothing behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import Block, Comment, Flag, ModerationEvent
from tests.factories import make_comment

NASTY = ["\x00", "\ud800", "%", "' OR 1=1 --", "x" * 5000, "😀" * 300]


def rows() -> tuple[int, int, int]:
    count = lambda m: db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()  # noqa: E731
    return count(Block), count(Flag), count(ModerationEvent)


# Query strings as a client may send them: percent-escaped bytes, invalid UTF-8 included.
RAW_QUERY_VALUES = ["%00", "%ED%A0%80", "%FF", "%25", "%27%20OR%201%3D1%20--", "x" * 5000, "-1", "1e9"]


@pytest.mark.parametrize("value", RAW_QUERY_VALUES)
def test_nasty_query_values_never_cause_a_server_error(client, blog, admin, value):
    for name in ("site", "status", "article", "q", "author", "email", "ip_hash", "page", "per_page"):
        response = client.get(f"/api/v1/moderation/comments?{name}={value}", headers=admin.headers)
        assert response.status_code in (200, 404, 422), (name, response.json)
    for name in ("site", "moderator", "before", "limit"):
        response = client.get(f"/api/v1/moderation/events?{name}={value}", headers=admin.headers)
        assert response.status_code in (200, 404, 422), (name, response.json)


@pytest.mark.parametrize("value", NASTY)
def test_nasty_json_values_are_refused_or_cleaned_and_never_a_server_error(client, blog, admin, value):
    comment = make_comment(blog, status="pending")
    before = rows()
    attempts = [
        ("patch", f"/api/v1/moderation/comments/{comment.id}", {"status": value}),
        ("patch", f"/api/v1/moderation/comments/{comment.id}", {"status": "spam", "revision": value}),
        ("post", "/api/v1/moderation/comments/bulk", {"ids": [value], "status": "spam"}),
        ("put", f"/api/v1/moderation/comments/{comment.id}/body", {"body": value, "revision": 99}),
        ("post", "/api/v1/moderation/sites/blog/blocks", {"kind": "email", "value": value}),
        ("post", "/api/v1/moderation/sites/blog/blocks", {"kind": value, "value": "x"}),
        ("post", "/api/v1/moderation/sites/blog/dry-run", {"body": "hi", "email": value, "x": 1}),
        ("post", f"/api/v1/moderation/comments/{comment.id}/block-author", {"kinds": [value]}),
        ("post", f"/api/v1/moderation/comments/{comment.id}/block-author", {"expires_at": value}),
    ]
    for method, url, body in attempts:
        response = getattr(client, method)(url, json=body, headers=admin.headers)
        assert 400 <= response.status_code < 500, (url, body, response.status_code)
    assert rows() == before


@pytest.mark.parametrize("segment", ["%00", "%ED%A0%80", "a%20b", "x" * 300])
def test_nasty_site_path_segments_are_404(client, blog, admin, segment):
    for path in ("blocks", "policy"):
        response = client.get(f"/api/v1/moderation/sites/{segment}/{path}", headers=admin.headers)
        assert response.status_code == 404


def test_notes_lose_control_characters(client, blog, admin):
    comment = make_comment(blog, status="pending")
    response = client.patch(f"/api/v1/moderation/comments/{comment.id}",
                            json={"status": "approved", "note": "ok\x00\u202e then\ud800"}, headers=admin.headers)
    assert response.status_code == 200
    note = db.session.execute(sa.select(ModerationEvent.note).order_by(ModerationEvent.id.desc())).scalars().first()
    assert note == "ok then"


@pytest.mark.parametrize("value", NASTY)
def test_nasty_reports_are_refused_cleanly(client, blog, value):
    comment = make_comment(blog)
    for body in ({"reason": value}, {"reason": "spam", "note": value}):
        response = client.post(f"/api/v1/comments/{comment.id}/flags", json=body)
        assert response.status_code in (201, 422), response.json
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).flag_count == db.session.execute(
        sa.select(sa.func.count()).select_from(Flag)).scalar_one()


def test_dry_run_refuses_unstorable_characters(client, blog, admin):
    response = client.post("/api/v1/moderation/sites/blog/dry-run", json={"body": "hi", "email": "a\x00@b.c"},
                           headers=admin.headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"email": [
        "Contains characters that cannot be stored (NUL or lone surrogates)."]}}
