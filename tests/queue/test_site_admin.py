"""The web admin for sites: administrators create and edit sites, their widget, webhooks,
moderators and tokens from /moderate/sites; each change is recorded with who made it; a
mistake is a clear message beside its field and changes nothing; moderators are refused."""

from __future__ import annotations

import re
from html import unescape

import sqlalchemy as sa

from service.extensions import db
from service.models import AdminEvent, ApiToken, Moderator, OutboxMessage, Site, Webhook
from service.security import hash_token
from service.services.administration.moderators import authenticate
from service.services.delivery.webhooks import create_webhook

ERROR = re.compile(r'<p class="error" id="e-(\w+)">([^<]+)</p>')


def field_errors(response) -> dict[str, str]:
    return {name: unescape(text) for name, text in ERROR.findall(response.get_data(as_text=True))}


def _site(slug: str) -> Site:
    db.session.expire_all()
    return db.session.execute(sa.select(Site).filter_by(slug=slug)).scalar_one()


def _events(site: Site) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in db.session.execute(
        sa.select(AdminEvent).where(AdminEvent.site_id == site.id).order_by(AdminEvent.id)).scalars()]


def test_sites_page_lists_sites_with_a_link_to_create_one_for_admins_only(as_user):
    admin_page = as_user("admin@example.org").get("/moderate/sites/").get_data(as_text=True)
    assert 'href="/moderate/sites/new"' in admin_page and 'href="/moderate/sites/blog"' in admin_page
    mod_page = as_user("mod@example.org").get("/moderate/sites/").get_data(as_text=True)
    assert "/moderate/sites/new" not in mod_page and 'href="/moderate/sites/blog"' not in mod_page


def test_an_admin_creates_a_site_and_the_creation_is_recorded(as_user):
    client = as_user("admin@example.org")
    response = client.post("/moderate/sites/new", data={"slug": "travel", "name": "Travel notes",
                                                          "origins": "https://Travel.Example.com/\nhttp://localhost:8000",
                                                          "mode": "first-time"})
    assert response.status_code == 302 and response.headers["Location"] == "/moderate/sites/travel"
    site = _site("travel")
    assert (site.name, site.origins, site.policy) == ("Travel notes", ["https://travel.example.com",
                                                                     "http://localhost:8000"], {"mode": "first-time"})
    assert _events(site) == [("admin@example.org", "site.created")]
    page = client.get("/moderate/sites/travel").get_data(as_text=True)
    assert 'data-site="travel"' in page and "/embed.js" in page  # the snippet to paste


def test_a_bad_site_is_refused_with_its_reason_beside_the_field_and_nothing_stored(as_user):
    client = as_user("admin@example.org")
    cases = [({"slug": "Not A Slug", "name": "x"}, "slug", "lowercase letters, digits and dashes"),
             ({"slug": "blog", "name": "x"}, "slug", "Site 'blog' exists already."),
             ({"slug": "new", "name": "x"}, "slug", "names a page of the web admin"),
             ({"slug": "fine", "name": "x", "origins": "javascript:alert(1)"}, "origins", "is not an http(s) URL"),
             ({"slug": "fine", "name": ""}, "name", "This field is required."),
             ({"slug": "fine", "name": "x", "mode": "sometimes"}, "mode", "Not a valid choice")]
    for data, field, message in cases:
        response = client.post("/moderate/sites/new", data={"mode": "post", **data})
        assert response.status_code == 422, data
        errors = field_errors(response)
        assert message in errors.get(field, ""), (data, errors)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Site)).scalar_one() == 2
    assert db.session.execute(sa.select(sa.func.count()).select_from(AdminEvent)).scalar_one() == 0


def test_an_admin_edits_name_origins_and_mode_keeping_the_rest_of_the_policy(as_user, world):
    world.blog.policy = {"mode": "pre", "max_links": 5}
    db.session.commit()
    client = as_user("admin@example.org")
    response = client.post("/moderate/sites/blog", data={"name": "The blog", "origins": "https://blog.example",
                                                         "mode": "post"})
    assert response.status_code == 302
    site = _site("blog")
    assert (site.name, site.origins, site.policy) == ("The blog", ["https://blog.example"],
                                                      {"mode": "post", "max_links": 5})
    refused = client.post("/moderate/sites/blog", data={"name": "Renamed", "origins": "ftp://nope", "mode": "pre"})
    assert refused.status_code == 422
    assert "is not an http(s) URL" in field_errors(refused)["origins"]
    site = _site("blog")
    assert (site.name, site.policy["mode"]) == ("The blog", "post")  # nothing of the refused change
    assert _events(site) == [("admin@example.org", "site.updated")]


