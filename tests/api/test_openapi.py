"""The OpenAPI document validates and documents every public endpoint; the docs page renders it."""

from openapi_spec_validator import validate


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_public_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/sites/{site}/comments"]) >= {"get", "post"}
    assert set(paths["/api/v1/comments/{comment_id}"]) >= {"patch", "delete"}
    assert "get" in paths["/api/v1/sites/{site}/counts"]
    errors = paths["/api/v1/sites/{site}/comments"]["post"]["responses"]
    assert {"201", "202", "403", "404", "413", "415", "422", "429"} <= set(errors)


def test_docs_page_lists_the_operations(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "/api/v1/sites/{site}/counts" in text and "openapi.json" in text
