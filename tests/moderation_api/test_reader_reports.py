"""Reader reports: one per address per comment, the Reported queue, hiding, rate limits."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db
from service.models import Article, Comment, Flag, ModerationEvent
from tests.factories import make_comment, make_site

MOD = "/api/v1/moderation/comments"


def flag(client, comment_id: int, ip: str = "198.51.100.1", **body):
    body.setdefault("reason", "spam")
    return client.post(f"/api/v1/comments/{comment_id}/flags", json=body, environ_base={"REMOTE_ADDR": ip})


def stored(comment: Comment) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment.id)


def test_a_report_is_recorded_and_counted(client, blog):
    comment = make_comment(blog)
    response = flag(client, comment.id, reason="abusive", note="Insults people")
    assert response.status_code == 201
    row = db.session.execute(sa.select(Flag)).scalar_one()
    assert response.json == {"id": row.id, "comment_id": comment.id, "reason": "abusive",
                             "created": row.created_at.isoformat()}
    assert (row.note, len(row.ip_hash)) == ("Insults people", 32)
    assert stored(comment).flag_count == 1


def test_a_second_report_from_the_same_address_is_409_and_not_counted(client, blog):
    comment = make_comment(blog)
    assert flag(client, comment.id).status_code == 201
    response = flag(client, comment.id, reason="other")
    assert response.status_code == 409
    assert response.json == {"code": 409, "status": "Conflict", "message": "You have reported this comment already."}
    assert stored(comment).flag_count == 1
    assert flag(client, comment.id, ip="198.51.100.2").status_code == 201
    assert stored(comment).flag_count == 2


def test_only_published_comments_can_be_reported(client, blog):
    for status in ("pending", "rejected", "spam", "deleted"):
        comment = make_comment(blog, status=status)
        response = flag(client, comment.id)
        assert response.status_code == 404
        assert response.json == {"code": 404, "status": "Not Found",
                                 "message": f"No published comment {comment.id}."}
    assert db.session.execute(sa.select(sa.func.count()).select_from(Flag)).scalar_one() == 0


def test_report_body_is_validated(client, blog):
    comment = make_comment(blog)
    response = flag(client, comment.id, reason="boring", note="x" * 1001, extra=1)
    assert response.status_code == 422
    assert response.json == {"code": 422, "status": "Unprocessable Entity",
                             "message": "Some fields are not valid; see errors.",
                             "errors": {"json": {"reason": ["Must be one of: spam, abusive, off-topic, other."],
                                                 "note": ["Longer than maximum length 1000."],
                                                 "extra": ["Unknown field."]}}}


def test_reaching_the_threshold_puts_the_comment_in_reported_without_hiding_it(client, blog, blog_mod):
    comment = make_comment(blog)
    other = make_comment(blog)
    for n in range(3):
        flag(client, comment.id, ip=f"198.51.100.{n}")
    flag(client, other.id)
    assert stored(comment).status.value == "approved"
    listed = client.get(f"{MOD}?status=reported", headers=blog_mod.headers).json["comments"]
    assert [(c["id"], c["flag_count"]) for c in listed] == [(comment.id, 3)]


def test_hide_flagged_moves_the_comment_to_pending_with_a_reported_reason(client, blog_mod):
    site = make_site("hidey", policy={"hide_flagged": True, "flags_to_review": 2})
    from service.services.administration import tokens

    _, plaintext = tokens.create_token("h", site_slugs=["hidey"])
    comment = make_comment(site)
    flag(client, comment.id, ip="198.51.100.1")
    assert stored(comment).status.value == "approved"
    flag(client, comment.id, ip="198.51.100.2")
    assert stored(comment).status.value == "pending"
    article = db.session.get(Article, comment.article_id)
    assert (article.approved_count, article.pending_count) == (0, 1)
    event = db.session.execute(sa.select(ModerationEvent).order_by(ModerationEvent.id.desc())).scalars().first()
    assert (event.actor, event.to_status, [r["code"] for r in event.reasons]) == ("system", "pending", ["reported"])
    listed = client.get(f"{MOD}?status=reported", headers={"Authorization": f"Bearer {plaintext}"}).json
    assert [c["id"] for c in listed["comments"]] == [comment.id]
    assert listed["comments"][0]["reasons"][0]["message"] == "Reported by 2 readers; hidden until a moderator decides."
    # Hidden now, so nobody else can report it.
    assert flag(client, comment.id, ip="198.51.100.3").status_code == 404


def test_a_moderators_decision_resolves_the_reports(client, blog, blog_mod):
    comment = make_comment(blog)
    for n in range(3):
        flag(client, comment.id, ip=f"198.51.100.{n}")
    client.patch(f"{MOD}/{comment.id}", json={"status": "pending"}, headers=blog_mod.headers)
    client.patch(f"{MOD}/{comment.id}", json={"status": "approved"}, headers=blog_mod.headers)
    assert stored(comment).flag_count == 0
    assert client.get(f"{MOD}?status=reported", headers=blog_mod.headers).json["comments"] == []
    flags = client.get(f"{MOD}/{comment.id}/flags", headers=blog_mod.headers).json["flags"]
    assert [f["reason"] for f in flags] == ["spam", "spam", "spam"]
    assert set(flags[0]) == {"id", "comment_id", "reason", "note", "created"}


def test_reports_are_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        site = make_site("blog")
        comments = [make_comment(site) for _ in range(11)]
        client = app.test_client()
        codes = [flag(client, c.id, ip="192.0.2.7").status_code for c in comments]
        assert codes == [201] * 10 + [429]
        assert flag(client, comments[-1].id, ip="192.0.2.8").status_code == 201
        response = flag(client, comments[-1].id, ip="192.0.2.7")
        assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"


def test_reported_uses_each_sites_own_threshold(client, blog, other, admin):
    blog.policy = {**(blog.policy or {}), "flags_to_review": 2}
    db.session.commit()
    on_blog, on_other = make_comment(blog), make_comment(other)
    for comment in (on_blog, on_other):
        for n in range(2):
            flag(client, comment.id, ip=f"198.51.100.{n}")
    listed = client.get(f"{MOD}?status=reported", headers=admin.headers).json["comments"]
    assert [c["id"] for c in listed] == [on_blog.id]
    flag(client, on_other.id, ip="198.51.100.9")  # the third report reaches the other site's default of 3
    listed = client.get(f"{MOD}?status=reported", headers=admin.headers).json["comments"]
    assert sorted(c["id"] for c in listed) == sorted([on_blog.id, on_other.id])
