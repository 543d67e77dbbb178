"""Walk every route under /moderate/: anonymous callers are sent to log in, moderators of
another site are refused, non-administrators are refused the admin pages."""

from __future__ import annotations

import pytest

from service.extensions import db
from service.models import Block, CommentStatus
from service.services.administration.tokens import create_token
from service.services.delivery.webhooks import create_webhook

PUBLIC = {"moderation_queue.login"}
# Routes that are not about one site: they show or touch only the caller's own sites.
OWN_SITES_ONLY = {"moderation_queue.queue", "moderation_queue.sites_page", "moderation_queue.log_page",
                  "moderation_queue.logout", "moderation_queue.bulk_status"}
ADMIN_ONLY = {"moderation_queue.tokens_page", "moderation_queue.revoke_token", "moderation_queue.moderators_page",
              # the web admin for sites
              "moderation_queue.new_site", "moderation_queue.site_settings", "moderation_queue.save_site",
              "moderation_queue.save_widget", "moderation_queue.add_site_webhook",
              "moderation_queue.test_site_webhook", "moderation_queue.toggle_site_webhook",
              "moderation_queue.remove_site_webhook", "moderation_queue.add_site_moderator",
              "moderation_queue.remove_site_moderator", "moderation_queue.add_site_token",
              "moderation_queue.revoke_site_token",
              # from a comment's page: a change to the site's policy
              "moderation_queue.trust_domain"}
FORM = {"status": "approved", "ids": "", "closed": "1", "body": "edited", "kinds": "ip", "name": "t",
        "mode": "post", "pinned": "1", "domain": "x.example"}


@pytest.fixture
def routes(app, world, held):
    """(endpoint, method, url) for every moderator route, with arguments naming the blog site's things."""
    block = Block(site_id=world.blog.id, kind="name", value="x")
    db.session.add(block)
    db.session.commit()
    token, _ = create_token("ci", site_slugs=["blog"])
    hook = create_webhook(world.blog, "https://hooks.example/blog")
    values = {"comment_id": held.id, "article_id": held.article_id, "slug": "blog", "block_id": block.id,
              "token_id": token.id, "webhook_id": hook.id, "moderator_id": world.blog_mod.id}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/moderate/") or rule.endpoint in PUBLIC:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(values[arg])).replace(f"<{arg}>", str(values[arg]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    assert len(found) >= 18
    return sorted(found, key=lambda route: route[0] == "moderation_queue.logout")  # logging out goes last


def call(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**FORM, "ids": ""})


def test_every_route_sends_anonymous_callers_to_the_login_page(as_user, routes, held):
    client = as_user(None)
    for endpoint, method, url in routes:
        response = call(client, method, url)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/moderate/login"), endpoint
    assert client.post(f"/moderate/comments/{held.id}/status", data={"status": "approved"},
                       headers={"X-Requested-With": "fetch"}).status_code == 401
    db.session.refresh(held)
    assert held.status == CommentStatus.PENDING


def test_every_site_route_refuses_a_moderator_of_another_site(as_user, routes, held):
    client = as_user("elsewhere@example.org")
    for endpoint, method, url in routes:
        response = call(client, method, url)
        if endpoint in OWN_SITES_ONLY:
            assert response.status_code in (200, 302), (endpoint, method)
            assert "Buy <em>cheap</em>" not in response.get_data(as_text=True), endpoint
        else:
            assert response.status_code in (403, 404), (endpoint, method, response.status_code)
    db.session.refresh(held)
    assert held.status == CommentStatus.PENDING
    assert held.body == "Buy *cheap* watches"
    assert db.session.execute(db.select(Block)).scalars().all()[0].value == "x"
    assert not held.article.closed
    assert not held.pinned


def test_admin_routes_refuse_a_site_moderator(as_user, routes):
    client = as_user("mod@example.org")
    for endpoint, method, url in routes:
        if endpoint in ADMIN_ONLY:
            assert call(client, method, url).status_code == 403, (endpoint, method)


def test_every_route_is_classified(routes):
    site_bound = {e for e, _, _ in routes} - OWN_SITES_ONLY - ADMIN_ONLY
    assert site_bound == {
        "moderation_queue.comment_page", "moderation_queue.set_status", "moderation_queue.edit_text",
        "moderation_queue.block_author", "moderation_queue.article_page", "moderation_queue.close_article",
        "moderation_queue.overview_page", "moderation_queue.delete_block", "moderation_queue.policy_page",
        "moderation_queue.save_policy", "moderation_queue.dry_run", "moderation_queue.set_pinned",
        "moderation_queue.backtest_policy",
    }


def test_a_revoked_token_cannot_use_the_ui(app, world):
    token, plaintext = create_token("ui", is_admin=True)
    client = app.test_client()
    assert client.get("/moderate/", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    client.post(f"/moderate/tokens/{token.id}/revoke", headers={"Authorization": f"Bearer {plaintext}"})
    assert client.get("/moderate/", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401
