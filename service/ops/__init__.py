"""Operations: liveness and readiness probes, Prometheus metrics and their per-request timing."""

from __future__ import annotations

from flask import Flask

from service.config import ConfigError
from service.ops import metrics, readiness
from service.ops.views import allowed_networks, bp


def init_app(app: Flask) -> None:
    try:
        app.extensions["service_metrics_allow"] = allowed_networks(app.config["METRICS_ALLOW"] or "")
    except ValueError as exc:
        raise ConfigError(f"METRICS_ALLOW: {exc}") from None
    readiness.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(bp)