def test_widget_settings_theme_and_dark_mode_are_saved_and_a_bad_colour_is_refused(as_user):
    client = as_user("admin@example.org")
    response = client.post("/moderate/sites/blog/widget", data={
        "language": "de", "order": "newest", "reply_depth": "2", "theme-accent": "#8a4b2a",
        "theme-dark-bg": "#111", "theme-font-size": "18px"})
    assert response.status_code == 302
    assert _site("blog").settings == {"language": "de", "order": "newest", "reply_depth": 2,
                                      "theme": {"accent": "#8a4b2a", "dark-bg": "#111", "font-size": "18px"}}
    refused = client.post("/moderate/sites/blog/widget", data={"language": "de", "order": "newest",
                                                               "reply_depth": "2", "theme-accent": "red;}body{"})
    assert refused.status_code == 422
    assert "Not an allowed property or value: accent" in field_errors(refused)["theme"]
    assert _site("blog").settings["theme"]["accent"] == "#8a4b2a"
    deep = client.post("/moderate/sites/blog/widget", data={"language": "de", "order": "newest", "reply_depth": "9"})
    assert deep.status_code == 422 and "reply_depth" in field_errors(deep)
    assert _events(_site("blog")) == [("admin@example.org", "site.widget")]


def test_webhooks_are_added_tested_disabled_and_removed_with_a_delivery_log(as_user):
    client = as_user("admin@example.org")
    added = client.post("/moderate/sites/blog/webhooks", data={"url": "https://hooks.example.org/c",
                                                               "events": ["comment.held", "comment.approved"]})
    assert added.status_code == 200
    hook = db.session.execute(sa.select(Webhook)).scalar_one()
    assert hook.events == ["comment.held", "comment.approved"]
    assert f'<code class="token" id="new-secret">{hook.secret}</code>' in added.get_data(as_text=True)
    assert hook.secret not in client.get("/moderate/sites/blog").get_data(as_text=True)  # shown once

    assert client.post(f"/moderate/sites/blog/webhooks/{hook.id}/test").status_code == 302
    test = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert (test.event, test.webhook_id, test.status, test.payload["site"]) == ("webhook.test", hook.id, "pending",
                                                                                "blog")
    log = client.get("/moderate/sites/blog").get_data(as_text=True)
    assert "<td>webhook.test</td>" in log and "not yet" in log

    assert client.post(f"/moderate/sites/blog/webhooks/{hook.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).active is False
    refused = client.post(f"/moderate/sites/blog/webhooks/{hook.id}/test")
    assert refused.status_code == 422 and "This webhook is disabled" in refused.get_data(as_text=True)
    client.post(f"/moderate/sites/blog/webhooks/{hook.id}/active", data={"active": "1"})
    assert client.post(f"/moderate/sites/blog/webhooks/{hook.id}/delete").status_code == 302
    # Removed at once for every process (its row lingers, hidden, until the outbox is past it).
    assert db.session.execute(sa.select(Webhook).where(Webhook.deleted_at.is_(None))).first() is None
    assert [a for _, a in _events(_site("blog"))] == ["webhook.added", "webhook.tested", "webhook.disabled",
                                                      "webhook.enabled", "webhook.removed"]


def test_a_webhook_of_another_site_cannot_be_touched_through_this_one(as_user, world):
    other_hook = create_webhook(world.other, "https://hooks.example.org/other")
    client = as_user("admin@example.org")
    for action in ("test", "active", "delete"):
        response = client.post(f"/moderate/sites/blog/webhooks/{other_hook.id}/{action}", data={"active": "0"})
        assert response.status_code == 404 and f"No webhook {other_hook.id} on site" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Webhook, other_hook.id).active is True
    assert db.session.execute(sa.select(OutboxMessage)).first() is None


def test_a_bad_webhook_url_is_refused_beside_its_field(as_user):
    response = as_user("admin@example.org").post("/moderate/sites/blog/webhooks", data={"url": "ftp://x.example"})
    assert response.status_code == 422
    assert "start with http:// or https://" in field_errors(response)["url"]
    assert db.session.execute(sa.select(Webhook)).first() is None


