"""`demo setup` gives `make run` a moderator to log in with, and the `comments` console script
runs the same commands as `flask --app wsgi ...` from any directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import sqlalchemy as sa

from service.extensions import db
from service.models import Moderator, Site

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = re.compile(r"^\s*email: (\S+)\n\s*password: (\S+)$", re.MULTILINE)


def _credentials(output: str) -> tuple[str, str]:
    found = CREDENTIALS.search(output)
    assert found, output
    return found.group(1), found.group(2)


def test_demo_setup_prints_an_administrator_who_can_log_in(app, runner):
    result = runner.invoke(args=["demo", "setup", "--url", "http://127.0.0.1:5000"])
    assert result.exit_code == 0, result.output
    email, password = _credentials(result.output)
    assert email == "demo@example.org"
    # The two lines sit with the queue link, which is where they are needed.
    assert re.search(r"Moderator queue:\s+http://127.0.0.1:5000/moderate/\n\s+email: ", result.output)
    moderator = db.session.execute(sa.select(Moderator)).scalar_one()
    assert moderator.is_admin and moderator.active
    client = app.test_client()
    login = client.post("/moderate/login", data={"email": email, "password": password})
    assert login.status_code == 302
    assert client.get("/moderate/").status_code == 200


def test_demo_setup_run_again_prints_the_same_password_and_creates_nothing(runner):
    first = _credentials(runner.invoke(args=["demo", "setup"]).output)
    again = runner.invoke(args=["demo", "setup"])
    assert again.exit_code == 0 and "Created" not in again.output
    assert _credentials(again.output) == first
    assert db.session.execute(sa.select(sa.func.count()).select_from(Moderator)).scalar_one() == 1


def test_demo_setup_does_not_print_a_password_that_was_changed(runner):
    from service.services.administration.moderators import get_moderator_by_email, set_password

    runner.invoke(args=["demo", "setup"])
    set_password(get_moderator_by_email("demo@example.org").id, "my own passphrase")
    output = runner.invoke(args=["demo", "setup"]).output
    assert "password: (changed since it was created" in output


def test_demo_setup_refuses_in_production_and_creates_no_account(make_app):
    app = make_app(SERVICE_ENV="production", DEMO_ENABLED=False)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "setup"])
        assert result.exit_code == 1 and "The demo is for development" in result.output
        assert "password" not in result.output
        assert db.session.execute(sa.select(sa.func.count()).select_from(Moderator)).scalar_one() == 0
        assert db.session.execute(sa.select(sa.func.count()).select_from(Site)).scalar_one() == 0
        db.session.remove()


def _script_target() -> str:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    return scripts["comments"]


def _comments(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run what the installed `comments` script runs: the function pyproject names."""
    module, function = _script_target().split(":")
    code = f"import sys; sys.argv = ['comments', *sys.argv[1:]]; from {module} import {function}; {function}()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_comments_console_script_runs_the_readme_commands_from_another_directory(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
           "SECRET_KEY": "console-script-test-key"}
    env.pop("FLASK_APP", None)
    assert _script_target() == "service.cli:main"
    steps = [
        (["db", "upgrade"], ""),
        (["demo", "setup"], "email: demo@example.org"),
        (["sites", "create", "myblog", "--name", "My blog", "--origin", "https://blog.example.com",
          "--moderation", "post"], "Created site 'myblog' (My blog), moderation post."),
        (["sites", "list"], "myblog\tMy blog\tpost\thttps://blog.example.com"),
        (["moderators", "create", "bob@example.com", "--site", "myblog", "--password", "a long passphrase"],
         "Created bob@example.com (moderator of myblog)."),
    ]
    for args, expected in steps:
        done = _comments(args, tmp_path, env)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert expected in done.stdout, (args, done.stdout)
    # A mistake is a clear message and a non-zero exit, as with flask --app wsgi.
    bad = _comments(["sites", "create", "Not A Slug"], tmp_path, env)
    assert bad.returncode == 1 and "lowercase letters, digits and dashes" in bad.stderr
