"""Access control, route by route: the whole URL map is walked, and every route that is not on
the explicit public list must refuse anonymous callers, moderators and API tokens of another
site, and (on the admin routes) moderators who are not administrators. URL parameters are
filled with the real ids of site A's comment, article, block, webhook and token; the wrong
callers moderate site B. A route added later is guarded by default: it fails here until it
refuses these callers or is put on the public list on purpose.

Also: moderator forms and session-authenticated API writes are refused without their CSRF
token; logging in starts a new session; passwords and tokens never reach a log record.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import pytest

from service.extensions import db
from service.logging import JsonFormatter, TextFormatter
from service.models import ApiToken, Article, Block, Comment, CommentStatus, Moderator, Site, Webhook
from service.services.administration.moderators import create_moderator
from service.services.administration.tokens import create_token
from service.services.delivery.webhooks import create_webhook
from tests.factories import make_comment, make_site

PASSWORD = "correct horse battery staple 42"
MARKER = "alpha-private-marker"  # in site A's comment: must never show to a caller of site B
ALPHA_EMAIL = "alpha-commenter@example.org"

# Reachable by anybody, on purpose. Everything else is guarded.
PUBLIC = frozenset({
    # the public comment API: read, post, edit/delete one's own (edit token), report, count, preview
    "comments.SiteComments", "comments.OwnComment", "flags.CommentFlags", "counts.Counts", "preview.preview",
    "api_docs.show_docs", "api-docs.openapi_json",
    # the embed page (its form carries its own signed token: it is posted from third-party
    # iframes without this service's cookies, so there is no session to ride), its assets, scripts
    "embed.show_page", "embed.submit_form", "embed.theme_css", "embed_scripts.embed_js", "embed_scripts.count_js",
    "demo_root.home", "demo.index", "demo.post", "static",
    "ops.healthz", "ops.readyz",
    "moderation_queue.login",
    # one-click unsubscribe from reply mail (RFC 8058): the signed token in the link is the credential
    "notifications.unsubscribe_form", "notifications.unsubscribe",
    # readers' votes (the reader is their author token or address), the no-script vote form,
    # the widget's report form (a reader's report, like the flags API), the public feeds and the
    # identicons
    "votes.CommentVote", "embed_votes.vote", "embed_reports.report", "feeds.site_feed", "feeds.article_feed",
    "avatars.identicon",
    # reader mail: thread subscriptions (always 202), address confirmation and thread unsubscribe
    # pages (the signed token in the link is the credential)
    "subscriptions.SiteSubscriptions", "reader_mail.subscribe_from_widget", "reader_mail.confirm_page",
    "reader_mail.confirm", "reader_mail.thread_unsubscribe_page", "reader_mail.thread_unsubscribe",
})
# Guarded, but not by moderator identity: the metrics scraper's token or address.
OPERATOR = frozenset({"ops.metrics"})
# Only administrators, whatever sites they moderate.
ADMIN_ONLY = frozenset({
    ("moderation_queue.tokens_page", "GET"), ("moderation_queue.tokens_page", "POST"),
    ("moderation_queue.revoke_token", "POST"), ("moderation_queue.moderators_page", "GET"),
    ("moderation_queue.save_policy", "POST"),
    ("moderation_sites.SitePolicy", "PUT"),
    ("webhooks.SiteWebhooks", "GET"), ("webhooks.SiteWebhooks", "POST"), ("webhooks.SiteWebhook", "DELETE"),
    ("webhooks.SiteDeliveries", "GET"),
    # the web admin for sites
    ("moderation_queue.new_site", "GET"), ("moderation_queue.new_site", "POST"),
    ("moderation_queue.site_settings", "GET"), ("moderation_queue.save_site", "POST"),
    ("moderation_queue.save_widget", "POST"), ("moderation_queue.add_site_webhook", "POST"),
    ("moderation_queue.test_site_webhook", "POST"), ("moderation_queue.toggle_site_webhook", "POST"),
    ("moderation_queue.remove_site_webhook", "POST"), ("moderation_queue.add_site_moderator", "POST"),
    ("moderation_queue.remove_site_moderator", "POST"), ("moderation_queue.add_site_token", "POST"),
    ("moderation_queue.revoke_site_token", "POST"),
})
SAFE_METHODS = {"GET"}
FORM = {"status": "approved", "ids": "", "closed": "1", "body": "edited", "kinds": "ip", "name": "t",
        "mode": "post", "note": "n", "pinned": "1"}
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # not a loopback address: /metrics is not open to it


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    url: str

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def names_a_site_thing(self) -> bool:
        return "<" in self.rule


@dataclass(frozen=True)
class World:
    """Ids (not ORM objects: they outlive the session that loaded them) and token plaintexts."""

    alpha_id: int
    comment_id: int
    article_id: int
    block_id: int
    webhook_id: int
    alpha_token_id: int
    tokens: dict  # name -> plaintext


@pytest.fixture
def world(app) -> World:
    return build_world()


def build_world() -> World:
    """Sites A and B, a held comment of A (with its article), a block, a webhook and a token of
    A; an administrator, a moderator of each site; tokens for A, B and an administrator."""
    alpha, beta = make_site("alpha", mode="pre"), make_site("beta", mode="pre")
    comment = make_comment(alpha, "alpha-post", status="pending", author="Alpha Author", email=ALPHA_EMAIL,
                           body=f"Held text {MARKER}")
    make_comment(beta, "beta-post", status="pending", body="Beta's own comment")
    block = Block(site_id=alpha.id, kind="name", value="alpha-blocked")
    db.session.add(block)
    db.session.commit()
    webhook = create_webhook(alpha, "https://hooks.example.org/alpha")
    create_moderator("admin@example.org", PASSWORD, is_admin=True)
    create_moderator("alpha@example.org", PASSWORD, site_slugs=["alpha"])
    create_moderator("beta@example.org", PASSWORD, site_slugs=["beta"])
    alpha_token, alpha_plain = create_token("alpha-bot", site_slugs=["alpha"])
    _, beta_plain = create_token("beta-bot", site_slugs=["beta"])
    _, admin_plain = create_token("admin-bot", is_admin=True)
    return World(alpha.id, comment.id, comment.article_id, block.id, webhook.id, alpha_token.id,
                 {"alpha": alpha_plain, "beta": beta_plain, "admin": admin_plain})


def _moderator_id(app, email: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(Moderator.id).filter_by(email=email)).scalar_one()


def guarded_routes(app, world: World) -> list[Route]:
    """Every (endpoint, method) not on the public list, with site A's ids in the URL."""
    values = {"comment_id": world.comment_id, "article_id": world.article_id, "slug": "alpha",
              "site": "alpha", "block_id": world.block_id, "webhook_id": world.webhook_id,
              "token_id": world.alpha_token_id,
              "moderator_id": _moderator_id(app, "alpha@example.org")}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: give the walk a real value for {missing}"
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(values[arg]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.endpoint, method, rule.rule, url))
    # Logging out goes last: it would end the session the other calls are made in.
    return sorted(routes, key=lambda r: (r.endpoint == "moderation_queue.logout", r.endpoint, r.method))


