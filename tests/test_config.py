"""Configuration from the environment, and the start-up refusals."""

import sqlite3

import pytest

from service import create_app
from service.config import Config, ConfigError, finalize


def test_environment_is_read_into_settings():
    conf = Config.from_env({
        "DATABASE_URL": "postgres://u@db/comments", "REDIS_URL": "redis://r:6379/0", "MAX_REQUEST_BYTES": "2048",
        "MAX_BODY_CHARS": "500", "EDIT_WINDOW_MINUTES": "5", "RATELIMIT_ENABLED": "false", "TRUSTED_PROXIES": "1",
    })
    assert conf["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/comments"
    assert conf["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    assert (conf["MAX_CONTENT_LENGTH"], conf["MAX_BODY_CHARS"], conf["EDIT_WINDOW_SECONDS"]) == (2048, 500, 300)
    assert conf["RATELIMIT_ENABLED"] is False and conf["TRUSTED_PROXIES"] == 1


def test_defaults_are_a_1mb_request_10000_character_body_and_15_minute_window():
    conf = Config.from_env({})
    assert (conf["MAX_CONTENT_LENGTH"], conf["MAX_BODY_CHARS"], conf["EDIT_WINDOW_SECONDS"]) == (
        1024 * 1024, 10_000, 900)


def test_a_number_setting_that_is_not_a_number_is_refused():
    with pytest.raises(ConfigError, match="MAX_BODY_CHARS must be an integer"):
        Config.from_env({"MAX_BODY_CHARS": "lots"})


def test_spam_training_takes_the_newest_10000_decisions_of_each_kind_unless_told():
    assert Config.from_env({})["SPAM_TRAIN_LABELS"] == 10_000
    assert Config.from_env({"SPAM_TRAIN_LABELS": "0"})["SPAM_TRAIN_LABELS"] == 0  # all of them
    with pytest.raises(ConfigError, match="SPAM_TRAIN_LABELS must be 0"):
        Config.from_env({"SPAM_TRAIN_LABELS": "-1"})


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    conf = Config.from_env({"SERVICE_ENV": "production"})
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        finalize(conf, str(tmp_path))


def test_local_run_generates_a_secret_once_and_keeps_it(tmp_path):
    first, second = Config.from_env({}), Config.from_env({})
    finalize(first, str(tmp_path))
    finalize(second, str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_the_instance_folder_with_wal_and_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    conf = Config.from_env({})
    finalize(conf, str(tmp_path))
    assert conf["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'comments.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": conf["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "k"})
    from service.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert raw.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        db.engine.dispose()
