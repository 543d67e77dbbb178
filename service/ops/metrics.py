"""Prometheus metrics: requests and their latency by endpoint, submissions by decision, and the
size of each site's moderation queue.

Requests are labelled by the Flask endpoint name, a known method and the status class, never by
the raw path or method a client sent, so no caller can grow the number of series. The per-request
cost is one dictionary lookup and one histogram observation (a few microseconds).

Under gunicorn each worker counts in its own memory; with PROMETHEUS_MULTIPROC_DIR in the
environment (set before the workers start) prometheus_client keeps the values in files in that
directory, and a scrape of any worker sums them all.
"""

from __future__ import annotations

import logging
import os
import time

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.process_collector import ProcessCollector

from service.config import ConfigError
from service.extensions import db
from service.logging import STARTED_KEY
from service.models import Article, Site

log = logging.getLogger(__name__)

EXTENSION = "service_metrics"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATUS_CLASSES = {1: "1xx", 2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}
DECISIONS = ("approved", "pending", "rejected", "spam")
UNMATCHED = "unmatched"  # no route: 404 and 405 answered by routing


class QueueCollector:
    """Pending comments per site, summed from the stored article counters at scrape time."""

    NAME = "comment_service_queue_pending"
    HELP = "Comments awaiting moderation, per site."
    QUERY = (sa.select(Site.slug, sa.func.coalesce(sa.func.sum(Article.pending_count), 0))
             .select_from(Site).outerjoin(Article, Article.site_id == Site.id)
             .group_by(Site.id, Site.slug).order_by(Site.slug))

    def describe(self):
        return [GaugeMetricFamily(self.NAME, self.HELP, labels=["site"])]

    def collect(self):
        family = GaugeMetricFamily(self.NAME, self.HELP, labels=["site"])
        try:
            rows = db.session.execute(self.QUERY).all()
        except sa.exc.SQLAlchemyError as exc:  # the rest of the scrape is still worth having
            db.session.rollback()
            log.warning("queue sizes unavailable for /metrics: %s", type(exc).__name__)
            rows = []
        for slug, pending in rows:
            family.add_metric([slug], float(pending))
        yield family


class RedisCollector:
    """Whether the shared store (REDIS_URL) answers, asked at scrape time; nothing without one.
    While it is 0 every process counts rate limits in its own memory (see rate_limits.py)."""

    NAME = "comment_service_redis_up"
    HELP = "1 when Redis (REDIS_URL) answers, 0 while rate limits fall back to each process's memory."

    def describe(self):
        return [GaugeMetricFamily(self.NAME, self.HELP)]

    def collect(self):
        if not current_app.config.get("REDIS_URL"):
            return
        from service.ops.readiness import redis_answers

        yield GaugeMetricFamily(self.NAME, self.HELP, value=1.0 if redis_answers() else 0.0)


class Metrics:
    """One app's metric objects (each app has its own registry, so tests start from zero)."""

    def __init__(self, multiprocess_dir: str | None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "comment_service_http_request_duration_seconds",
            "Time from the request reaching the app to its response; _count is the number of requests.",
            ["endpoint", "method", "status"], buckets=BUCKETS, registry=self.registry)
        self.submissions = Counter(
            "comment_service_submissions", "Stored comment submissions, by the rules' decision.",
            ["decision"], registry=self.registry)
        for decision in DECISIONS:  # every series present from the start, at zero
            self.submissions.labels(decision)
        self.memory_limit_checks = Counter(
            "comment_service_rate_limit_memory_checks",
            "Submissions whose rate limits were counted in this process's memory because Redis did not answer.",
            registry=self.registry)
        self.registry.register(QueueCollector())
        self.registry.register(RedisCollector())
        if not multiprocess_dir:
            ProcessCollector(registry=self.registry)  # memory and CPU of this one process
        self._series: dict[tuple[str, str, str], object] = {}

    def observe(self, endpoint: str, method: str, status: str, seconds: float) -> None:
        key = (endpoint, method, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = self.requests.labels(*key)
        series.observe(seconds)

    def exposition(self) -> bytes:
        """The text format of every metric: this process's, or all workers' in multiprocess mode."""
        if not self.multiprocess_dir:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess_dir)
        registry.register(QueueCollector())
        registry.register(RedisCollector())
        return generate_latest(registry)


def count_submission(status: str) -> None:
    """Count one stored submission by its decision (a no-op when metrics are off)."""
    metrics = current_app.extensions.get(EXTENSION)
    if metrics is not None:
        metrics.submissions.labels(status).inc()


def count_memory_limit_check() -> None:
    metrics = current_app.extensions.get(EXTENSION)
    if metrics is not None:
        metrics.memory_limit_checks.inc()


def _check_multiprocess(directory: str | None) -> None:
    if not directory:
        return
    if not os.path.isdir(directory):
        raise ConfigError(f"PROMETHEUS_MULTIPROC_DIR={directory!r} is not a directory")
    if values.ValueClass is values.MutexValue:
        raise ConfigError("PROMETHEUS_MULTIPROC_DIR must be in the environment before the service starts "
                          "(prometheus_client reads it once, at import)")


def init_app(app: Flask) -> Metrics | None:
    """Time every request; a no-op when METRICS_ENABLED is off."""
    if not app.config["METRICS_ENABLED"]:
        return None
    _check_multiprocess(app.config["PROMETHEUS_MULTIPROC_DIR"])
    metrics = Metrics(app.config["PROMETHEUS_MULTIPROC_DIR"])
    app.extensions[EXTENSION] = metrics
    observe = metrics.observe
    perf_counter = time.perf_counter

    def observe_request(response: Response) -> Response:
        req = request._get_current_object()  # one context lookup instead of three
        started = req.environ.get(STARTED_KEY)
        if started is not None:
            rule = req.url_rule
            method = req.method
            observe(rule.endpoint if rule is not None else UNMATCHED,
                    method if method in METHODS else "other",
                    STATUS_CLASSES.get(response.status_code // 100, "other"),
                    perf_counter() - started)
        return response

    app.after_request(observe_request)
    return metrics
