"""Production serving: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting below can be overridden on the command line or through gunicorn's own
environment variable (GUNICORN_CMD_ARGS); the few read here from the environment are:

    BIND              where to listen (default 127.0.0.1:8000: behind a reverse proxy on
                      the same host); several addresses separated by spaces or commas, e.g.
                      `127.0.0.1:8000 10.0.0.5:9100` to also answer the metrics scraper on a
                      private interface; a unix socket is `unix:/run/comments.sock`
    WEB_CONCURRENCY   worker processes (default 2 x cores + 1, at most 12)
    LOG_FORMAT        "json" or "text"; unset, json when SERVICE_ENV=production
    PROMETHEUS_MULTIPROC_DIR
                      a directory for the workers' metric files (emptied at start), so that
                      /metrics from any worker reports the sum of all of them

This file deliberately imports nothing from the service: the master process stays free of
application code, so `kill -HUP` starts workers that load the new version.
"""

import json
import logging
import multiprocessing
import os
import shutil
from datetime import datetime, timezone

bind = os.environ.get("BIND", "127.0.0.1:8000").replace(",", " ").split()

# Sync workers: each request holds one worker; the work is short database round trips, and
# a slow client is the reverse proxy's problem (it buffers), not ours.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 12))

# A request that takes longer than this is stuck (no route does more than a few queries);
# the worker is killed and replaced. Graceful shutdown lets in-flight requests finish.
timeout = 30
graceful_timeout = 30
keepalive = 5  # only used by async workers; harmless for sync ones

# A safety net against slow memory growth (worker memory is flat under load, see bench/):
# each worker is replaced after about 100,000 requests, which at full speed is minutes, not
# the second a smaller number would mean; the jitter keeps them from restarting together.
max_requests = 100_000
max_requests_jitter = 10_000

# Preload off: each worker builds its own app after the fork, so no database connection,
# cache or metric file is ever shared between processes, and HUP reloads the code. Costs
# a little memory and start-up time per worker.
preload_app = False

# Forwarded headers are interpreted by the application (werkzeug's ProxyFix, TRUSTED_PROXIES),
# for the address used by rate limits as well as for the scheme; gunicorn believes none.
forwarded_allow_ips = ""

# Access log on stdout, error log on stderr. No client address and no query string: the
# service keeps addresses only as keyed hashes, and query strings may carry tokens.
# %({x-request-id}o)s is the id the application gives every request (and every log line).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%({x-request-id}o)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

ACCESS_FIELDS = {  # gunicorn access atoms kept in a JSON line; never request headers or cookies
    "request_id": "{x-request-id}o", "method": "m", "path": "U", "status": "s", "bytes": "B",
    "duration_ms": "M", "user_agent": "a",
}


class JsonFormatter(logging.Formatter):
    """gunicorn's own lines (errors, access) in the same shape as the application's."""

    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            entry["message"] = "%s %s %s" % (atoms.get("m"), atoms.get("U"), atoms.get("s"))
            entry.update({name: atoms.get(atom) for name, atom in ACCESS_FIELDS.items()
                          if atoms.get(atom) not in (None, "-")})
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _log_format():
    chosen = (os.environ.get("LOG_FORMAT") or "").strip().lower()
    if chosen:
        return chosen
    return "json" if os.environ.get("SERVICE_ENV") == "production" else "text"


if _log_format() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        # The application puts its own handler on the root logger in each worker.
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "formatters": {"json": {"()": JsonFormatter}},
    }


def on_starting(server):
    """Metric files left by an earlier run would be summed with this one's: start empty. And a
    production start with several workers but no REDIS_URL is told that its limits multiply."""
    if (os.environ.get("SERVICE_ENV") == "production" and not os.environ.get("REDIS_URL")
            and server.cfg.workers > 1):
        server.log.warning(
            "REDIS_URL is not set and %s workers serve: each worker counts rate limits alone, so every "
            "limit is multiplied by the number of workers (and of hosts). Set REDIS_URL.", server.cfg.workers)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)


def child_exit(server, worker):
    """A dead worker's live gauges must not be reported any more."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
