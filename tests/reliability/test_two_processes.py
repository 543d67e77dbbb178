"""Two processes on one database: two apps built by create_app, each with its own per-process
caches (as two gunicorn workers or two hosts have), kept warm with a long CACHE_TTL_SECONDS.
What an administrator or moderator changes through one must apply on the other at its next
request, and no admin action may make a reader's submission fail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.models import OutboxMessage, Webhook
from service.services.administration import tokens
from service.services.delivery import outbox
from service.services.delivery import webhooks as webhook_admin
from tests.factories import make_site

LONG_TTL = 60.0  # far longer than the test: only a version check can make a process re-read
OPEN = {"repeat_window_minutes": 0, "min_fill_seconds": 0, "hold_shouting": False}


@pytest.fixture
def hosts(make_app):
    """(first, second, admin headers): two apps on the same database, a `blog` site."""
    first = make_app(CACHE_TTL_SECONDS=LONG_TTL)
    second = make_app(CACHE_TTL_SECONDS=LONG_TTL)
    with first.app_context():
        make_site("blog", mode="post", policy=OPEN)
        _, token = tokens.create_token("admin", is_admin=True)
        db.session.remove()
    return first, second, {"Authorization": f"Bearer {token}"}


def post(app, body: str, email: str | None = None, article: str = "a1"):
    payload = {"article": article, "author": "Reader", "body": body}
    if email:
        payload["email"] = email
    with app.test_client() as client:
        return client.post("/api/v1/sites/blog/comments", json=payload)


def call(app, method: str, path: str, headers: dict, json=None):
    with app.test_client() as client:
        return client.open(path, method=method, json=json, headers=headers)


def test_an_email_block_made_on_one_process_refuses_the_next_post_on_the_other(hosts):
    first, second, admin = hosts
    assert post(first, "Before the block.", "spammer@example.org").status_code == 201  # caches warm

    made = call(second, "POST", "/api/v1/moderation/sites/blog/blocks", admin,
                {"kind": "email", "value": "spammer@example.org"})
    assert made.status_code == 201

    refused = post(first, "After the block.", "spammer@example.org")
    assert refused.status_code == 403
    assert [r["code"] for r in refused.get_json()["reasons"]] == ["not_accepted"]  # the public answer
    stored = call(second, "GET", "/api/v1/moderation/comments?site=blog&status=rejected", admin).get_json()
    assert [[r["code"] for r in c["reasons"]] for c in stored["comments"]] == [["blocked_email"]]  # moderators'

    lifted = call(second, "DELETE", f"/api/v1/moderation/sites/blog/blocks/{made.get_json()['id']}", admin)
    assert lifted.status_code == 204
    assert post(first, "After the block was lifted.", "spammer@example.org").status_code == 201


def test_a_policy_change_on_one_process_applies_on_the_other_at_once(hosts):
    first, second, admin = hosts
    assert post(first, "Nothing wrong with casino night.").status_code == 201

    changed = call(second, "PUT", "/api/v1/moderation/sites/blog/policy", admin,
                   {**OPEN, "mode": "pre", "banned_words": ["casino"]})
    assert changed.status_code == 200, changed.get_json()

    assert post(first, "Another casino night.").status_code == 403
    assert post(first, "A quiet evening.").status_code == 202  # `pre`: held


def test_deleting_a_webhook_on_one_process_never_fails_a_submission_on_the_other(hosts):
    first, second, admin = hosts
    made = call(second, "POST", "/api/v1/moderation/sites/blog/webhooks", admin,
                {"url": "https://hooks.example.org/comments"})
    assert made.status_code == 201
    assert post(first, "Seen by the webhook.").status_code == 201  # the first process now knows it

    gone = call(second, "DELETE", f"/api/v1/moderation/sites/blog/webhooks/{made.get_json()['id']}", admin)
    assert gone.status_code == 204

    answers = [post(first, f"Posted after the removal, number {i}.").status_code for i in range(3)]
    assert answers == [201, 201, 201]
    with first.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_an_event_written_for_a_webhook_removed_meanwhile_is_accepted_then_dropped(hosts):
    """The race no cache can close: a request read the site's webhooks just before another
    process removed one, and writes its event afterwards. The reader's comment is stored; the
    worker drops the late event; the row goes after the grace period."""
    first, second, admin = hosts
    made = call(second, "POST", "/api/v1/moderation/sites/blog/webhooks", admin,
                {"url": "https://hooks.example.org/comments"})
    hook_id = made.get_json()["id"]
    assert call(second, "DELETE", f"/api/v1/moderation/sites/blog/webhooks/{hook_id}", admin).status_code == 204

    with first.app_context():
        # What a request that listed the webhook before the removal committed writes next.
        db.session.add(OutboxMessage(kind="webhook", site_id=db.session.get(Webhook, hook_id).site_id,
                                     event="comment.created", webhook_id=hook_id, payload={}, status="pending"))
        db.session.commit()
        report = outbox.drain()
        assert (report.delivered, report.failed) == (0, 1)
        message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
        assert message.last_error == "The webhook was removed."

        assert webhook_admin.purge_removed_webhooks() == 0  # still within the grace period
        later = db.session.get(Webhook, hook_id).deleted_at + webhook_admin.REMOVED_KEPT + webhook_admin.REMOVED_KEPT
        assert webhook_admin.purge_removed_webhooks(later) == 1
        assert db.session.get(Webhook, hook_id) is None
        assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one() == 0


def test_a_removed_webhook_is_gone_from_the_api_at_once(hosts):
    _, second, admin = hosts
    made = call(second, "POST", "/api/v1/moderation/sites/blog/webhooks", admin,
                {"url": "https://hooks.example.org/comments"})
    hook_id = made.get_json()["id"]
    assert call(second, "DELETE", f"/api/v1/moderation/sites/blog/webhooks/{hook_id}", admin).status_code == 204
    assert call(second, "GET", "/api/v1/moderation/sites/blog/webhooks", admin).get_json() == {"webhooks": []}
    again = call(second, "DELETE", f"/api/v1/moderation/sites/blog/webhooks/{hook_id}", admin)
    assert again.status_code == 404


def test_site_settings_changed_on_one_process_reach_the_others_origin_check(hosts):
    first, second, _ = hosts
    assert post(first, "From anywhere while no origin is listed.").status_code == 201
    with second.app_context():
        from service.services.administration.sites import get_site

        site = get_site("blog")
        site.origins = ["https://blog.example.org"]
        db.session.commit()
    with first.test_client() as client:
        refused = client.post("/api/v1/sites/blog/comments", headers={"Origin": "https://evil.example"},
                              json={"article": "a1", "author": "Reader", "body": "From a foreign page."})
    assert refused.status_code == 403


def test_blocks_removed_by_a_bulk_statement_also_reach_the_other_process(hosts):
    """A DELETE statement skips the ORM's per-row events; it still changes every site's version."""
    first, second, admin = hosts
    made = call(second, "POST", "/api/v1/moderation/sites/blog/blocks", admin,
                {"kind": "email", "value": "bulk@example.org"})
    assert made.status_code == 201
    assert post(first, "While blocked.", "bulk@example.org").status_code == 403
    with second.app_context():
        from service.models import Block

        db.session.execute(sa.delete(Block).where(Block.value == "bulk@example.org"))
        db.session.commit()
    assert post(first, "Once the block is gone.", "bulk@example.org").status_code == 201


def test_the_embed_page_shows_a_site_change_made_on_the_other_process_at_once(hosts):
    first, second, admin = hosts
    with first.test_client() as client:
        assert 'maxlength="80"' in client.get("/embed/blog?article=a1").get_data(as_text=True)  # cached

    changed = call(second, "PUT", "/api/v1/moderation/sites/blog/policy", admin, {**OPEN, "max_author_length": 40})
    assert changed.status_code == 200, changed.get_json()

    with first.test_client() as client:
        page = client.get("/embed/blog?article=a1").get_data(as_text=True)
    assert 'maxlength="40"' in page and 'maxlength="80"' not in page
