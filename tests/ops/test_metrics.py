"""/metrics: requests and latency by endpoint, submissions by decision, queue sizes, and who may read it."""

from __future__ import annotations

import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service import create_app
from service.config import ConfigError
from tests.conftest import settings_for
from tests.factories import make_comment, make_site

REQUESTS = "comment_service_http_request_duration_seconds"
OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


def samples(client, **kwargs) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} from one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    out = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def request_count(scrape: dict, endpoint: str, method: str = "GET", status: str = "2xx") -> float:
    key = (f"{REQUESTS}_count", (("endpoint", endpoint), ("method", method), ("status", status)))
    return scrape.get(key, 0.0)


def test_requests_are_counted_and_timed_by_endpoint_name_not_path(app, client):
    make_site("blog")
    for article in ("first-post", "second-post", "third-post"):
        assert client.get(f"/api/v1/sites/blog/comments?article={article}").status_code == 200
    client.get("/api/v1/sites/nosuchsite/comments?article=x")
    scrape = samples(client)
    assert request_count(scrape, "comments.SiteComments") == 3
    assert request_count(scrape, "comments.SiteComments", status="4xx") == 1
    buckets = {labels: v for (name, labels), v in scrape.items() if name == f"{REQUESTS}_bucket"
               and ("endpoint", "comments.SiteComments") in labels and ("status", "2xx") in labels}
    assert buckets[(("endpoint", "comments.SiteComments"), ("le", "+Inf"), ("method", "GET"), ("status", "2xx"))] == 3
    assert scrape[(f"{REQUESTS}_sum", (("endpoint", "comments.SiteComments"), ("method", "GET"),
                                       ("status", "2xx")))] > 0
    text = client.get("/metrics").get_data(as_text=True)
    assert "first-post" not in text and "nosuchsite" not in text


def test_unrouted_paths_and_odd_methods_do_not_create_series(client):
    for n in range(5):
        client.get(f"/no/such/path/{n}")
        client.open("/api/v1/preview", method=f"BREW{n}")
    scrape = samples(client)
    assert request_count(scrape, "unmatched", status="4xx") == 5  # 404: no route
    assert request_count(scrape, "unmatched", method="other", status="4xx") == 5  # 405: no route for it
    text = client.get("/metrics").get_data(as_text=True)
    assert "/no/such/path" not in text and "BREW" not in text


def test_the_request_counter_increments_between_scrapes(client):
    before = request_count(samples(client), "ops.healthz")
    for _ in range(4):
        client.get("/healthz")
    assert request_count(samples(client), "ops.healthz") == before + 4


def test_submissions_are_counted_by_decision(app, client):
    make_site("blog", policy={"banned_words": ["casino"]})
    make_site("held", mode="pre")
    post = lambda site, **extra: client.post(f"/api/v1/sites/{site}/comments",  # noqa: E731
                                             json={"article": "a", "author": "Ann", "body": "Hello there.", **extra})
    assert post("blog").status_code == 201
    assert post("blog", body="Visit my casino").status_code == 403
    assert post("held").status_code == 202
    assert post("held", body="Another one.").status_code == 202
    assert post("blog", body="A bot's comment.", homepage="http://spam.example").status_code == 202
    scrape = samples(client)
    by_decision = {dict(labels)["decision"]: value for (name, labels), value in scrape.items()
                   if name == "comment_service_submissions_total"}
    assert by_decision == {"approved": 1, "rejected": 1, "pending": 2, "spam": 1}


def test_refused_requests_count_no_submission(app, client):
    make_site("blog")
    client.post("/api/v1/sites/blog/comments", json={"article": "a", "author": "", "body": "x"})
    scrape = samples(client)
    assert all(v == 0 for (name, _), v in scrape.items() if name == "comment_service_submissions_total")


def test_queue_sizes_are_the_pending_counters_per_site(app, client):
    blog, other = make_site("blog"), make_site("other")
    make_site("quiet")
    for article in ("a", "a", "b"):
        make_comment(blog, article, status="pending")
    make_comment(blog, "a", status="approved")
    make_comment(other, "z", status="pending")
    scrape = samples(client)
    queue = {dict(labels)["site"]: v for (name, labels), v in scrape.items() if name == "comment_service_queue_pending"}
    assert queue == {"blog": 3, "other": 1, "quiet": 0}


@pytest.mark.parametrize("headers, environ, allowed", [
    ({}, {}, True),  # loopback is in the default METRICS_ALLOW
    ({}, OUTSIDER, False),
    ({"Authorization": "Bearer scrape-secret"}, OUTSIDER, True),
    ({"Authorization": "bearer scrape-secret"}, OUTSIDER, True),
    ({"Authorization": "Bearer wrong-secret"}, OUTSIDER, False),
    ({"Authorization": "Basic scrape-secret"}, OUTSIDER, False),
    ({"Authorization": "Bearer scrape-secret-and-more"}, OUTSIDER, False),
    # A proxy nobody declared (TRUSTED_PROXIES=0) forwards from loopback: not the caller's address.
    ({"X-Forwarded-For": "127.0.0.1"}, {}, False),
])
def test_metrics_need_the_token_or_an_allowed_address(make_app, headers, environ, allowed):
    app = make_app(METRICS_TOKEN="scrape-secret")
    response = app.test_client().get("/metrics", headers=headers, environ_base=environ)
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert response.json["code"] == 403
        assert "comment_service" not in response.get_data(as_text=True)


def test_without_a_token_only_allowed_networks_may_scrape(make_app):
    app = make_app(METRICS_ALLOW="10.0.0.0/8, 192.0.2.7")
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 403
    assert client.get("/metrics").status_code == 403  # loopback is not in this list
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_behind_a_trusted_proxy_the_forwarded_address_is_checked(make_app):
    app = make_app(TRUSTED_PROXIES=1, METRICS_ALLOW="10.0.0.0/8")
    client = app.test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3, 203.0.113.9"}).status_code == 403


def test_metrics_can_be_turned_off_entirely(make_app):
    app = make_app(METRICS_ENABLED=False)
    assert all(f.__name__ != "observe_request" for f in app.after_request_funcs[None])
    response = app.test_client().get("/metrics")
    assert response.status_code == 404
    assert response.json["message"] == "Metrics are turned off (METRICS_ENABLED=false)."


def test_a_malformed_allow_list_refuses_to_start(database_url):
    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        create_app(settings_for(database_url, METRICS_ALLOW="10.0.0.0/8, not-an-address"))


def test_multiprocess_mode_needs_the_directory_in_the_environment(database_url, tmp_path):
    with pytest.raises(ConfigError, match="environment"):
        create_app(settings_for(database_url, PROMETHEUS_MULTIPROC_DIR=str(tmp_path)))
    with pytest.raises(ConfigError, match="not a directory"):
        create_app(settings_for(database_url, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "nope")))


def test_process_metrics_are_reported_in_single_process_mode(client):
    assert re.search(r"^process_resident_memory_bytes \d", client.get("/metrics").get_data(as_text=True), re.M)