def json_body(route: Route, comment_id: int) -> dict | None:
    """A body that passes validation, so that what refuses the call is the authorization."""
    if route.method in SAFE_METHODS or route.method == "DELETE":
        return None
    rule = route.rule
    if rule.endswith("/body"):
        return {"body": "New text."}
    if rule.endswith("/block-author"):
        return {"kinds": ["name"]}
    if rule.endswith("/blocks"):
        return {"kind": "email", "value": "x@example.org"}
    if rule.endswith("/webhooks"):
        return {"url": "https://hooks.example.org/new"}
    if rule.endswith("/dry-run"):
        return {"body": "Hello"}
    if rule.endswith("/policy"):
        return {"mode": "post"}
    if rule.endswith("/bulk"):
        return {"ids": [comment_id], "status": "approved"}
    return {"status": "approved"}


def call(client, route: Route, world: World, headers: dict | None = None, **extra):
    headers = headers or {}
    if route.api:
        return client.open(route.url, method=route.method, json=json_body(route, world.comment_id), headers=headers,
                           environ_base=REMOTE, **extra)
    data = None if route.method in SAFE_METHODS else {**FORM, "ids": str(world.comment_id)}
    return client.open(route.url, method=route.method, data=data, headers=headers, environ_base=REMOTE, **extra)