def test_moderators_are_added_new_or_existing_and_removed(as_user, world):
    client = as_user("admin@example.org")
    created = client.post("/moderate/sites/blog/moderators", data={"email": "New.Person@example.org"})
    assert created.status_code == 200
    password = re.search(r'<code class="token" id="new-password">([^<]+)</code>', created.get_data(as_text=True))
    assert password and authenticate("new.person@example.org", password.group(1)) is not None
    existing = client.post("/moderate/sites/blog/moderators", data={"email": "elsewhere@example.org"})
    assert existing.status_code == 200 and 'id="new-password"' not in existing.get_data(as_text=True)
    db.session.expire_all()
    other_mod = db.session.get(Moderator, world.other_mod.id)
    assert sorted(s.slug for s in other_mod.sites) == ["blog", "other"]
    twice = client.post("/moderate/sites/blog/moderators", data={"email": "elsewhere@example.org"})
    assert twice.status_code == 422 and "moderates this site already" in twice.get_data(as_text=True)
    admin_too = client.post("/moderate/sites/blog/moderators", data={"email": "admin@example.org"})
    assert admin_too.status_code == 422 and "administrator" in admin_too.get_data(as_text=True)
    assert client.post(f"/moderate/sites/blog/moderators/{other_mod.id}/remove").status_code == 302
    db.session.expire_all()
    assert [s.slug for s in db.session.get(Moderator, other_mod.id).sites] == ["other"]
    assert [a for _, a in _events(_site("blog"))] == ["moderator.created", "moderator.added", "moderator.removed"]


def test_site_tokens_are_created_once_shown_and_revoked(as_user, app):
    client = as_user("admin@example.org")
    created = client.post("/moderate/sites/blog/tokens", data={"name": "deploy-bot"})
    plaintext = re.search(r'<code class="token" id="new-token">([^<]+)</code>', created.get_data(as_text=True))
    token = db.session.execute(sa.select(ApiToken)).scalar_one()
    assert plaintext and token.token_hash == hash_token(plaintext.group(1))
    assert [s.slug for s in token.sites] == ["blog"] and not token.is_admin
    api = app.test_client().get("/api/v1/moderation/comments?site=blog",
                                headers={"Authorization": f"Bearer {plaintext.group(1)}"})
    assert api.status_code == 200
    assert client.post(f"/moderate/sites/blog/tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert [a for _, a in _events(_site("blog"))] == ["token.created", "token.revoked"]


def test_the_changes_are_listed_on_the_site_page(as_user):
    client = as_user("admin@example.org")
    client.post("/moderate/sites/blog/tokens", data={"name": "deploy-bot"})
    page = client.get("/moderate/sites/blog").get_data(as_text=True)
    changes = page[page.index('id="changes"'):]
    assert "admin@example.org: <code>token.created</code> name=deploy-bot" in changes


def test_a_site_moderator_cannot_open_or_change_the_site_admin(as_user):
    client = as_user("mod@example.org")
    assert client.get("/moderate/sites/blog").status_code == 403
    assert client.get("/moderate/sites/new").status_code == 403
    assert client.post("/moderate/sites/new", data={"slug": "mine", "name": "Mine", "mode": "post"}).status_code == 403
    assert client.post("/moderate/sites/blog", data={"name": "Taken", "mode": "post"}).status_code == 403
    assert _site("blog").name == "Blog"
    assert db.session.execute(sa.select(AdminEvent)).first() is None


def test_site_admin_forms_without_the_csrf_token_are_refused(make_app):
    from tests.factories import make_site
    from service.services.administration.moderators import create_moderator

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_site("blog")
        create_moderator("admin@example.org", "correct horse battery", is_admin=True)
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"',
                          client.get("/moderate/login").get_data(as_text=True)).group(1)
        client.post("/moderate/login", data={"email": "admin@example.org", "password": "correct horse battery",
                                             "csrf_token": token})
        refused = client.post("/moderate/sites/new", data={"slug": "forged", "name": "Forged", "mode": "post"})
        assert refused.status_code == 400
        assert db.session.execute(sa.select(Site).filter_by(slug="forged")).first() is None
        db.session.remove()
