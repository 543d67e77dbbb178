"""The two-host check: two gunicorn instances (2 sync workers each, as two machines would run
them) on one PostgreSQL database and one Redis, each with its own per-process caches. Four
checks, each printed with what was measured:

1. a webhook deleted through one host while both take comments: failed submissions (want 0);
2. Redis stopped: what submissions answer (want 201/202) and what /readyz says (want 200 with
   Redis degraded), on both hosts; then Redis started again and the limits back in it;
3. a block made through one host: how long until the other refuses the blocked address
   (want under 100 ms), several times over;
4. an outbox worker killed with SIGKILL mid-batch: how long until every message is delivered
   by a second worker (want under 60 s).

Everything listens on loopback; every loop is bounded. The Redis is a redis-server of the
script's own, started and stopped by its pid on a free port, so a shared Redis is never touched.
The database is emptied (DROP SCHEMA public) and migrated first: give it one of its own.

    python bench/two_hosts.py --database postgresql://postgres@127.0.0.1:5432/two_hosts
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
SECRET_KEY = "two-hosts-check"
IP_HASH_KEY = "two-hosts-ip-key"
# Loose limits: the load comes from one loopback address, and the limits are not what is measured.
POLICY = {"mode": "post", "rate_per_minute": 10_000, "rate_per_hour": 100_000, "repeat_window_minutes": 0,
          "min_fill_seconds": 0, "hold_shouting": False}
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(method: str, url: str, payload=None, headers: dict | None = None, timeout: float = 30.0):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with _opener.open(req, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        return None, {"error": repr(exc)}
    try:
        return status, json.loads(body) if body else None
    except ValueError:
        return status, {"raw": body[:300].decode("utf-8", "replace")}


def post(base: str, body: str, email: str | None = None, article: str = "two-hosts"):
    payload = {"article": article, "author": "Load", "body": body}
    if email:
        payload["email"] = email
    return call("POST", f"{base}/api/v1/sites/blog/comments", payload)


class OwnRedis:
    def __init__(self, directory: Path) -> None:
        self.port = harness.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class Host:
    """One gunicorn instance: its own master, its own workers, its own caches."""

    def __init__(self, name: str, env: dict, logs: Path, workers: int = 2) -> None:
        self.name, self.env, self.logs, self.workers = name, env, logs, workers
        self.port = harness.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.env.get("PROMETHEUS_MULTIPROC_DIR"):
            os.makedirs(self.env["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        log = open(self.logs / f"{self.name}.log", "ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", str(self.workers), "-k", "sync",
             "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.logs / (self.name + '.log')}")
            if call("GET", f"{self.base}/readyz", timeout=2)[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not become ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Receiver:
    """A webhook receiver that takes DELAY seconds per call and records each delivery id."""

    DELAY = 0.3

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.calls.append(self.headers.get("X-Comments-Delivery", ""))
                time.sleep(receiver.DELAY)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def prepare_database(url: str) -> str:
    """Empty and migrate the database; a `blog` site and an administrator's token."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from service import create_app
    from service.extensions import db
    from service.models import Site
    from service.services.administration import tokens

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "SECRET_KEY": SECRET_KEY, "IP_HASH_KEY": IP_HASH_KEY})
    with app.app_context():
        upgrade()
        db.session.add(Site(slug="blog", name="Blog", origins=[], policy=POLICY, settings={}))
        db.session.commit()
        _, token = tokens.create_token("two-hosts", is_admin=True)
        db.session.remove()
        db.engine.dispose()
    return token


def outbox_state(url: str, webhook_id: int) -> Counter:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, COUNT(*) FROM outbox_message WHERE webhook_id = :hook "
                                    "GROUP BY status"), {"hook": webhook_id}).all()
    engine.dispose()
    return Counter(dict(rows))


def load(hosts: list[Host], threads: int, posts: int, prefix: str) -> list:
    def client(number: int) -> list:
        base = hosts[number % len(hosts)].base
        return [post(base, f"{prefix} {number}-{i} {uuid.uuid4().hex}")[0] for i in range(posts)]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [status for statuses in pool.map(client, range(threads)) for status in statuses]


def check_webhook_delete(hosts: list[Host], admin: dict, rounds: int, receiver: Receiver) -> dict:
    """Comments flow through both hosts while a webhook is added through one and deleted
    through the other, `rounds` times."""
    statuses: Counter = Counter()
    for _ in range(rounds):
        made = call("POST", f"{hosts[0].base}/api/v1/moderation/sites/blog/webhooks", {"url": receiver.url}, admin)[1]
        stop = threading.Event()
        results: list = []

        def run() -> None:
            while not stop.is_set() and len(results) < 400:
                results.extend(load(hosts, 4, 5, "webhook race"))

        loader = threading.Thread(target=run)
        loader.start()
        time.sleep(0.5)
        deleted = call("DELETE", f"{hosts[1].base}/api/v1/moderation/sites/blog/webhooks/{made['id']}", None, admin)[0]
        time.sleep(0.5)
        stop.set()
        loader.join()
        assert deleted == 204, deleted
        statuses.update(results)
    failed = sum(n for status, n in statuses.items() if status not in (201, 202))
    return {"submissions": sum(statuses.values()), "failed": failed, "statuses": dict(statuses)}


