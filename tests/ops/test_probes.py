"""/healthz (the process answers) and /readyz (the database answers and its schema is at head)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from service import create_app
from service.extensions import db
from service.ops.readiness import load_scripts
from tests.conftest import settings_for
from tests.statements import statements_of

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
HEAD = sorted(load_scripts(str(Path(__file__).parents[2] / "migrations")).heads)


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own throwaway SQLite file (whatever database the suite runs on)."""
    apps = []

    def factory(name: str = "probe.db", **overrides):
        app = create_app(settings_for(f"sqlite:///{tmp_path / name}", **overrides))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_healthz_answers_ok_without_touching_the_database(app, client):
    responses = []
    statements = statements_of(lambda: responses.append(client.get("/healthz")))
    response = responses[0]
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert statements == []


def test_healthz_answers_even_when_the_database_is_unreachable(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"))
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_200_when_the_schema_is_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "reason": "The database answers and its schema is at head.",
                             "database_revision": HEAD, "expected_revision": HEAD}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_when_the_database_is_one_migration_behind(sqlite_app):
    app = sqlite_app()
    with app.app_context():
        upgrade()
        downgrade(revision="-1")
        behind = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.remove()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "reason": "The database schema is behind this code: run `flask --app wsgi db upgrade`.",
        "database_revision": [behind], "expected_revision": HEAD,
    }
    assert behind not in HEAD
    with app.app_context():
        upgrade()
    assert app.test_client().get("/readyz").status_code == 200


def test_readyz_is_503_when_the_database_was_never_migrated(sqlite_app):
    response = sqlite_app().test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "The database has no schema yet: run `flask --app wsgi db upgrade`."
    assert response.json["database_revision"] == []


def test_readyz_stays_200_when_a_newer_version_migrated_the_database(sqlite_app):
    """An upgrade migrates before the old processes are replaced; they must not all turn unready."""
    app = sqlite_app()
    with app.app_context():
        upgrade()
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        db.session.commit()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json["reason"].startswith("The database is at a newer revision than this code")
    assert response.json["database_revision"] == ["9999"]


def test_readyz_is_503_when_the_sqlite_file_cannot_be_opened(tmp_path):
    app = create_app(settings_for(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": "The database does not answer.",
                             "error": "OperationalError"}


def test_readyz_is_503_when_postgresql_refuses_and_says_nothing_of_the_url():
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    app = create_app(settings_for("postgresql+psycopg://comments:hunter2-secret@127.0.0.1:1/comments"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == "The database does not answer."
    body = response.get_data(as_text=True)
    assert "hunter2" not in body and "127.0.0.1" not in body


@pytest.mark.parametrize("rate_limits", [False, True])
def test_readyz_stays_200_and_says_redis_is_degraded_when_it_does_not_answer(make_app, rate_limits):
    # Every host would fail at once: limits fall back to each process's memory instead.
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                   RATELIMIT_ENABLED=rate_limits)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready" and response.json["redis"] == "degraded"
    assert response.json["reason"].endswith("Redis (REDIS_URL, the shared rate-limit store) does not answer: "
                                            "each process counts rate limits alone until it does.")


def test_readyz_is_200_when_the_configured_redis_answers(make_app):
    app = make_app(REDIS_URL=TEST_REDIS_URL, RATELIMIT_STORAGE_URI=TEST_REDIS_URL)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json

