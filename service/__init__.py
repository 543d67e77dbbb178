"""The comment service: `create_app` assembles configuration, extensions, blueprints and
error handlers, and does nothing else."""

from __future__ import annotations

import sys
from typing import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import auth, avatars, cli, demo, embed, feeds, headers, moderation_queue, ops, routing
from service import logging as service_logging
from service.api import init_api
from service.config import Config, finalize
from service.errors import register_error_handlers
from service.extensions import db, limiter
from service.hot_reads import HotReads
from service import notifications
from service.services.comments import read_cache


def create_app(config: Mapping | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    settings = Config.from_env()
    settings.update(config or {})
    finalize(settings, app.instance_path)
    app.config.from_mapping(settings)
    service_logging.init_app(app)  # first: every later hook and log line has the request id
    routing.init_app(app)  # before any blueprint: rules take their converters when added

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    db.init_app(app)
    _bind_migrations(app)
    limiter.init_app(app)
    read_cache.init_app(app)
    ops.init_app(app)
    auth.init_app(app)
    init_api(app)
    headers.init_app(app)
    register_error_handlers(app)
    cli.init_app(app)
    embed.init_app(app)
    avatars.init_app(app)
    feeds.init_app(app)
    demo.init_app(app)
    notifications.init_app(app)
    moderation_queue.init_app(app)  # after the other blueprints: it exempts the JSON ones from form CSRF
    app.wsgi_app = HotReads(app, app.wsgi_app)  # outermost: answers cached reads before Flask's machinery
    return app


def _bind_migrations(app: Flask) -> None:
    """Flask-Migrate only where it is already imported: see service/cli/db.py."""
    if "flask_migrate" in sys.modules:
        from service.cli import db as migrations

        migrations.bind(app)