def check_redis_outage(hosts: list[Host], redis_server: OwnRedis) -> dict:
    redis_server.stop()
    try:
        statuses = Counter(load(hosts, 4, 10, "redis down"))
        ready = [call("GET", f"{h.base}/readyz") for h in hosts]
        metrics = [call_text(f"{h.base}/metrics") for h in hosts]
    finally:
        redis_server.start()
    time.sleep(6)  # RECHECK_SECONDS: each worker looks at Redis again on its next submission
    after = Counter(load(hosts, 4, 5, "redis back"))
    ready_after = [call("GET", f"{h.base}/readyz")[1].get("redis") for h in hosts]
    return {"submissions_while_down": dict(statuses),
            "readyz_while_down": [(status, body.get("status"), body.get("redis")) for status, body in ready],
            "redis_up_metric_while_down": [_metric(text, "comment_service_redis_up") for text in metrics],
            "memory_checks_metric": [_metric(text, "comment_service_rate_limit_memory_checks_total") for text in metrics],
            "submissions_after": dict(after), "readyz_redis_after": ready_after}


def call_text(url: str) -> str:
    try:
        with _opener.open(url, timeout=10) as response:
            return response.read().decode()
    except OSError as exc:
        return repr(exc)


def _metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def check_block(hosts: list[Host], admin: dict, rounds: int) -> dict:
    """Block an address through the first host, then post with it through the second at once.
    `started_ms`: from the block's answer to the start of the first post the second host refused
    (the block was in force for every request begun later); `answered_ms`: that post's own time."""
    started, answered, accepted_after_block = [], [], 0
    for number in range(rounds):
        email = f"blocked-{number}-{uuid.uuid4().hex[:6]}@example.org"
        before = post(hosts[1].base, f"Before block {number}.", email)
        assert before[0] == 201, before
        made = call("POST", f"{hosts[0].base}/api/v1/moderation/sites/blog/blocks",
                    {"kind": "email", "value": email}, admin)
        blocked_at = time.perf_counter()
        assert made[0] == 201, made
        for attempt in range(50):
            sent = time.perf_counter()
            status, _ = post(hosts[1].base, f"After the block, try {attempt}.", email)
            if status == 403:
                started.append((sent - blocked_at) * 1000)
                answered.append((time.perf_counter() - sent) * 1000)
                break
            accepted_after_block += 1
        else:
            started.append(float("inf"))

    def median(values: list) -> float:
        return round(sorted(values)[len(values) // 2], 1)

    return {"rounds": rounds, "posts_accepted_after_block": accepted_after_block,
            "started_ms_max": round(max(started), 2), "answered_ms_median": median(answered),
            "answered_ms_max": round(max(answered), 1)}


def check_worker_kill(hosts: list[Host], admin: dict, env: dict, url: str, logs: Path, messages: int,
                      receiver: Receiver) -> dict:
    """Comments queue `messages` webhook calls; a worker is killed with SIGKILL after its second
    call (mid-batch) and a second worker started at once: the time until none is pending."""
    receiver.calls.clear()
    made = call("POST", f"{hosts[0].base}/api/v1/moderation/sites/blog/webhooks",
                {"url": receiver.url, "events": ["comment.created"]}, admin)
    assert made[0] == 201, made
    hook = made[1]["id"]
    load(hosts, 4, messages // 4, "outbox")
    queued = outbox_state(url, hook)
    command = [str(BIN / "flask"), "--app", "wsgi", "worker", "--poll", "1"]
    with open(logs / "worker.log", "ab") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        for _ in range(600):
            if len(receiver.calls) >= 2:
                break
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed = time.monotonic()
        delivered_before_kill = len(set(receiver.calls))
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        done_after = None
        try:
            while time.monotonic() - killed < 120:
                if not outbox_state(url, hook).get("pending"):
                    done_after = time.monotonic() - killed
                    break
                time.sleep(0.5)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    final = outbox_state(url, hook)
    repeated = sum(1 for n in Counter(receiver.calls).values() if n > 1)
    return {"messages": sum(queued.values()), "delivered_before_kill": delivered_before_kill,
            "seconds_from_kill_to_all_delivered": None if done_after is None else round(done_after, 1),
            "final": dict(final), "deliveries_repeated_with_same_id": repeated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="a PostgreSQL URL; the database is emptied")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="two-hosts-"))
    redis_server = OwnRedis(work)
    redis_server.start()
    hosts: list[Host] = []
    receiver = Receiver()
    try:
        token = prepare_database(args.database)
        admin = {"Authorization": f"Bearer {token}"}
        env = {**os.environ, "DATABASE_URL": args.database, "REDIS_URL": redis_server.url, "SECRET_KEY": SECRET_KEY,
               "IP_HASH_KEY": IP_HASH_KEY, "LOG_LEVEL": "WARNING", "WEBHOOK_ALLOW_PRIVATE": "true",
               "METRICS_ALLOW": "127.0.0.1"}
        for name in ("PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "BIND", "SMTP_HOST"):
            env.pop(name, None)
        # Each host's workers share a metrics directory, so /metrics on a host sums its workers.
        hosts = [Host(name, {**env, "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{name}")}, work)
                 for name in ("host-a", "host-b")]
        for host in hosts:
            host.start()
        results = {
            "webhook_delete_under_load": check_webhook_delete(hosts, admin, args.rounds, receiver),
            "redis_outage": check_redis_outage(hosts, redis_server),
            "block_across_hosts": check_block(hosts, admin, args.rounds * 4),
            "outbox_worker_killed": check_worker_kill(hosts, admin, env, args.database, work, args.messages, receiver),
        }
        print(json.dumps(results, indent=2))
        print(f"Logs: {work}")
    finally:
        for host in hosts:
            host.stop()
        redis_server.stop()
        receiver.close()


if __name__ == "__main__":
    main()
