"""What the logs keep out: terminal colour codes (werkzeug's development server colours its
request lines) and Alembic's "setup plugin" chatter on every migration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
from werkzeug.serving import make_server

from tests.servers import Serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_development_server_request_lines_carry_no_ansi_colour_codes(make_app, capfd, fmt):
    app = make_app(LOG_FORMAT=fmt)
    with Serving(make_server("127.0.0.1", 0, app, threaded=True)) as server:
        with pytest.raises(HTTPError):  # a 404: werkzeug colours it yellow on a terminal
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/no-such-page", timeout=10)
    err = capfd.readouterr().err
    assert "GET /no-such-page" in err
    line = next(line for line in err.splitlines() if "GET /no-such-page" in line)
    if fmt == "json":
        entry = json.loads(line)
        assert entry["logger"] == "werkzeug"
        line = entry["message"]
    assert "\x1b" not in line


def test_migrations_log_no_setup_plugin_lines(tmp_path):
    """Alembic logs them when its modules are imported, so this takes a fresh process, as
    `make run` and a deployment's `db upgrade` are."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
           "SECRET_KEY": "log-noise-test-key"}
    code = "import sys; sys.argv = ['comments', 'db', 'upgrade']; from service.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Running upgrade" in done.stderr  # the migrations themselves still say what they do
    assert "setup plugin" not in done.stderr
