"""Probes and metrics for the platform that runs the service: /healthz, /readyz, /metrics."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, current_app, jsonify, request

from service.errors import Forbidden, NotFound
from service.net import client_ip
from service.ops import readiness
from service.ops.metrics import CONTENT_TYPE, EXTENSION

bp = Blueprint("ops", __name__)

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    """The process is up and answering; touches nothing else (a liveness probe)."""
    return jsonify(status="ok"), 200, NO_STORE


@bp.get("/readyz")
def readyz():
    """The database answers and its schema is at the code's head (a readiness probe)."""
    verdict = readiness.check()
    return jsonify(verdict.payload()), 200 if verdict.ready else 503, NO_STORE


@bp.get("/metrics")
def metrics():
    """Prometheus text format, for a scraper holding the token or calling from an allowed address."""
    collected = current_app.extensions.get(EXTENSION)
    if collected is None:
        raise NotFound("Metrics are turned off (METRICS_ENABLED=false).")
    if not scrape_allowed():
        raise Forbidden("Metrics need `Authorization: Bearer <METRICS_TOKEN>` or a caller in METRICS_ALLOW.")
    return Response(collected.exposition(), headers={"Content-Type": CONTENT_TYPE, **NO_STORE})


def scrape_allowed() -> bool:
    config = current_app.config
    token = config["METRICS_TOKEN"]
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(supplied.strip().encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers and not config["TRUSTED_PROXIES"]:
        # Forwarded by a proxy nobody declared: the peer address is the proxy's, not the caller's.
        return False
    try:
        address = ipaddress.ip_address(client_ip())
    except ValueError:
        return False
    return any(address in network for network in current_app.extensions["service_metrics_allow"])


def allowed_networks(setting: str) -> tuple:
    """METRICS_ALLOW: comma-separated addresses or networks (`127.0.0.1, 10.0.0.0/8`)."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in setting.split(",") if item.strip())
