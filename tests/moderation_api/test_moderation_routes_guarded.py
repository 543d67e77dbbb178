"""Every route under /api/v1/moderation/ refuses anonymous callers (401) and callers who do
not moderate the site concerned (403). The routes are found by walking the URL map, so a
route added later is covered without touching this test."""

from __future__ import annotations

import pytest

from tests.factories import make_comment
from tests.moderation_api.conftest import forbidden, unauthorized

PREFIX = "/api/v1/moderation/"
BODIES = {"POST": {}, "PUT": {}, "PATCH": {}}


def moderation_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule))
    return routes


def fill(rule: str, comment_id: int, site: str = "other") -> str:
    return (rule.replace("<int:comment_id>", str(comment_id)).replace("<string:site>", site)
            .replace("<int:block_id>", "1").replace("<int:webhook_id>", "1"))


def test_the_walk_finds_every_kind_of_route(app):
    routes = moderation_routes(app)
    paths = {rule for _, rule in routes}
    assert len(routes) >= 14
    assert {"/api/v1/moderation/comments", "/api/v1/moderation/comments/bulk",
            "/api/v1/moderation/sites/<string:site>/policy",
            "/api/v1/moderation/sites/<string:site>/blocks/<int:block_id>"} <= paths


def test_every_moderation_route_refuses_anonymous_callers(app, client, blog, other):
    comment = make_comment(other, status="pending")
    for method, rule in moderation_routes(app):
        response = client.open(fill(rule, comment.id), method=method, json=BODIES.get(method))
        assert response.status_code == 401, (method, rule)
        assert response.json == unauthorized(), (method, rule)


def test_every_site_scoped_route_refuses_a_token_of_another_site(app, client, blog, other, blog_mod):
    """A token for `blog` acting on `other`'s comment or site: 403 everywhere it names one."""
    comment = make_comment(other, status="pending")
    checked = 0
    for method, rule in moderation_routes(app):
        if "<" not in rule:
            continue
        response = client.open(fill(rule, comment.id), method=method, json=valid_body(method, rule, comment.id),
                               headers=blog_mod.headers)
        assert response.status_code == 403, (method, rule, response.json)
        assert response.json == forbidden(), (method, rule)
        checked += 1
    assert checked >= 11


@pytest.mark.parametrize("query", ["?site=other", "?site=other&status=pending"])
def test_lists_refuse_a_site_the_caller_does_not_moderate(client, blog, other, blog_mod, query):
    for path in ("comments", "events"):
        response = client.get(PREFIX + path + query, headers=blog_mod.headers)
        assert response.status_code == 403
        assert response.json == forbidden()


def test_bulk_does_not_touch_another_sites_comments(client, blog, other, blog_mod):
    comment = make_comment(other, status="pending")
    response = client.post(PREFIX + "comments/bulk", json={"ids": [comment.id], "status": "approved"},
                           headers=blog_mod.headers)
    assert response.status_code == 200
    assert response.json == {"updated": [], "kept": [], "conflicts": [], "not_found": [comment.id]}


def valid_body(method: str, rule: str, comment_id: int) -> dict | None:
    """A body that passes validation, so the refusal seen is the authorization's."""
    if method == "GET" or method == "DELETE":
        return None
    if rule.endswith("/body"):
        return {"body": "New text."}
    if rule.endswith("/block-author"):
        return {}
    if rule.endswith("/blocks"):
        return {"kind": "email", "value": "x@example.org"}
    if rule.endswith("/webhooks"):
        return {"url": "https://example.org/hook"}
    if rule.endswith("/dry-run"):
        return {"body": "Hello"}
    if rule.endswith("/policy"):
        return {"mode": "pre"}
    return {"status": "approved"}


def test_openapi_documents_every_moderation_operation_with_its_security_and_refusals(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert set(spec["components"]["securitySchemes"]) >= {"bearerToken", "moderatorSession"}
    documented = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if path.startswith(PREFIX) and method != "parameters"}
    expected = {(method, rule.replace("<int:", "{").replace("<string:", "{").replace(">", "}"))
                for method, rule in moderation_routes(app)}
    assert documented == expected
    for method, path in documented:
        operation = spec["paths"][path][method.lower()]
        assert {"401", "403"} <= set(operation["responses"]), (method, path)
        assert operation["security"] == [{"bearerToken": []}, {"moderatorSession": []}]
