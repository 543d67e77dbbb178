"""The demo blog is served only when DEMO_ENABLED (on in development, off in production); in
production `/` is a small page that names the service and links its documentation."""

from __future__ import annotations

from service.config import Config, finalize


def test_demo_is_on_in_development_and_off_in_production_unless_set(tmp_path):
    development = Config.from_env({})
    production = Config.from_env({"SERVICE_ENV": "production", "SECRET_KEY": "k" * 40})
    forced = Config.from_env({"SERVICE_ENV": "production", "SECRET_KEY": "k" * 40, "DEMO_ENABLED": "true"})
    for conf in (development, production, forced):
        finalize(conf, str(tmp_path))
    assert development["DEMO_ENABLED"] is True
    assert production["DEMO_ENABLED"] is False
    assert forced["DEMO_ENABLED"] is True
    assert Config.from_env({"DEMO_ENABLED": "false"})["DEMO_ENABLED"] is False


def test_development_serves_the_demo_and_sends_the_front_page_there(client):
    assert client.get("/").headers["Location"].endswith("/demo/")
    assert client.get("/demo/").status_code == 200


def test_production_serves_no_demo_and_a_front_page_naming_the_service(make_app):
    app = make_app(SERVICE_ENV="production", DEMO_ENABLED=False)
    client = app.test_client()
    for path in ("/demo/", "/demo/welcome"):
        assert client.get(path).status_code == 404, path
    home = client.get("/")
    assert home.status_code == 200 and home.mimetype == "text/html"
    page = home.get_data(as_text=True)
    assert "<h1>Comment service</h1>" in page
    assert 'href="/api/v1/docs"' in page and 'href="/api/v1/openapi.json"' in page
    assert "/demo/" not in page and "data-comments" not in page
    assert "Content-Security-Policy" in home.headers
    assert client.get("/api/v1/docs").status_code == 200  # what the page links to is there
