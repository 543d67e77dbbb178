"""Structured logs: one JSON object per line, each request's lines carrying its id, echoed to the client."""

from __future__ import annotations

import json
import logging
import re

import pytest

from service import create_app
from service.config import ConfigError
from service.logging import JsonFormatter
from tests.conftest import settings_for

GENERATED = re.compile(r"[0-9a-f]{24}")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_each_request_logs_one_json_access_line_with_its_id(make_app, capsys):
    app = make_app(LOG_FORMAT="json", ACCESS_LOG=True)
    capsys.readouterr()
    response = app.test_client().get("/healthz?token=never-logged", headers={"X-Request-ID": "trace-abc-123"})
    assert response.headers["X-Request-ID"] == "trace-abc-123"
    lines = json_lines(capsys.readouterr().err)
    access = [line for line in lines if line["logger"] == "service.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "trace-abc-123"
    assert (line["method"], line["path"], line["status"], line["endpoint"]) == ("GET", "/healthz", 200, "ops.healthz")
    assert line["message"] == "GET /healthz 200" and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float) and line["ts"].endswith("+00:00")
    assert "never-logged" not in json.dumps(lines)


def test_a_warning_inside_a_request_carries_that_requests_id(tmp_path, capsys):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", LOG_FORMAT="json"))
    capsys.readouterr()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    rid = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(rid)
    warning = next(line for line in json_lines(capsys.readouterr().err) if line["logger"] == "service.ops.readiness")
    assert warning["level"] == "WARNING" and warning["request_id"] == rid
    assert "OperationalError" in warning["exc"]


@pytest.mark.parametrize("supplied", ["has space", "x" * 129, "-leading-dash", 'quote"d', "semi;colon", "ünï"])
def test_an_insane_request_id_is_replaced_by_a_generated_one(client, supplied):
    response = client.get("/healthz", headers={"X-Request-ID": supplied.encode("utf-8").decode("latin-1")})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


@pytest.mark.parametrize("supplied", ["0f8fad5b-d9cb-469f-a165-70867728950e",
                                      "Root=1-67891233-abcdef012345678912345678", "req:42.7_x"])
def test_a_sane_request_id_from_a_proxy_is_kept(client, supplied):
    assert client.get("/healthz", headers={"X-Request-ID": supplied}).headers["X-Request-ID"] == supplied


def test_requests_without_an_id_each_get_a_fresh_one(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(20)}
    assert len(ids) == 20


def test_error_responses_carry_the_request_id_too(client):
    response = client.get("/no/such/page", headers={"X-Request-ID": "lost-123"})
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "lost-123"


def test_text_format_shows_the_request_id(make_app, capsys):
    app = make_app(LOG_FORMAT="text", ACCESS_LOG=True)
    capsys.readouterr()
    app.test_client().get("/healthz", headers={"X-Request-ID": "text-77"})
    line = next(line for line in capsys.readouterr().err.splitlines() if "service.access" in line)
    assert re.fullmatch(r"\S+ \S+ INFO \[service\.access\] \[text-77\] GET /healthz 200", line)


def test_no_access_line_unless_access_log_is_on(make_app, capsys):
    app = make_app(LOG_FORMAT="json")
    capsys.readouterr()
    app.test_client().get("/healthz")
    assert not [line for line in json_lines(capsys.readouterr().err) if line["logger"] == "service.access"]


def test_json_lines_outside_a_request_have_no_id_and_keep_extra_fields():
    record = logging.LogRecord("service.worker", logging.INFO, __file__, 1, "delivered %d", (3,), None)
    record.outbox_id = 17
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "delivered 3" and entry["outbox_id"] == 17 and "request_id" not in entry


@pytest.mark.parametrize("setting", [{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "LOUD"}])
def test_an_unknown_log_format_or_level_refuses_to_start(database_url, setting):
    with pytest.raises(ConfigError):
        create_app(settings_for(database_url, **setting))
