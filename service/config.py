"""Configuration, read from the environment once (here and nowhere else)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Mapping


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


class Config:
    """Defaults for every setting; `from_env` overlays the environment."""

    SERVICE_ENV = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: a SQLite file in the instance folder
    REDIS_URL: str | None = None
    MAX_CONTENT_LENGTH = 1024 * 1024  # bytes per request
    MAX_BODY_CHARS = 10_000
    EDIT_WINDOW_SECONDS = 15 * 60
    IP_HASH_KEY: str | None = None  # None: derived from SECRET_KEY
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: limits on routes count in each process's memory instead of failing the request
    # (submissions do the same in services/comments/rate_limits.py); back to Redis when it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    CACHE_TTL_SECONDS = 2.0  # how long a process may serve a count or thread without re-reading
    TRUSTED_PROXIES = 0  # reverse proxies in front of the service whose X-Forwarded-For is believed
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HSTS_SECONDS = 0  # >0 sends Strict-Transport-Security (only behind TLS)
    PUBLIC_URL: str | None = None  # the service's own URL, for links in mail and embeds
    SMTP_HOST: str | None = None  # None: no mail is sent (nor queued)
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False
    MAIL_FROM: str | None = None  # None: comments@ the host of PUBLIC_URL
    METRICS_ENABLED = True  # per-request timings and counters for /metrics
    METRICS_TOKEN: str | None = None  # a scraper sending `Authorization: Bearer <token>` may read /metrics
    METRICS_ALLOW = "127.0.0.1,::1"  # addresses or networks that may read /metrics without the token
    PROMETHEUS_MULTIPROC_DIR: str | None = None  # shared by gunicorn workers: /metrics sums them all
    LOG_FORMAT = "text"  # "json" (one object per line) or "text"; production defaults to json
    LOG_LEVEL = "INFO"
    ACCESS_LOG = False  # one line per request from the app (gunicorn writes its own access log)
    WEBHOOK_ALLOW_PRIVATE = False  # True: webhooks may reach loopback and private networks (never metadata)
    SPAM_RETRAIN_EVERY = 50  # the worker retrains the spam model after this many moderator decisions (0: never)
    SPAM_RETRAIN_MIN_SECONDS = 3600  # and at most once in this many seconds
    # A training run learns from the newest this many decisions of each kind (spam, legitimate;
    # 0: all): about 45 s and 400 MiB for the worker at 10,000 of each.
    SPAM_TRAIN_LABELS = 10_000
    DEMO_ENABLED: bool | None = None  # the demo blog at /demo/; None: on in development, off in production
    # How moderators' passwords are hashed (werkzeug's method string). scrypt costs ~0.1 s of CPU
    # per hash on purpose; the tests, which create and log in moderators by the hundred, use a
    # cheaper one. A stored hash names its own method, so either kind verifies.
    PASSWORD_HASH_METHOD = "scrypt"

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    TESTING = False
    WTF_CSRF_TIME_LIMIT = None  # a moderator tab left open all day must still submit

    # flask-smorest / OpenAPI
    API_TITLE = "Comment service"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> dict:
        """Every setting as a plain dict; the one place that reads os.environ."""
        env = os.environ if environ is None else environ
        conf = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        conf["SERVICE_ENV"] = env.get("SERVICE_ENV", cls.SERVICE_ENV)
        conf["SECRET_KEY"] = env.get("SECRET_KEY") or None
        conf["SQLALCHEMY_DATABASE_URI"] = _database_url(env.get("DATABASE_URL"))
        conf["REDIS_URL"] = env.get("REDIS_URL") or None
        conf["MAX_CONTENT_LENGTH"] = _int(env, "MAX_REQUEST_BYTES", cls.MAX_CONTENT_LENGTH)
        conf["MAX_BODY_CHARS"] = _int(env, "MAX_BODY_CHARS", cls.MAX_BODY_CHARS)
        conf["EDIT_WINDOW_SECONDS"] = _int(env, "EDIT_WINDOW_MINUTES", cls.EDIT_WINDOW_SECONDS // 60) * 60
        conf["IP_HASH_KEY"] = env.get("IP_HASH_KEY") or None
        conf["RATELIMIT_ENABLED"] = _bool(env.get("RATELIMIT_ENABLED"), True)
        conf["CACHE_TTL_SECONDS"] = float(env.get("CACHE_TTL_SECONDS") or cls.CACHE_TTL_SECONDS)
        conf["TRUSTED_PROXIES"] = _int(env, "TRUSTED_PROXIES", 0)
        conf["SESSION_COOKIE_SECURE"] = _bool(env.get("SESSION_COOKIE_SECURE"), False)
        conf["REMEMBER_COOKIE_SECURE"] = conf["SESSION_COOKIE_SECURE"]
        conf["HSTS_SECONDS"] = _int(env, "HSTS_SECONDS", 0)
        conf["PUBLIC_URL"] = env.get("PUBLIC_URL") or None
        conf["SMTP_HOST"] = env.get("SMTP_HOST") or None
        conf["SMTP_PORT"] = _int(env, "SMTP_PORT", cls.SMTP_PORT)
        conf["SMTP_USER"] = env.get("SMTP_USER") or None
        conf["SMTP_PASSWORD"] = env.get("SMTP_PASSWORD") or None
        conf["SMTP_STARTTLS"] = _bool(env.get("SMTP_STARTTLS"), False)
        conf["MAIL_FROM"] = env.get("MAIL_FROM") or None
        conf["METRICS_ENABLED"] = _bool(env.get("METRICS_ENABLED"), True)
        conf["METRICS_TOKEN"] = env.get("METRICS_TOKEN") or None
        conf["METRICS_ALLOW"] = env.get("METRICS_ALLOW", cls.METRICS_ALLOW)
        conf["PROMETHEUS_MULTIPROC_DIR"] = env.get("PROMETHEUS_MULTIPROC_DIR") or None
        production = conf["SERVICE_ENV"] == "production"
        conf["LOG_FORMAT"] = (env.get("LOG_FORMAT") or ("json" if production else "text")).strip().lower()
        conf["LOG_LEVEL"] = (env.get("LOG_LEVEL") or cls.LOG_LEVEL).strip().upper()
        conf["ACCESS_LOG"] = _bool(env.get("ACCESS_LOG"), False)
        conf["WEBHOOK_ALLOW_PRIVATE"] = _bool(env.get("WEBHOOK_ALLOW_PRIVATE"), False)
        conf["SPAM_RETRAIN_EVERY"] = _int(env, "SPAM_RETRAIN_EVERY", cls.SPAM_RETRAIN_EVERY)
        conf["SPAM_RETRAIN_MIN_SECONDS"] = _int(env, "SPAM_RETRAIN_MIN_SECONDS", cls.SPAM_RETRAIN_MIN_SECONDS)
        conf["SPAM_TRAIN_LABELS"] = _int(env, "SPAM_TRAIN_LABELS", cls.SPAM_TRAIN_LABELS)
        if conf["SPAM_TRAIN_LABELS"] < 0:
            raise ConfigError(f"SPAM_TRAIN_LABELS must be 0 (all) or more, got {conf['SPAM_TRAIN_LABELS']}")
        conf["DEMO_ENABLED"] = _bool(env.get("DEMO_ENABLED"), not production)
        if conf["REDIS_URL"]:
            conf["RATELIMIT_STORAGE_URI"] = conf["REDIS_URL"]
            # A Redis that hangs must cost a request a second at most, not the worker's timeout.
            conf["RATELIMIT_STORAGE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
        return conf


def _database_url(url: str | None) -> str | None:
    if not url:
        return None
    # Plain postgres:// URLs (as Heroku-style hosts hand them out) mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class TestConfig(Config):
    TESTING = True
    CACHE_TTL_SECONDS = 0.0  # tests that exercise the cache set their own
    SECRET_KEY = "test-secret-key-not-for-production"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def finalize(conf: dict, instance_path: str) -> None:
    """Fill what depends on the instance folder, and refuse unsafe production settings."""
    instance = Path(instance_path)
    if not conf.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        conf["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'comments.db'}"
    if not conf.get("SECRET_KEY"):
        if conf.get("SERVICE_ENV") == "production":
            raise ConfigError("SECRET_KEY must be set when SERVICE_ENV=production")
        conf["SECRET_KEY"] = _local_secret(instance)
    if not conf.get("IP_HASH_KEY"):
        conf["IP_HASH_KEY"] = conf["SECRET_KEY"]
    if conf.get("DEMO_ENABLED") is None:
        conf["DEMO_ENABLED"] = conf.get("SERVICE_ENV") != "production"
    if conf["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serialises writers; a generous busy timeout turns contention into waiting.
        options = dict(conf.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 15})
        options["pool_pre_ping"] = False  # a local file has no connection to lose
        conf["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _local_secret(instance: Path) -> str:
    """A development secret generated once and kept in the instance folder."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race; use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
