"""The comment endpoints of the moderation API: list, one, decide, bulk, edit, history."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, ModerationEvent
from service.services.moderation.moderation_actions import MAX_BULK
from tests.factories import make_comment

URL = "/api/v1/moderation/comments"
HELD = [{"code": "pre_moderation", "verdict": "hold", "message": "Every comment is reviewed.", "matched": []}]


def expected(comment: Comment, *, site="blog", article="post-1", reasons=None, **changes) -> dict:
    db.session.refresh(comment)
    body = {
        "id": comment.id, "site": site, "article": article, "parent_id": comment.parent_id,
        "author": comment.author, "email": comment.email, "website": comment.website, "body": comment.body,
        "body_html": comment.body_html, "status": comment.status.value,
        "created": comment.created_at.isoformat(), "edited": None, "ip_hash": comment.ip_hash,
        "flag_count": comment.flag_count, "revision": comment.revision, "reasons": reasons or [],
        "pinned": comment.pinned, "by_moderator": comment.by_moderator, "likes": comment.likes,
        "dislikes": comment.dislikes, "spam_score": comment.spam_score,
    }
    body.update(changes)
    return body


def counters(comment: Comment) -> tuple[int, int]:
    article = db.session.get(Article, comment.article_id)
    db.session.refresh(article)
    return article.approved_count, article.pending_count


def test_list_is_newest_first_with_reasons_and_private_fields(client, blog, blog_mod):
    older = make_comment(blog, status="pending", email="a@example.org", reasons=HELD)
    newer = make_comment(blog, article="post-2", status="approved")
    response = client.get(URL, headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == {"page": 1, "per_page": 50, "total": 2, "comments": [
        expected(newer, article="post-2"), expected(older, reasons=HELD)]}


def test_list_filters_by_status_article_text_and_pages(client, blog, blog_mod):
    make_comment(blog, status="approved", body="About cheese.")
    wanted = make_comment(blog, status="pending", body="More cheese please.")
    make_comment(blog, article="post-2", status="pending", body="Cheese too.")
    query = "?status=pending&article=post-1&q=CHEESE"
    assert [c["id"] for c in client.get(URL + query, headers=blog_mod.headers).json["comments"]] == [wanted.id]
    page2 = client.get(URL + "?per_page=2&page=2", headers=blog_mod.headers).json
    assert (page2["total"], len(page2["comments"]), page2["page"]) == (3, 1, 2)


def test_text_search_treats_wildcards_literally(client, blog, blog_mod):
    make_comment(blog, body="nothing special")
    hit = make_comment(blog, body="100% sure")
    assert [c["id"] for c in client.get(URL + "?q=%25", headers=blog_mod.headers).json["comments"]] == [hit.id]


def test_list_filters_by_the_reason_a_rule_gave(client, blog, blog_mod):
    spam_hold = [{"code": "spam_score", "verdict": "hold", "message": "Looks like spam (0.97)", "matched": []}]
    held = make_comment(blog, status="pending", reasons=spam_hold)
    released = make_comment(blog, status="approved", reasons=spam_hold)
    make_comment(blog, status="pending", reasons=HELD)
    listed = client.get(URL + "?rule=spam_score", headers=blog_mod.headers).json
    assert ([c["id"] for c in listed["comments"]], listed["total"]) == ([released.id, held.id], 2)
    assert client.get(URL + "?rule=spam_score&status=pending", headers=blog_mod.headers).json["total"] == 1
    assert client.get(URL + "?rule=too_fast", headers=blog_mod.headers).json["total"] == 0
    assert client.get(URL + "?rule=spam_score%0A", headers=blog_mod.headers).json["total"] == 0
    for bad in ("spam%25", "Spam_Score", "x" * 65):
        response = client.get(URL + "?rule=" + bad, headers=blog_mod.headers)
        assert response.status_code == 422 and "rule" in response.json["errors"]["query"], bad


def test_non_admin_list_covers_only_their_sites(client, blog, other, blog_mod, admin):
    mine = make_comment(blog)
    theirs = make_comment(other)
    assert [c["id"] for c in client.get(URL, headers=blog_mod.headers).json["comments"]] == [mine.id]
    assert {c["id"] for c in client.get(URL, headers=admin.headers).json["comments"]} == {mine.id, theirs.id}


def test_list_rejects_unknown_status_with_field_error(client, blog, blog_mod):
    response = client.get(URL + "?status=hidden", headers=blog_mod.headers)
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"query": {"status": [
                                 "Must be one of: pending, approved, rejected, spam, deleted, reported, all."]}}}


def test_unknown_site_is_404(client, blog, admin):
    response = client.get(URL + "?site=nope", headers=admin.headers)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "No site 'nope'."}


def test_get_one_comment(client, blog, blog_mod):
    comment = make_comment(blog, status="pending", reasons=HELD)
    response = client.get(f"{URL}/{comment.id}", headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == expected(comment, reasons=HELD)


def test_unknown_comment_is_404(client, blog, blog_mod):
    response = client.patch(f"{URL}/999999", json={"status": "approved"}, headers=blog_mod.headers)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "message": "No comment 999999."}


def test_approve_moves_counters_and_records_the_moderator_event(client, blog, blog_mod):
    comment = make_comment(blog, status="pending")
    assert counters(comment) == (0, 1)
    response = client.patch(f"{URL}/{comment.id}", json={"status": "approved", "note": "Fine."},
                            headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == expected(comment, status="approved", revision=2)
    assert counters(comment) == (1, 0)
    event = db.session.execute(sa.select(ModerationEvent).order_by(ModerationEvent.id.desc())).scalars().first()
    assert (event.actor, event.from_status, event.to_status, event.note) == ("moderator", "pending", "approved", "Fine.")


def test_moderator_session_decision_names_the_moderator(client, blog, make_moderator):
    from tests.moderation_api.conftest import log_in

    moderator = make_moderator()
    log_in(client, moderator)
    comment = make_comment(blog, status="pending")
    assert client.patch(f"{URL}/{comment.id}", json={"status": "spam"}).status_code == 200
    events = client.get(f"{URL}/{comment.id}/events").json["events"]
    assert [(e["actor"], e["moderator"], e["to_status"]) for e in events] == [
        ("rules", None, "pending"), ("moderator", "mod@example.org", "spam")]


def test_second_moderator_with_the_same_revision_gets_409(client, blog, blog_mod, admin):
    comment = make_comment(blog, status="pending")
    first = client.patch(f"{URL}/{comment.id}", json={"status": "approved", "revision": 1}, headers=blog_mod.headers)
    second = client.patch(f"{URL}/{comment.id}", json={"status": "rejected", "revision": 1}, headers=admin.headers)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json == {"code": 409, "status": "Conflict",
                           "message": "Someone else changed this comment first; reload to see its current state.",
                           "current_status": "approved", "current_revision": 2}
    assert counters(comment) == (1, 0)


def test_disallowed_move_is_409_and_changes_nothing(client, blog, blog_mod):
    comment = make_comment(blog, status="deleted")
    response = client.patch(f"{URL}/{comment.id}", json={"status": "spam"}, headers=blog_mod.headers)
    assert response.status_code == 409
    assert response.json == {"code": 409, "status": "Conflict", "message": "A deleted comment cannot become spam.",
                             "current_status": "deleted"}
    assert db.session.execute(sa.select(sa.func.count()).select_from(ModerationEvent)).scalar_one() == 1


def test_restore_a_deleted_comment_to_pending(client, blog, blog_mod):
    comment = make_comment(blog, status="deleted")
    response = client.patch(f"{URL}/{comment.id}", json={"status": "pending"}, headers=blog_mod.headers)
    assert response.json["status"] == "pending"
    assert counters(comment) == (0, 1)


def test_patch_validates_its_body(client, blog, blog_mod):
    comment = make_comment(blog, status="pending")
    response = client.patch(f"{URL}/{comment.id}", json={"status": "published", "revision": "1", "x": 1},
                            headers=blog_mod.headers)
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"json": {"status": ["Must be one of: pending, approved, rejected, spam, deleted."],
                                                 "revision": ["Not a valid integer."], "x": ["Unknown field."]}}}


def test_patch_without_json_is_415(client, blog, blog_mod):
    comment = make_comment(blog, status="pending")
    response = client.patch(f"{URL}/{comment.id}", data="status=approved", headers=blog_mod.headers,
                            content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_bulk_reports_updated_conflicts_and_not_found(client, blog, blog_mod):
    a = make_comment(blog, status="pending")
    b = make_comment(blog, status="approved")
    c = make_comment(blog, status="pending")
    response = client.post(f"{URL}/bulk", json={"ids": [a.id, b.id, 424242, c.id, a.id], "status": "approved"},
                           headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == {"updated": [a.id, c.id], "kept": [],
                             "conflicts": [{"id": b.id, "message": "A approved comment cannot become approved."}],
                             "not_found": [424242]}
    assert counters(a) == (3, 0)


def test_bulk_is_limited_and_validated(client, blog, blog_mod):
    response = client.post(f"{URL}/bulk", json={"ids": list(range(1, MAX_BULK + 2)), "status": "spam"},
                           headers=blog_mod.headers)
    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"ids": [f"Length must be between 1 and {MAX_BULK}."]}}
    response = client.post(f"{URL}/bulk", json={"ids": [], "status": "spam"}, headers=blog_mod.headers)
    assert response.json["errors"] == {"json": {"ids": [f"Length must be between 1 and {MAX_BULK}."]}}


def test_edit_text_rerenders_sanitized_and_records_the_edit(client, blog, blog_mod):
    comment = make_comment(blog, status="approved", body="Old text.")
    response = client.put(f"{URL}/{comment.id}/body", json={"body": "New *text* <script>x</script>"},
                          headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json["body"] == "New *text* <script>x</script>"
    assert "<em>text</em>" in response.json["body_html"] and "<script>" not in response.json["body_html"]
    assert response.json["revision"] == 2 and response.json["edited"] is not None
    events = client.get(f"{URL}/{comment.id}/events", headers=blog_mod.headers).json["events"]
    assert [(e["action"], e["actor"], e["note"]) for e in events][-1] == ("edit", "moderator", "Edited by a moderator.")


def test_edit_with_a_stale_revision_is_409(client, blog, blog_mod):
    comment = make_comment(blog, status="approved", body="Old text.")
    client.patch(f"{URL}/{comment.id}", json={"status": "pending"}, headers=blog_mod.headers)
    response = client.put(f"{URL}/{comment.id}/body", json={"body": "New", "revision": 1}, headers=blog_mod.headers)
    assert response.status_code == 409
    assert response.json == {"code": 409, "status": "Conflict",
                             "message": "Someone else changed this comment first; reload to see its current state."}
    db.session.refresh(comment)
    assert comment.body == "Old text."


def test_events_of_a_comment_oldest_first(client, blog, blog_mod):
    comment = make_comment(blog, status="pending", reasons=HELD)
    client.patch(f"{URL}/{comment.id}", json={"status": "rejected", "note": "Rude."}, headers=blog_mod.headers)
    response = client.get(f"{URL}/{comment.id}/events", headers=blog_mod.headers)
    assert response.status_code == 200
    events = response.json["events"]
    created = [e.pop("created") for e in events]
    assert all(created) and [e.pop("id") for e in events] == sorted(e.id for e in db.session.execute(
        sa.select(ModerationEvent)).scalars())
    assert events == [
        {"comment_id": comment.id, "action": "status", "actor": "rules", "moderator": None, "from_status": None,
         "to_status": "pending", "reasons": HELD, "note": None},
        {"comment_id": comment.id, "action": "status", "actor": "moderator", "moderator": None,
         "from_status": "pending", "to_status": "rejected", "reasons": [], "note": "Rude."},
    ]


def test_event_log_is_keyset_paginated_newest_first_and_scoped(client, blog, other, blog_mod):
    for _ in range(3):
        make_comment(blog)
    make_comment(other)
    first = client.get("/api/v1/moderation/events?limit=2", headers=blog_mod.headers).json
    assert len(first["events"]) == 2 and first["next_before"] == first["events"][-1]["id"]
    second = client.get(f"/api/v1/moderation/events?limit=2&before={first['next_before']}",
                        headers=blog_mod.headers).json
    assert len(second["events"]) == 1 and second["next_before"] is None
    ids = [e["id"] for e in first["events"] + second["events"]]
    assert ids == sorted(ids, reverse=True)
    assert {e["article"] for e in first["events"] + second["events"]} == {"post-1"}


def test_concurrent_decisions_on_the_same_revision_let_exactly_one_win(make_app):
    """Real threads, each its own request and database session: one 200, the rest 409."""
    from concurrent.futures import ThreadPoolExecutor

    from service.services.administration import tokens
    from tests.factories import make_site

    app = make_app()
    with app.app_context():
        site = make_site("blog")
        comment = make_comment(site, status="pending")
        comment_id, article_id = comment.id, comment.article_id
        headers = {"Authorization": "Bearer " + tokens.create_token("t", site_slugs=["blog"])[1]}
        db.session.remove()

    def act(status: str) -> int:
        return app.test_client().patch(f"{URL}/{comment_id}", json={"status": status, "revision": 1},
                                       headers=headers).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(act, ["approved", "rejected", "spam", "approved", "rejected", "spam"]))
    assert sorted(codes) == [200] + [409] * 5
    with app.app_context():
        article = db.session.get(Article, article_id)
        final = db.session.get(Comment, comment_id)
        assert final.revision == 2
        assert (article.approved_count, article.pending_count) == (int(final.status.value == "approved"), 0)
        events = db.session.execute(sa.select(sa.func.count()).select_from(ModerationEvent)).scalar_one()
        assert events == 2
