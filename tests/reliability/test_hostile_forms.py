"""Hostile and odd input everywhere a reader or a moderator can type, beyond the public JSON
API (tests/api/test_hostile_input.py): every field of the no-JavaScript form, the moderation
API's notes, statuses, searches and bulk ids, reader reports, the preview, the queue's query
string, ids past 64 bits in every path, and broken Content-Length / Content-Type headers sent
over a raw socket to the real server. Each gets a clear 4xx, or is stored and shown back
faithfully (escaped); never a 5xx, never a half-written row."""

from __future__ import annotations

import re
import socket
import unicodedata
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from markupsafe import escape

from service.extensions import db
from service.models import Comment, Flag, ModerationEvent
from service.services.administration import moderators, tokens
from tests.factories import make_comment, make_site
from tests.reliability.server import OPEN_POLICY, migrated_sqlite, running, seeded

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\x01\x02\x7f\x9f", "\x1b[31mred\x1b[0m", "line\r\nbreak\rthen\u2028more",
    "\ud800", "lone \udfff surrogate", "\u202egnp.exe", "\u202bRTL\u202c and \u2067isolate\u2069",
    "\u200b\u200c\u200d\ufeff", "🙂" * 50, "👩‍👩‍👧‍👦 🏳️‍🌈 e\u0301", "x" * 100_000,
    "> " * 500 + "deep quote", "  " * 200 + "- nested list", "*" * 5000, "[" * 3000 + "]" * 3000,
    "`" * 1000, "![a](javascript:alert(1))" * 50, "' OR 1=1 --", "'; DROP TABLE comment; --",
    "1); SELECT pg_sleep(5); --", "{{ 7*7 }}", "{% raw %}{{ config }}{% endraw %}", "${7*7}", "#{7*7}",
    "<%= 7*7 %>", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "%00%0d%0a", "../../etc/passwd", "\\", "null", "NaN", "-1", "9" * 30, "4" * 12, "²", "#²", "#" + "4" * 12,
    "1." + "4" * 12,
]
# The form fields of the no-JavaScript page (service/embed/schemas.py FORM_FIELDS).
FORM_FIELDS = ("author", "email", "website", "body", "parent_id", "title", "url", "form_token", "homepage")
TEMPLATE_RESULTS = ("49", "7*7=49")


def table_counts() -> dict[str, int]:
    """Every table's row count, read in one statement (one round trip, however many tables)."""
    tables = db.metadata.sorted_tables
    counts = sa.select(*(sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
    return dict(db.session.execute(counts).one()._mapping)


def form_body(fields: dict[str, str]) -> bytes:
    """A form body as a browser would send it; a lone surrogate travels as its (invalid) bytes."""
    return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")


def is_faithful_text(value: str) -> bool:
    """Text that must come back exactly (after trimming): nothing a cleaner would drop."""
    return value.isprintable() and unicodedata.normalize("NFC", value) == value


@pytest.fixture
def blog(app):
    site = make_site("blog", policy=OPEN_POLICY)
    make_comment(site, "a", body="The first comment.")  # the article exists before any hostile post
    return site


def post_form(client, fields: dict, article: str = "a"):
    return client.post(f"/embed/blog?article={article}", data=form_body(fields),
                       content_type="application/x-www-form-urlencoded")


def assert_clean_outcome(response, before: dict, context) -> None:
    """A 303 stored one whole comment; a rule's 403 stored one whole rejected comment; any other
    4xx stored nothing at all."""
    assert response.status_code < 500, (context, response.status_code, response.data[:300])
    after = table_counts()
    changed = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    if response.status_code in (303, 403) and changed:
        assert changed.get("comment") == 1 and changed.get("moderation_event") == 1, (context, changed)
    else:
        assert response.status_code == 303 or not changed, (context, response.status_code, changed)


@pytest.mark.parametrize("field", FORM_FIELDS)
def test_every_form_field_takes_every_hostile_value_without_a_server_error_or_a_partial_row(client, blog, field):
    for n, value in enumerate(HOSTILE):
        fields = {"author": "Ann", "body": f"Plain words, number {n}."}
        fields[field] = value
        before = table_counts()
        response = post_form(client, fields)
        assert_clean_outcome(response, before, (field, value[:40]))
        if response.status_code == 303:
            stored = db.session.execute(sa.select(Comment).order_by(Comment.id.desc())).scalars().first()
            if field in ("author", "body") and is_faithful_text(value):
                assert getattr(stored, field) == value.strip(), (field, value[:40])
            for column in ("author", "body", "email", "website"):
                text = getattr(stored, column) or ""
                assert "\x00" not in text and not re.search("[\ud800-\udfff]", text), (field, column)
        elif response.status_code in (400, 422):
            assert "text/html" in response.content_type  # the page again, saying what went wrong
        db.session.expire_all()


@pytest.mark.parametrize(("content_type", "data"), [
    ("application/x-www-form-urlencoded", b"author=%FF%FE&body=%C3%28%A0%A1"),
    ("application/x-www-form-urlencoded", b"author=\xff\xfe&body=raw \xc3\x28 bytes"),
    ("application/x-www-form-urlencoded", b"author=Ann&body=%ED%A0%80%ED%B0%80"),
    ("application/x-www-form-urlencoded; charset=latin-1", "author=Jürgen&body=Grüße".encode("latin-1")),
    ("application/x-www-form-urlencoded", b"author=Ann&body=x&body=y&author=Bob"),
    ("application/x-www-form-urlencoded", b"&&&===&author&body"),
    ("application/x-www-form-urlencoded", b"author=" + b"%" * 5000),
    ("application/x-www-form-urlencoded", b""),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"body\"; "
                                         b"filename=\"../../x.sh\"\r\n\r\nhello\r\n--x--\r\n"),
    ("multipart/form-data; boundary=x", b"--x\r\n\r\n--x--"),
    ("multipart/form-data", b"no boundary at all"),
    ("application/json", b'{"author": "Ann", "body": "JSON to a form"}'),
    ("text/plain", b"author=Ann&body=plain"),
    ("", b"author=Ann&body=none"),
])
def test_form_posts_with_odd_bytes_and_content_types_are_a_clear_answer(client, blog, content_type, data):
    before = table_counts()
    response = client.post("/embed/blog?article=a", data=data, content_type=content_type)
    assert_clean_outcome(response, before, content_type)
    assert response.status_code in (303, 400, 403, 413, 415, 422), response.status_code


@pytest.mark.parametrize("article", ["", "\x00", "%00", "x" * 300, "\u202e", "../../etc", "{{ 7*7 }}", "🙂"])
def test_form_posts_to_hostile_article_ids_and_sites_answer_cleanly(client, blog, article):
    before = table_counts()
    response = client.post(f"/embed/blog?article={quote(article, safe='%')}",
                           data=form_body({"author": "Ann", "body": f"About {article[:5]!r}."}),
                           content_type="application/x-www-form-urlencoded")
    assert_clean_outcome(response, before, article)
    for site in ("%00", "bl%C3%28og", "x" * 300, "blog%2F..%2Fother"):
        response = client.post(f"/embed/{site}?article=a", data={"author": "Ann", "body": "Hello."})
        assert response.status_code == 404, site


def admin_headers() -> dict:
    _, plaintext = tokens.create_token("hostile-admin", is_admin=True)
    return {"Authorization": f"Bearer {plaintext}"}


def test_hostile_author_and_body_are_shown_back_escaped_on_the_page_and_in_the_queue(client, blog):
    author = "\"><img src=x onerror=alert(1)> {{ 7*7 }} \u202eevil"
    body = "<script>alert(1)</script> {% raw %}{{ config }}{% endraw %} ${7*7}"
    response = post_form(client, {"author": author, "body": body})
    assert response.status_code == 303
    stored = db.session.execute(sa.select(Comment).where(Comment.body == body)).scalar_one()
    assert stored.author == "\"><img src=x onerror=alert(1)> {{ 7*7 }} evil"  # the RTL override is dropped

    page = client.get("/embed/blog?article=a").get_data(as_text=True)
    assert str(escape(stored.author)) in page  # as the templates escape text: nothing lost, nothing live
    assert "<img src=x" not in page and "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "{{ config }}" in page

    moderators.create_moderator("admin@example.org", "correct horse battery", is_admin=True)
    queue = app_client_logged_in(client.application)
    for url in ("/moderate/?tab=all", f"/moderate/comments/{stored.id}"):
        text = queue.get(url).get_data(as_text=True)
        assert "onerror=alert(1)>" not in text and "<script>alert(1)</script>" not in text, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in text, url
    api = client.get(f"/api/v1/moderation/comments/{stored.id}", headers=admin_headers()).json
    assert (api["author"], api["body"]) == (stored.author, body)


def app_client_logged_in(app):
    queue = app.test_client()
    response = queue.post("/moderate/login", data={"email": "admin@example.org", "password": "correct horse battery"})
    assert response.status_code == 302
    return queue


JSON_VALUES = HOSTILE + [None, 0, -1, 2**31, 2**40, 2**64, 1.5, True, [], {}, ["a"], {"$ne": None}]


@pytest.mark.parametrize("value", JSON_VALUES, ids=range(len(JSON_VALUES)))
def test_moderation_api_notes_statuses_and_bulk_ids_refuse_or_keep_hostile_values(client, blog, value):
    headers = admin_headers()
    comment = make_comment(blog, "a", status="pending")
    attempts = [
        ("patch", f"/api/v1/moderation/comments/{comment.id}", {"status": "approved", "note": value}),
        ("patch", f"/api/v1/moderation/comments/{comment.id}", {"status": value}),
        ("put", f"/api/v1/moderation/comments/{comment.id}/body", {"body": value, "note": "edit"}),
        ("post", "/api/v1/moderation/comments/bulk", {"ids": [comment.id], "status": "spam", "note": value}),
        ("post", "/api/v1/moderation/comments/bulk", {"ids": [value], "status": "spam"}),
        ("post", "/api/v1/moderation/comments/bulk", {"ids": value, "status": value}),
        ("patch", f"/api/v1/moderation/comments/{comment.id}", {"status": "spam", "revision": value}),
        ("put", f"/api/v1/moderation/comments/{comment.id}/body", {"body": "New text.", "revision": value}),
        ("post", "/api/v1/sites/blog/comments", {"article": "a", "author": "Ann", "body": "Reply.", "parent_id": value}),
    ]
    for method, url, payload in attempts:
        before = table_counts()
        response = getattr(client, method)(url, json=payload, headers=headers)
        assert response.status_code < 500, (url, payload, response.json)
        if response.status_code >= 400:
            assert {"code", "message"} <= set(response.json), (url, payload)
            assert table_counts() == before, (url, payload)
        elif payload.get("note") is value and isinstance(value, str):
            note = db.session.execute(sa.select(ModerationEvent.note).order_by(ModerationEvent.id.desc())).scalar()
            if is_faithful_text(value) and value.strip():
                assert note == value.strip()
            assert note is None or ("\x00" not in note and not re.search("[\ud800-\udfff\u202e]", note))
    db.session.expire_all()
    approved, pending = db.session.execute(sa.text(
        "SELECT approved_count, pending_count FROM article WHERE key = 'a'")).one()
    counted = dict(db.session.execute(sa.text(
        "SELECT status, COUNT(*) FROM comment GROUP BY status")).all())
    assert (approved, pending) == (counted.get("approved", 0), counted.get("pending", 0))


QUERY_VALUES = [v for v in HOSTILE if len(v) < 6000] + ["%ED%A0%80", "%FF", "%25", "-1", "0", "1e9", "2" * 40,
                                                        "9" * 5000]


def query_string(name: str, value: str) -> str:
    if value.startswith("%") and len(value) <= 9:
        return f"{name}={value}"  # already percent-escaped bytes, invalid UTF-8 included
    return f"{name}=" + quote(value, safe="", errors="surrogatepass")


@pytest.mark.parametrize("value", QUERY_VALUES, ids=range(len(QUERY_VALUES)))
def test_queue_and_listing_query_parameters_take_hostile_values(client, blog, value):
    make_comment(blog, "a", status="pending", author="Mallory")
    headers = admin_headers()
    moderators.create_moderator("admin@example.org", "correct horse battery", is_admin=True)
    queue = app_client_logged_in(client.application)
    for name in ("tab", "after", "site", "article", "author", "email", "ip_hash", "q"):
        response = queue.get(f"/moderate/?{query_string(name, value)}")
        assert response.status_code in (200, 400, 404, 422), (name, value[:40], response.status_code)
    for name in ("site", "moderator", "before"):
        response = queue.get(f"/moderate/log?{query_string(name, value)}")
        assert response.status_code in (200, 400, 404, 422), (name, value[:40], response.status_code)
        response = client.get(f"/api/v1/moderation/events?{query_string(name, value)}", headers=headers)
        assert response.status_code in (200, 404, 422), (name, value[:40], response.json)
    before = table_counts()
    response = queue.post("/moderate/comments/bulk", data=form_body({"ids": value, "status": "approved"}),
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500 and (response.status_code < 400 or table_counts() == before)
    for name in ("site", "status", "article", "q", "author", "email", "ip_hash", "page", "per_page"):
        response = client.get(f"/api/v1/moderation/comments?{query_string(name, value)}", headers=headers)
        assert response.status_code in (200, 404, 422), (name, value[:40], response.json)
    for name in ("article", "order", "page", "per_page", "reply"):
        args = "article=a&" + query_string(name, value) if name != "article" else query_string(name, value)
        response = client.get(f"/api/v1/sites/blog/comments?{args}")
        assert response.status_code in (200, 404, 422), (name, value[:40])
        response = client.get(f"/embed/blog?{args}")
        assert response.status_code in (200, 400, 404), (name, value[:40])


@pytest.mark.parametrize("value", JSON_VALUES, ids=range(len(JSON_VALUES)))
def test_reports_and_previews_take_hostile_values_with_exact_flag_counts(client, blog, value):
    comment = make_comment(blog, "a")
    for payload in ({"reason": value}, {"reason": "spam", "note": value}, {"reason": "other", "note": value, "x": 1}):
        before = table_counts()
        response = client.post(f"/api/v1/comments/{comment.id}/flags", json=payload,
                               environ_base={"REMOTE_ADDR": f"10.0.0.{len(before) % 200}"})
        assert response.status_code in (201, 409, 422), (payload, response.json)
        if response.status_code != 201:
            assert table_counts() == before
    db.session.expire_all()
    flags = db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one()
    assert db.session.get(Comment, comment.id).flag_count == flags

    response = client.post("/api/v1/preview", json={"body": value})
    assert response.status_code in (200, 422), response.json
    if response.status_code == 200:
        preview = response.json["html"]
        assert "<script" not in preview and not re.search(r"<[^>]*\sonerror=", preview)
        assert not re.search(r"(?:href|src)=\"\s*javascript:", preview, re.I)


def test_ids_past_64_bits_are_404_on_every_id_route(client, blog):
    headers = admin_headers()
    huge = str(2**64)
    checked = 0
    for rule in client.application.url_map.iter_rules():
        if not any(type(conv).__name__ == "DatabaseId" for conv in rule._converters.values()):
            continue
        path = re.sub(r"<int:[^>]+>", huge, rule.rule)
        path = re.sub(r"<(?:string:|path:)?[^>]+>", "blog", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={}, headers=headers)
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked >= 10


# --- Raw HTTP against the real server: headers the test client cannot even express. ---

def raw(body: bytes, *headers: bytes, path: bytes = b"/api/v1/sites/blog/comments",
        content_type: bytes = b"application/json", length: bytes | None = None) -> bytes:
    """A POST as bytes; Content-Length is the body's own unless `length` says otherwise."""
    length = str(len(body)).encode() if length is None else length
    lines = [b"POST " + path + b" HTTP/1.1", b"Host: x", b"Content-Type: " + content_type, *headers,
             b"Connection: close"]
    if length != b"":
        lines.insert(3, b"Content-Length: " + length)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


FORM = b"application/x-www-form-urlencoded"
# name: (bytes to send, whether the client stops sending before its Content-Length)
RAW_REQUESTS = {
    "content_length_larger_than_body": (raw(b'{"article": "a", "author": "Ann"', length=b"500"), True),
    "content_length_smaller_than_body": (raw(b'{"article": "a", "author": "A", "body": "b"}', length=b"10"), False),
    "negative_content_length": (raw(b"{}", length=b"-5"), False),
    "non_numeric_content_length": (raw(b"{}", length=b"ten"), False),
    "two_content_lengths": (raw(b"{}", b"Content-Length: 40"), False),
    "huge_content_length": (raw(b"{}", length=b"99999999999999"), True),
    "content_length_with_chunked": (raw(b"2\r\n{}\r\n0\r\n\r\n", b"Transfer-Encoding: chunked", length=b"4"), False),
    "bad_chunk_size": (raw(b"zz\r\n{}\r\n0\r\n\r\n", b"Transfer-Encoding: chunked", length=b""), False),
    "chunk_without_terminator": (raw(b"2\r\n{}XX0\r\n\r\n", b"Transfer-Encoding: chunked", length=b""), False),
    "chunked_cut_short": (raw(b"40\r\n{\"article\": \"a\"", b"Transfer-Encoding: chunked", length=b""), True),
    "json_with_invalid_utf8": (raw(b'{"article": "a", "author": "\xff", "body": "x"}'), False),
    "json_as_utf16": (raw('{"article": "a", "author": "b", "body": "c"}'.encode("utf-16")), False),
    "content_type_garbage": (raw(b"{}", content_type=b";;;===\xff"), False),
    "form_cut_short": (raw(b"author=Ann&body=Hel", path=b"/embed/blog?article=a", content_type=FORM,
                           length=b"400"), True),
    "multipart_without_end": (raw(b"--b\r\nContent-Disposition: form", path=b"/embed/blog?article=a",
                                  content_type=b"multipart/form-data; boundary=b"), False),
    "nul_in_header": (raw(b'{"body": "x"}', path=b"/api/v1/preview", content_type=b"application/json\x00"), False),
}


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hostile-live")
    url = migrated_sqlite(tmp_path / "comments.db") if database_url.startswith("sqlite") else database_url
    with seeded(url), running(url, tmp_path / "logs", workers=2) as server:
        yield server


def raw_exchange(port: int, payload: bytes, half_close: bool) -> bytes:
    """Send bytes as they are; with `half_close` the client stops sending early (a body shorter
    than its Content-Length), as a dropped connection would."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(payload)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("name", sorted(RAW_REQUESTS))
def test_broken_content_length_and_content_type_never_reach_a_server_error(live, name):
    from tests.reliability.server import stored_comments

    payload, half_close = RAW_REQUESTS[name]
    before = stored_comments(live.database_url)
    answer = raw_exchange(live.port, payload, half_close)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line, f"{name}: the connection closed without an answer\n{live.log_tail()}"
    status = int(status_line.split()[1])
    assert 400 <= status < 500, (name, answer[:400])
    assert stored_comments(live.database_url) == before
    answer_after = raw_exchange(live.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", False)
    assert answer_after.startswith(b"HTTP/1.1 200"), live.log_tail()  # the server is still serving
