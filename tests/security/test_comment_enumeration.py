"""PATCH and DELETE /api/v1/comments/{id} without the right edit token: one answer for every id,
whatever the comment's status, its site and that site's origins, so guessing ids tells nothing."""

from __future__ import annotations

from service.extensions import db
from service.security import hash_token
from tests.factories import make_comment, make_site

EVIL = "https://evil.example.net"


def test_every_id_answers_alike_without_the_right_token(client):
    open_site = make_site("blog", mode="post")
    closed_site = make_site("walled", origins=["https://walled.example"])
    comments = [make_comment(site, status=status) for site in (open_site, closed_site)
                for status in ("approved", "pending", "rejected", "spam", "deleted")]
    for comment in comments:
        comment.edit_token_hash = hash_token(f"token-{comment.id}")
    db.session.commit()
    ids = [c.id for c in comments] + [999_999]
    answers = set()
    for comment_id in ids:
        for headers in ({}, {"X-Edit-Token": "a-guess"}, {"X-Edit-Token": f"token-{comment_id + 1}"}):
            for origin in ({}, {"Origin": EVIL}):
                sent = {**headers, **origin}
                edit = client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Hijacked."}, headers=sent)
                gone = client.delete(f"/api/v1/comments/{comment_id}", headers=sent)
                for response in (edit, gone):
                    cors = {k: v for k, v in response.headers.items() if k.startswith("Access-Control")}
                    answers.add((response.status_code, response.get_data(as_text=True), tuple(sorted(cors.items()))))
    assert len(answers) == 1, answers
    status, body, cors = answers.pop()
    assert status == 404 and cors == ()
    assert body.strip() == ('{"code":404,"message":"No such comment, or this edit token does not belong to it.",'
                            '"status":"Not Found"}')


def test_preflights_answer_alike_for_every_id(client):
    site = make_site("open")  # lists no origins: any page may write to it
    existing = make_comment(site).id
    answers = set()
    for comment_id in (existing, 999_999):
        response = client.options(f"/api/v1/comments/{comment_id}",
                                  headers={"Origin": EVIL, "Access-Control-Request-Method": "PATCH"})
        answers.add((response.status_code, tuple(sorted((k, v) for k, v in response.headers.items()
                                                        if k.startswith("Access-Control")))))
    assert len(answers) == 1


def test_the_right_token_from_a_foreign_origin_is_still_refused(client):
    make_site("walled", origins=["https://walled.example"])
    posted = client.post("/api/v1/sites/walled/comments", json={"article": "a", "author": "Ann", "body": "Hello."},
                         headers={"Origin": "https://walled.example"}).json
    token = {"X-Edit-Token": posted["edit_token"]}
    url = f"/api/v1/comments/{posted['comment']['id']}"
    refused = client.patch(url, json={"body": "Changed."}, headers={**token, "Origin": EVIL})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    allowed = client.patch(url, json={"body": "Changed."}, headers={**token, "Origin": "https://walled.example"})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://walled.example"
