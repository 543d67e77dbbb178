"""What a web worker loads: the migration tooling and the Redis client stay out of it (they cost
about 17 MiB per worker), while the `flask db` commands still work from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from service.ops.readiness import MIGRATIONS, load_scripts

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")


def _env(tmp_path: Path, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "SECRET_KEY": "test",
            "FLASK_APP": "wsgi", **extra}


def test_the_revision_graph_read_from_the_scripts_is_alembics():
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    ours = load_scripts(str(MIGRATIONS))
    assert ours.heads == frozenset(scripts.get_heads())
    assert ours.known == frozenset(rev.revision for rev in scripts.walk_revisions())


def test_a_branch_gives_two_heads_and_a_merge_one(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, down in (("a", None), ("b", "a"), ("c", "a")):
        (versions / f"{name}.py").write_text(f"revision = {name!r}\ndown_revision = {down!r}\n")
    assert load_scripts(str(tmp_path)).heads == {"b", "c"}
    (versions / "m.py").write_text("revision: str = 'm'\ndown_revision = ('b', 'c')\n")
    load_scripts.cache_clear()
    assert load_scripts(str(tmp_path)).heads == {"m"}
    assert load_scripts(str(tmp_path)).known == {"a", "b", "c", "m"}


def test_the_web_app_imports_neither_alembic_nor_redis(tmp_path):
    probe = ("import json, sys; import wsgi; "
             "print(json.dumps({m: m in sys.modules for m in ('alembic', 'flask_migrate', 'mako', 'redis')}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=_env(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "alembic": False, "flask_migrate": False, "mako": False, "redis": False}


@pytest.mark.slow
def test_flask_db_commands_migrate_from_the_command_line(tmp_path):
    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(FLASK), *args], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True,
                              timeout=120)

    assert flask("db", "upgrade").returncode == 0
    current = flask("db", "current")
    assert current.returncode == 0, current.stderr
    head = sorted(load_scripts(str(MIGRATIONS)).heads)[0]
    assert f"{head} (head)" in current.stdout
    assert "upgrade" in flask("db", "--help").stdout
    assert flask("db", "downgrade", "base").returncode == 0
    assert f"{head} (head)" not in flask("db", "current").stdout


def _libraries_loaded_by(module: str, tmp_path: Path, **env: str) -> set[str]:
    """The third-party packages importing `module` loads beside gunicorn's own."""
    probe = ("import json, sys; import gunicorn.app.wsgiapp; before = set(sys.modules); "
             f"import {module}; tops = {{m.split('.')[0] for m in set(sys.modules) - before}}; "
             "print(json.dumps(sorted(t for t in tops if t not in sys.stdlib_module_names)))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**_env(tmp_path), "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
                               **env})
    assert done.returncode == 0, done.stderr
    own = {"service", "wsgi", "stack_floor_app", "gunicorn", "cython_runtime"}
    return set(json.loads(done.stdout.strip().splitlines()[-1])) - own


def test_the_benchmarks_stack_floor_loads_every_library_the_web_worker_does(tmp_path):
    """The stack floor's memory stands for the libraries' share of a worker's: a library the
    service starts to import and the floor does not would make that share look smaller."""
    service = _libraries_loaded_by("wsgi", tmp_path)
    stack = _libraries_loaded_by("stack_floor_app", tmp_path, STACK="service")
    assert "sqlalchemy" in service and "bleach" in service
    assert service == stack
