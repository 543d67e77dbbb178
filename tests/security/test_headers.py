"""Security headers: CSP on every page (the embed page's frame-ancestors per site), nosniff and
Referrer-Policy everywhere, session cookies HttpOnly and SameSite (Secure when configured),
HSTS only when configured."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_dict_header

from service.headers import DEFAULT_CSP
from service.services.administration.moderators import create_moderator
from tests.factories import make_comment, make_site

PASSWORD = "correct horse battery"


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {name: value.strip() for name, _, value in
            (directive.strip().partition(" ") for directive in policy.split(";") if directive.strip())}


def set_cookies(response) -> dict[str, str]:
    """{cookie name: its Set-Cookie header}."""
    return {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}


def attributes(set_cookie: str) -> set[str]:
    """The attributes after the value, lower-cased: {"httponly", "path=/", "samesite=lax", ...}."""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


@pytest.fixture
def blog(app):
    site = make_site("blog", origins=["https://blog.example", "https://www.blog.example"])
    make_comment(site, "post-1", body="Hello.")
    return site


def login(client, remember: bool = False, **kwargs):
    data = {"email": "mod@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/moderate/login", data=data, **kwargs)


@pytest.fixture
def moderator(blog):
    return create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])


@pytest.mark.parametrize("url", ["/api/v1/sites/blog/comments?article=post-1",
                                 "/api/v1/sites/blog/counts?article=post-1", "/api/v1/sites/nope/counts?article=x",
                                 "/api/v1/openapi.json", "/healthz", "/count.js", "/embed.js"])
def test_api_and_script_responses_are_nosniff_with_a_referrer_policy(client, blog, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_the_embed_page_may_be_framed_only_by_the_sites_origins(client, blog):
    response = client.get("/embed/blog?article=post-1")
    policy = csp(response)
    assert policy["frame-ancestors"] == "'self' https://blog.example https://www.blog.example"
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert "X-Frame-Options" not in response.headers  # it would forbid the framing the site needs
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Permissions-Policy"].startswith("camera=()")
    again = client.get("/embed/blog?article=post-1", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert csp(again)["frame-ancestors"] == policy["frame-ancestors"]


def test_each_sites_embed_page_names_only_its_own_origins(client, blog):
    make_site("other", origins=["https://other.example"])
    assert csp(client.get("/embed/other?article=a"))["frame-ancestors"] == "'self' https://other.example"


def test_a_site_without_origins_may_be_framed_anywhere(client, app):
    make_site("open")
    assert csp(client.get("/embed/open?article=a"))["frame-ancestors"] == "*"


@pytest.mark.parametrize("url", ["/moderate/login", "/api/v1/docs", "/moderate/no-such-page", "/demo/"])
def test_service_pages_get_the_strict_policy_and_cannot_be_framed(client, blog, url):
    response = client.get(url)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == DEFAULT_CSP
    assert csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_queue_pages_of_a_logged_in_moderator_get_the_strict_policy(app, moderator):
    client = app.test_client()
    assert login(client).status_code == 302
    for url in ("/moderate/", "/moderate/log", "/moderate/sites/blog/policy"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == DEFAULT_CSP, url


def test_no_policy_anywhere_allows_inline_or_eval(client, blog):
    for url in ("/embed/blog?article=post-1", "/moderate/login", "/api/v1/docs", "/demo/"):
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url


def test_session_cookies_are_httponly_and_samesite_lax_but_not_secure_by_default(app, moderator):
    response = login(app.test_client(), remember=True)
    assert response.status_code == 302
    cookies = set_cookies(response)
    for name in ("session", "remember_token"):
        attrs = attributes(cookies[name])
        assert "httponly" in attrs and "samesite=lax" in attrs, cookies[name]
        assert "secure" not in attrs


def test_session_cookies_are_secure_when_configured(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    with app.app_context():
        make_site("blog")
        create_moderator("mod@example.org", PASSWORD, site_slugs=["blog"])
        response = login(app.test_client(), remember=True, base_url="https://comments.example")
    assert response.status_code == 302
    cookies = set_cookies(response)
    for name in ("session", "remember_token"):
        attrs = attributes(cookies[name])
        assert {"secure", "httponly", "samesite=lax"} <= attrs, cookies[name]


def test_hsts_is_sent_only_when_configured(make_app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app = make_app(HSTS_SECONDS=31536000)
    test_client = app.test_client()
    for url in ("/healthz", "/moderate/login"):
        value = test_client.get(url).headers["Strict-Transport-Security"]
        assert value == "max-age=31536000; includeSubDomains"
        assert parse_dict_header(value.replace(";", ","))["max-age"] == "31536000"