def log_in(app, email: str):
    client = app.test_client()
    response = client.post("/moderate/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def bearer(world: World, who: str) -> dict:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


def assert_site_a_untouched(world: World) -> None:
    db.session.expire_all()
    comment = db.session.get(Comment, world.comment_id)
    assert comment.status == CommentStatus.PENDING
    assert comment.body == f"Held text {MARKER}"
    assert not comment.pinned
    assert not db.session.get(Article, comment.article_id).closed
    assert db.session.get(Block, world.block_id) is not None
    assert db.session.get(Webhook, world.webhook_id) is not None
    assert db.session.get(ApiToken, world.alpha_token_id).revoked_at is None
    assert db.session.get(Site, world.alpha_id).policy == {"mode": "pre"}
    assert db.session.execute(db.select(db.func.count()).select_from(Block)).scalar_one() == 1


# ---- the walk itself ----------------------------------------------------------------------

def test_the_walk_covers_the_whole_url_map(app, world):
    routes = guarded_routes(app, world)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC <= endpoints, PUBLIC - endpoints  # the allow-list names no stale endpoint
    assert {(r.endpoint, r.method) for r in routes} >= ADMIN_ONLY
    assert OPERATOR <= {r.endpoint for r in routes}
    every = {(rule.endpoint, m) for rule in app.url_map.iter_rules() for m in rule.methods - {"HEAD", "OPTIONS"}}
    public = {(e, m) for e, m in every if e in PUBLIC}
    assert {(r.endpoint, r.method) for r in routes} | public == every
    assert len(routes) >= 40


def test_anonymous_callers_are_refused_on_every_guarded_route(app, world):
    client = app.test_client()
    refused = {}
    for route in guarded_routes(app, world):
        response = call(client, route, world)
        refused[(route.endpoint, route.method)] = response.status_code
        if route.endpoint in OPERATOR:
            assert response.status_code == 403, route
        elif route.api:
            assert response.status_code == 401, route
            assert response.json["code"] == 401
            assert "WWW-Authenticate" in response.headers
        else:
            assert response.status_code == 302, route
            assert response.headers["Location"].startswith("/moderate/login"), route
        assert MARKER not in response.get_data(as_text=True), route
    assert_site_a_untouched(world)
    # fetch() calls from the UI get a 401 to act on rather than a redirect
    for route in guarded_routes(app, world):
        if not route.api and route.endpoint not in OPERATOR:
            response = call(client, route, world, headers={"X-Requested-With": "fetch"})
            assert response.status_code == 401, route


def wrong_site_checks(app, world: World, client, headers: dict) -> int:
    """Every guarded route, called by a caller of site B: refused where it names site A's
    things, and where it does not (queue, lists, bulk), nothing of site A shows or changes."""
    checked = 0
    for route in guarded_routes(app, world):
        if route.endpoint in OPERATOR:
            assert call(client, route, world, headers=headers).status_code == 403, route
            continue
        response = call(client, route, world, headers=headers)
        text = response.get_data(as_text=True)
        assert MARKER not in text and ALPHA_EMAIL not in text, route
        assert response.status_code < 500, route
        if route.names_a_site_thing:
            expected = {403} if route.api else {403, 404}
            assert response.status_code in expected, (route, response.status_code, text[:200])
            checked += 1
        if route.api and route.method in SAFE_METHODS and not route.names_a_site_thing:
            scoped = client.get(route.url + "?site=alpha", headers=headers, environ_base=REMOTE)
            assert scoped.status_code == 403, route
            checked += 1
    assert_site_a_untouched(world)
    return checked


def test_a_moderator_of_another_site_is_refused(app, world):
    checked = wrong_site_checks(app, world, log_in(app, "beta@example.org"), {})
    assert checked >= 25


def test_an_api_token_of_another_site_is_refused(app, world):
    checked = wrong_site_checks(app, world, app.test_client(), bearer(world, "beta"))
    assert checked >= 25


@pytest.mark.parametrize("caller", ["session", "token"])
def test_a_moderator_who_is_not_an_administrator_is_refused_the_admin_routes(app, world, caller):
    """Site A's own moderator (or token): allowed on site A, but not to administer it."""
    client = log_in(app, "alpha@example.org") if caller == "session" else app.test_client()
    headers = {} if caller == "session" else bearer(world, "alpha")
    admin_routes = [r for r in guarded_routes(app, world) if (r.endpoint, r.method) in ADMIN_ONLY]
    for route in admin_routes:
        response = call(client, route, world, headers=headers)
        assert response.status_code == 403, (route, response.status_code)
    assert len(admin_routes) == len(ADMIN_ONLY)
    assert_site_a_untouched(world)


@pytest.mark.parametrize("caller", ["session", "token"])
def test_an_administrator_gets_past_every_guard(app, world, caller):
    """The control: the refusals above are about the caller, not about a broken URL or body."""
    client = log_in(app, "admin@example.org") if caller == "session" else app.test_client()
    headers = {} if caller == "session" else bearer(world, "admin")
    for route in guarded_routes(app, world):
        if route.endpoint in OPERATOR:
            continue
        response = call(client, route, world, headers=headers)
        assert response.status_code not in (401, 403) and response.status_code < 500, \
            (route, response.status_code, response.get_data(as_text=True)[:300])
        if not route.api and response.status_code == 302 and route.endpoint != "moderation_queue.logout":
            assert not response.headers["Location"].startswith("/moderate/login"), route


def test_the_public_routes_answer_anonymous_callers(app, world):
    client = app.test_client()
    for path in ("/api/v1/sites/alpha/comments?article=alpha-post", "/api/v1/sites/alpha/counts?article=alpha-post",
                 "/embed/alpha?article=alpha-post", "/embed.js", "/count.js", "/api/v1/openapi.json", "/healthz",
                 "/moderate/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert MARKER not in response.get_data(as_text=True), path  # a held comment is not public


# ---- CSRF ---------------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_FIELD.search(html) or re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return next(group for group in match.groups() if group)


def csrf_login(client, email: str = "admin@example.org"):
    token = csrf_token_of(client, "/moderate/login")
    return client.post("/moderate/login", data={"email": email, "password": PASSWORD, "csrf_token": token})


@pytest.fixture
def csrf_app(make_app) -> tuple:
    """An app that checks CSRF tokens, and its world. Its requests run with no app context
    held open around them, as under a real server (Flask-WTF keeps a request's token in `g`,
    which a held context would carry from one request to the next)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_world()
        db.session.remove()
    return app, world


def untouched(app, world: World) -> None:
    with app.app_context():
        assert_site_a_untouched(world)
        db.session.remove()


def test_moderator_forms_without_a_csrf_token_are_refused(csrf_app):
    app, world = csrf_app
    client = app.test_client()
    anonymous_login = client.post("/moderate/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert anonymous_login.status_code == 400
    assert client.get("/moderate/").status_code == 302  # still not logged in
    assert csrf_login(client).status_code == 302
    posts = [r for r in guarded_routes(app, world) if not r.api and r.method == "POST"]
    assert len(posts) >= 10
    for route in posts:
        for headers, extra in (({}, {}), ({"X-Requested-With": "fetch"}, {}), ({}, {"csrf_token": "forged"})):
            data = {**FORM, "ids": str(world.comment_id), **extra}
            response = client.post(route.url, data=data, headers=headers)
            assert response.status_code == 400, (route, headers, extra, response.status_code)
    untouched(app, world)
    # The control: the same form with the page's token goes through.
    token = csrf_token_of(client, f"/moderate/comments/{world.comment_id}")
    response = client.post(f"/moderate/comments/{world.comment_id}/status",
                           data={"status": "approved", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Comment, world.comment_id).status == CommentStatus.APPROVED
        db.session.remove()


def test_session_authenticated_api_writes_need_the_csrf_header(csrf_app):
    app, world = csrf_app
    client = app.test_client()
    assert csrf_login(client).status_code == 302
    writes = [r for r in guarded_routes(app, world) if r.api and r.method not in SAFE_METHODS]
    assert len(writes) >= 9
    for route in writes:
        response = call(client, route, world)
        assert response.status_code == 403, (route, response.status_code)
        assert "CSRF" in response.json["message"]
        response = call(client, route, world, headers={"X-CSRFToken": "forged"})
        assert response.status_code == 403, route
    untouched(app, world)
    token = csrf_token_of(client, "/moderate/")
    response = client.patch(f"/api/v1/moderation/comments/{world.comment_id}", json={"status": "approved"},
                            headers={"X-CSRFToken": token})
    assert response.status_code == 200


# ---- the session at login -----------------------------------------------------------------

def test_logging_in_starts_a_new_session(csrf_app):
    app, _ = csrf_app
    client = app.test_client()
    old_csrf = csrf_token_of(client, "/moderate/login")
    with client.session_transaction() as session:
        session["planted"] = "chosen by an attacker"
    before = client.get_cookie("session").value
    assert csrf_login(client).status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with app.app_context():
        admin = db.session.execute(db.select(Moderator).where(Moderator.email == "admin@example.org")).scalar_one()
        expected_user = f"{admin.id}:{admin.session_nonce}"
        db.session.remove()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == expected_user
    # The token issued before login belongs to the old session: it no longer passes.
    response = client.post("/moderate/logout", data={"csrf_token": old_csrf})
    assert response.status_code == 400
    assert client.get("/moderate/").status_code == 200
    # The pre-login cookie, replayed, is nobody.
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert replay.get("/moderate/").status_code == 302


# ---- logs ---------------------------------------------------------------------------------

def test_passwords_and_tokens_never_reach_the_logs(make_app, caplog):
    app = make_app(LOG_LEVEL="DEBUG", ACCESS_LOG=True)
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        world = build_world()
        client = app.test_client()
        wrong = "not-the-password-9f3c"
        assert client.post("/moderate/login", data={"email": "admin@example.org", "password": wrong}).status_code == 401
        logged_in = client.post("/moderate/login", data={"email": "admin@example.org", "password": PASSWORD})
        assert logged_in.status_code == 302
        created = client.post("/moderate/tokens", data={"name": "made-in-ui", "is_admin": "y"})
        ui_token = re.search(r"<code[^>]*>([A-Za-z0-9_\-]{20,})</code>", created.get_data(as_text=True))
        assert created.status_code == 200 and ui_token, created.get_data(as_text=True)[:500]
        api = app.test_client()
        for who in ("alpha", "beta", "admin"):
            api.get("/api/v1/moderation/comments", headers=bearer(world, who))
            api.get("/moderate/", headers=bearer(world, who))
        bogus = "bogus-token-that-is-not-valid-7d1e"
        assert api.get("/api/v1/moderation/comments", headers={"Authorization": f"Bearer {bogus}"}).status_code == 401
        posted = api.post("/api/v1/sites/beta/comments", json={"article": "p", "author": "A", "body": "Hi there"})
        edit_token = posted.json["edit_token"]
        api.patch(f"/api/v1/comments/{posted.json['comment']['id']}", json={"body": "Edited"},
                  headers={"X-Edit-Token": edit_token})
        assert api.get("/moderate/", headers={"Authorization": f"Bearer {ui_token.group(1)}"}).status_code == 200

    secrets = [PASSWORD, wrong, bogus, edit_token, ui_token.group(1), *world.tokens.values()]
    records = caplog.records
    assert len(records) >= 10  # the access log really was captured
    formatted = "\n".join([caplog.text] + [JsonFormatter().format(r) for r in records]
                          + [TextFormatter().format(r) for r in records])
    for secret in secrets:
        assert secret not in formatted
