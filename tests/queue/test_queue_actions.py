"""Acting from the UI: single and bulk status changes (form posts and fetch calls), races,
edits, closing articles, policy, tokens, and the event log."""

from __future__ import annotations

from service.extensions import db
from service.models import ApiToken, Article, CommentStatus, ModerationEvent
from service.security import hash_token
from tests.factories import make_comment

FETCH = {"X-Requested-With": "fetch", "Accept": "application/json"}


def test_approve_by_form_post_redirects_back_and_records_the_moderator(as_user, world, held):
    client = as_user("mod@example.org")
    response = client.post(f"/moderate/comments/{held.id}/status",
                           data={"status": "approved", "revision": held.revision, "next": "/moderate/?tab=pending"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderate/?tab=pending"
    db.session.refresh(held)
    assert held.status == CommentStatus.APPROVED
    event = db.session.execute(db.select(ModerationEvent).order_by(ModerationEvent.id.desc())).scalars().first()
    assert (event.from_status, event.to_status, event.moderator_id) == ("pending", "approved", world.blog_mod.id)
    assert db.session.get(Article, held.article_id).approved_count == 1
    assert "Approved: comment" in client.get("/moderate/").get_data(as_text=True)


def test_fetch_action_answers_json_with_the_previous_status_for_undo(as_user, world, held):
    client = as_user("mod@example.org")
    response = client.post(f"/moderate/comments/{held.id}/status", data={"status": "rejected"}, headers=FETCH)
    assert response.status_code == 200
    assert response.get_json() == {"id": held.id, "status": "rejected", "previous": "pending", "revision": 2}
    undo = client.post(f"/moderate/comments/{held.id}/status", data={"status": "pending"}, headers=FETCH)
    assert undo.get_json()["status"] == "pending"
    db.session.refresh(held)
    assert held.status == CommentStatus.PENDING
    assert db.session.get(Article, held.article_id).pending_count == 1


def test_second_moderator_acting_on_a_stale_revision_gets_a_conflict(as_user, world, held):
    first, second = as_user("mod@example.org"), as_user("admin@example.org")
    assert first.post(f"/moderate/comments/{held.id}/status", data={"status": "approved", "revision": 1},
                      headers=FETCH).status_code == 200
    late = second.post(f"/moderate/comments/{held.id}/status", data={"status": "spam", "revision": 1}, headers=FETCH)
    assert late.status_code == 409
    assert late.get_json()["code"] == 409 and "Someone else changed" in late.get_json()["message"]
    plain = second.post(f"/moderate/comments/{held.id}/status", data={"status": "spam", "revision": 1,
                                                                      "next": f"/moderate/comments/{held.id}"})
    assert plain.status_code == 302 and plain.headers["Location"] == f"/moderate/comments/{held.id}"
    assert "Someone else changed" in second.get(plain.headers["Location"]).get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == CommentStatus.APPROVED


def test_invalid_status_is_refused_without_change(as_user, world, held):
    client = as_user("mod@example.org")
    response = client.post(f"/moderate/comments/{held.id}/status", data={"status": "burn"}, headers=FETCH)
    assert response.status_code == 422 and "status" in response.get_json()["errors"]["form"]
    db.session.refresh(held)
    assert held.status == CommentStatus.PENDING


def test_bulk_approve_moves_the_selected_comments_and_skips_other_sites(as_user, world, held):
    mine = make_comment(world.blog, "post-2", status="pending")
    theirs = make_comment(world.other, "post-9", status="pending")
    client = as_user("mod@example.org")
    response = client.post("/moderate/comments/bulk",
                           data={"ids": [str(held.id), str(mine.id), str(theirs.id)], "status": "approved"})
    assert response.status_code == 302
    statuses = {c.id: c.status for c in (held, mine, theirs) if db.session.refresh(c) is None}
    assert statuses == {held.id: CommentStatus.APPROVED, mine.id: CommentStatus.APPROVED,
                        theirs.id: CommentStatus.PENDING}
    assert "Approved: 2 comments. 1 left as it was." in client.get("/moderate/").get_data(as_text=True)


def test_edit_is_sanitized_again_and_recorded(as_user, world, held):
    client = as_user("mod@example.org")
    response = client.post(f"/moderate/comments/{held.id}/edit",
                           data={"body": "Fine <script>x()</script> [link](javascript:alert(1))", "note": "tidy"})
    assert response.status_code == 302
    db.session.refresh(held)
    assert "<script>" not in held.body_html and 'href="javascript:' not in held.body_html
    assert held.body_html.startswith("<p>Fine &lt;script&gt;")
    page = client.get(f"/moderate/comments/{held.id}").get_data(as_text=True)
    assert "text edited" in page and "tidy" in page and "mod@example.org" in page


def test_close_and_reopen_an_article(as_user, world, held):
    client = as_user("mod@example.org")
    client.post(f"/moderate/articles/{held.article_id}/closed", data={"closed": "1"})
    assert db.session.get(Article, held.article_id).closed is True
    assert "Reopen comments" in client.get(f"/moderate/articles/{held.article_id}").get_data(as_text=True)
    client.post(f"/moderate/articles/{held.article_id}/closed", data={"closed": "0"})
    db.session.expire_all()
    assert db.session.get(Article, held.article_id).closed is False


def test_article_page_lists_replies_under_their_parent_with_statuses(as_user, world):
    root = make_comment(world.blog, "t", status="approved", author="Root")
    make_comment(world.blog, "t", status="approved", author="Later")
    make_comment(world.blog, "t", status="pending", author="Reply", parent=root)
    html = as_user("mod@example.org").get(f"/moderate/articles/{root.article_id}").get_data(as_text=True)
    assert html.index("Root") < html.index("Reply") < html.index("Later")
    assert 'class="item depth-1"' in html and "status-pending" in html


def test_policy_saved_by_admin_refused_for_moderator_and_validated(as_user, world):
    admin, mod = as_user("admin@example.org"), as_user("mod@example.org")
    form = {"mode": "post", "banned_words": "casino\nviagra", "max_links": "1", "hold_shouting": "on",
            "close_after_days": ""}
    assert mod.post("/moderate/sites/blog/policy", data=form).status_code == 403
    assert admin.post("/moderate/sites/blog/policy", data=form).status_code == 302
    db.session.refresh(world.blog)
    assert world.blog.policy["banned_words"] == ["casino", "viagra"] and world.blog.policy["max_links"] == 1
    bad = admin.post("/moderate/sites/blog/policy", data={**form, "max_links": "many", "min_length": "-5"})
    assert bad.status_code == 422 and "Enter a number." in bad.get_data(as_text=True)
    db.session.refresh(world.blog)
    assert world.blog.policy["max_links"] == 1


def test_dry_run_shows_the_verdict_and_stores_nothing(as_user, world):
    world.blog.policy = {"mode": "post", "banned_words": ["casino"]}
    db.session.commit()
    html = as_user("mod@example.org").post("/moderate/sites/blog/policy/dry-run",
                                           data={"author": "Ann", "body": "Visit my c4sino"}).get_data(as_text=True)
    assert 'id="verdict"' in html and "reject" in html
    assert db.session.execute(db.select(db.func.count()).select_from(ModerationEvent)).scalar_one() == 0


def test_token_is_shown_once_and_stored_hashed_then_revoked(as_user, world):
    client = as_user("admin@example.org")
    html = client.post("/moderate/tokens", data={"name": "deploy bot", "sites": ["blog"]}).get_data(as_text=True)
    plaintext = html.split('<code class="token" id="new-token">')[1].split("</code>")[0]
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.token_hash == hash_token(plaintext) and plaintext not in token.token_hash
    assert plaintext not in client.get("/moderate/tokens").get_data(as_text=True)
    assert client.post("/moderate/tokens", data={"name": "", "sites": ["blog"]}).status_code == 422
    assert client.post("/moderate/tokens", data={"name": "no sites"}).status_code == 422
    client.post(f"/moderate/tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_event_log_filters_by_moderator_and_site(as_user, world, held):
    theirs = make_comment(world.other, "x", status="pending")
    as_user("mod@example.org").post(f"/moderate/comments/{held.id}/status", data={"status": "approved"})
    as_user("admin@example.org").post(f"/moderate/comments/{theirs.id}/status", data={"status": "spam"})
    admin = as_user("admin@example.org")
    by_mod = admin.get(f"/moderate/log?moderator={world.blog_mod.id}").get_data(as_text=True)
    assert f"#{held.id}</a>" in by_mod and f"#{theirs.id}</a>" not in by_mod
    by_site = admin.get(f"/moderate/log?site={world.other.id}").get_data(as_text=True)
    assert f"#{theirs.id}</a>" in by_site and f"#{held.id}</a>" not in by_site
    mine = as_user("mod@example.org").get("/moderate/log").get_data(as_text=True)
    assert f"#{theirs.id}</a>" not in mine


def test_overview_draws_decisions_per_day_and_top_rules(as_user, world, held):
    make_comment(world.blog, "p", status="approved")
    make_comment(world.blog, "p", status="rejected",
                 reasons=[{"code": "banned_word", "verdict": "reject", "message": "Banned.", "matched": []}])
    html = as_user("mod@example.org").get("/moderate/sites/blog/").get_data(as_text=True)
    assert "<svg" in html and html.count('<g class="bar">') == 30
    for label in ("seg-published", "seg-held", "seg-rejected"):
        assert f'class="{label}"' in html
    assert "<code>banned_word</code>" in html and "<code>suspect_word</code>" in html
    assert '<span class="big">1</span> waiting for review' in html


def test_overview_tells_the_rules_first_decisions_from_the_moderators_later_ones(as_user, world, held):
    other = make_comment(world.blog, "post-1", status="pending", body="A fair question, held by mistake.")
    client = as_user("mod@example.org")
    for comment, status in ((held, "rejected"), (held, "pending"), (held, "spam"), (other, "approved")):
        response = client.post(f"/moderate/comments/{comment.id}/status", data={"status": status}, headers=FETCH)
        assert response.status_code == 200, response.get_data(as_text=True)
    html = client.get("/moderate/sites/blog/").get_data(as_text=True)
    assert '<span class="big">2</span> held on arrival in 30 days' in html  # what the rules decided stays
    assert '<span class="big">0</span> spam on arrival in 30 days' in html
    # rejected, put back and then marked as spam, the first comment counts once, as what it became
    assert "moderators approved 1, rejected 0 and marked 1 as spam." in " ".join(html.split())


def test_a_comment_sent_back_to_review_keeps_the_reasons_the_rules_gave(as_user, world, held):
    client = as_user("mod@example.org")
    for status in ("approved", "pending"):  # approved, then undone
        response = client.post(f"/moderate/comments/{held.id}/status", data={"status": status}, headers=FETCH)
        assert response.status_code == 200, response.get_data(as_text=True)
    for page in (client.get("/moderate/?tab=pending"), client.get(f"/moderate/comments/{held.id}")):
        assert "<code>suspect_word</code> Contains a suspect word." in page.get_data(as_text=True)
    approved = client.post(f"/moderate/comments/{held.id}/status", data={"status": "approved"}, headers=FETCH)
    assert approved.status_code == 200
    listing = client.get("/moderate/?tab=approved").get_data(as_text=True)
    assert "Mallory" in listing and "<code>suspect_word</code>" not in listing  # approved: no hold to explain


def _reported(world, author: str, reports: int = 3):  # the default flags_to_review
    comment = make_comment(world.blog, "post-1", status="approved", author=author)
    comment.flag_count = reports
    db.session.commit()
    return comment


def test_keep_dismisses_the_reports_on_a_published_comment(as_user, world):
    kept = _reported(world, "Kept Karen")
    client = as_user("mod@example.org")
    reported = client.get("/moderate/?tab=reported").get_data(as_text=True)
    item = reported[reported.index(f'id="c{kept.id}"'):]
    assert 'value="approved" class="approve" data-key="a" title="Keep it published and dismiss the reports">Keep' \
        in item[:item.index("</li>")]
    response = client.post(f"/moderate/comments/{kept.id}/status", data={"status": "approved"}, headers=FETCH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "approved" and response.get_json()["previous"] == "approved"
    db.session.refresh(kept)
    assert (kept.status, kept.flag_count) == (CommentStatus.APPROVED, 0)
    event = db.session.execute(db.select(ModerationEvent).where(ModerationEvent.comment_id == kept.id)
                               .order_by(ModerationEvent.id.desc())).scalars().first()
    assert (event.actor, event.from_status, event.to_status) == ("moderator", "approved", "approved")
    assert event.reasons[0]["message"] == "Kept: 3 reader reports dismissed."
    assert "Kept Karen" not in client.get("/moderate/?tab=reported").get_data(as_text=True)
    overview = " ".join(client.get("/moderate/sites/blog/").get_data(as_text=True).split())
    assert "moderators approved 0, rejected 0 and marked 0 as spam, and kept 1 reported comment published." \
        in overview  # a kept comment is no release of a held one
    again = client.post(f"/moderate/comments/{kept.id}/status", data={"status": "approved"}, headers=FETCH)
    assert again.status_code == 409  # nothing left to keep: an ordinary approved comment


def test_bulk_approve_keeps_reported_published_comments(as_user, world, held):
    first, second = _reported(world, "First"), _reported(world, "Second", reports=1)
    client = as_user("mod@example.org")
    client.post("/moderate/comments/bulk", data={"ids": [str(first.id), str(second.id), str(held.id)],
                                                 "status": "approved"})
    assert "Approved: 1 comment; kept 2 comments, their reports dismissed." in client.get("/moderate/").get_data(
        as_text=True)
    for comment in (first, second, held):
        db.session.refresh(comment)
        assert (comment.status, comment.flag_count) == (CommentStatus.APPROVED, 0)
