"""`make bench`: the service under gunicorn against the bare-Flask floor, in interleaved rounds.

Seeds a small and a large (1M comments) database once (kept in BENCH_CACHE, keyed by the
migrations and the seeder), then for each round restores them, starts the floor, the two
stack floors (memory references: bench/stack_floor_app.py) and the service on both databases
under the same gunicorn settings, runs every scenario with wrk (smoke check, warm-up, 16
connections, 1 connection), reads worker RSS, and stops every server
by PID. Prints one markdown table of medians and per-round ratios; the raw output goes to
/tmp/bench-results-<stamp>/. Knobs: see bench/README.md or `--help`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import databases  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402
import spam_cost  # noqa: E402
from databases import BIN, MODERATOR, ORIGIN, ROOT, env_for  # noqa: E402

BATCH_PATH = "/api/v1/sites/bench/counts?" + "&".join(f"article=/post/{i}" for i in range(1, 51))
POST_BODY = ('{"article": "/post/{n}", "author": "Bench reader {n}", "email": "bench{n}@example.org", '
             '"body": "Load test comment {u}. I tried the approach from this article on my own blog '
             'and it *worked* well; thanks for writing it up."}')


@dataclass(frozen=True)
class Scenario:
    key: str
    server: str  # floor | small | large
    path: str
    expect: str  # regular expression the smoke response must match
    target: float | None = None  # ratio to the floor
    method: str = "GET"
    body: str = ""
    origin: bool = False
    rotate: int = 50
    login: bool = False
    status: int | None = None  # exact status the smoke check wants

    def headers(self, cookie: str | None) -> dict:
        h = {}
        if self.origin:
            h["Origin"] = ORIGIN
        if self.body:
            h["Content-Type"] = "application/json"
        if self.login and cookie:
            h["Cookie"] = cookie
            h["User-Agent"] = harness.MODERATOR_USER_AGENT
        return h


def scenarios(large_rotate: int) -> list[Scenario]:
    small = [
        Scenario("floor", "floor", "/bare", r'"/post/1"', rotate=1),
        Scenario("count1", "small", "/api/v1/sites/bench/counts?article=/post/{n}", r'"/post/1"\s*:\s*20', 0.6,
                 origin=True),
        Scenario("count50", "small", BATCH_PATH, r'"/post/50"\s*:\s*20', 0.5, origin=True, rotate=1),
        Scenario("thread", "small", "/api/v1/sites/bench/comments?article=/post/{n}", "Stored counters fixed it",
                 0.4, origin=True),
        Scenario("embed", "small", "/embed/bench?article=/post/{n}", "Stored counters fixed it", 0.3),
        Scenario("queue", "small", "/moderate/?tab=pending", r"Reader \d+", 0.1, rotate=1, login=True),
        Scenario("post", "small", "/api/v1/sites/bench/comments", '"approved"', 0.1, method="POST",
                 body=POST_BODY, origin=True, status=201),
    ]
    large = [Scenario("L:" + s.key, "large", s.path, s.expect, None, origin=s.origin,
                      rotate=large_rotate if s.rotate > 1 else 1)
             for s in small if s.key in ("count1", "count50", "thread", "embed")]
    if large_rotate > 50:  # beyond /post/50 threads differ in size; only check that it answers
        large = [Scenario(s.key, s.server, s.path, ".", None, origin=s.origin, rotate=s.rotate) for s in large]
    return small + large


def interleave(chosen: list[str], round_no: int) -> list[str]:
    """Small and large variants of a scenario run back to back; even rounds run in reverse;
    post runs last because it grows the database."""
    order = [k for base in ("floor", "count1", "count50", "thread", "embed", "queue")
             for k in (base, "L:" + base) if k in chosen]
    if round_no % 2 == 0:
        order.reverse()
    return order + (["post"] if "post" in chosen else [])


# ---------------------------------------------------------------- rounds

# Memory references beside the floor (bench/stack_floor_app.py): the floor's endpoint in a worker
# that has imported the design card's libraries, or every library the service imports.
STACK_FLOORS = {"stack-card": "card", "stack-service": "service"}
STACK_REQUESTS = 500  # sequential requests to each before its worker RSS is read: memory, not speed


class Bench:
    def __init__(self, opts, out: Path, work: Path) -> None:
        self.o, self.out, self.work = opts, out, work
        self.servers: dict[str, harness.Server] = {}
        self.records: list[dict] = []
        self.cookie: str | None = None
        if opts.gunicorn_conf == "repo":  # the production profile, for the floor and the service alike
            self.conf = ROOT / "gunicorn.conf.py"
        else:  # the peer bench's: nothing but the flags
            self.conf = work / "gunicorn.bench.py"
            self.conf.write_text("# Benchmark servers: every setting is on the command line.\n")

    def emit(self, record: dict) -> None:
        self.records.append(record)
        with open(self.out / "results.jsonl", "a") as fh:
            fh.write(json.dumps(record) + "\n")

    def start(self, name: str, round_no: int) -> None:
        log = self.out / "logs" / f"{name}-r{round_no}.log"
        if name == "floor":
            argv = harness.gunicorn_argv(BIN, "floor_app:app", self.o.floor_port, self.o.workers, log, self.conf)
            env = {**os.environ, "SERVICE_ENV": "production"}  # what the repository's config reads
            server = harness.Server(name, argv, env, ROOT / "bench", log, self.o.floor_port)
            ready = "/bare"
        elif name in STACK_FLOORS:
            port = self.o.stack_port + list(STACK_FLOORS).index(name)
            argv = harness.gunicorn_argv(BIN, "stack_floor_app:app", port, self.o.workers, log, self.conf)
            env = {**os.environ, "SERVICE_ENV": "production", "STACK": STACK_FLOORS[name],
                   "STACK_DATABASE_URL": f"sqlite:///{self.work / (name + '.db')}"}
            server = harness.Server(name, argv, env, ROOT / "bench", log, port)
            ready = "/bare"
        else:
            port = self.o.small_port if name == "small" else self.o.large_port
            argv = harness.gunicorn_argv(BIN, "wsgi:app", port, self.o.workers, log, self.conf)
            server = harness.Server(name, argv, env_for(self.work / f"{name}.db"), ROOT, log, port)
            ready = "/api/v1/sites/bench/counts?article=/post/1"
        self.servers[name] = server
        server.start(ready)

    def stop_all(self) -> None:
        for name in list(self.servers):
            self.servers.pop(name).stop()

    def wrk_env(self, sc: Scenario, run: str) -> dict:
        headers = "\n".join(f"{k}: {v}" for k, v in sc.headers(self.cookie).items())
        return {"BENCH_METHOD": sc.method, "BENCH_PATH": sc.path, "BENCH_BODY": sc.body, "BENCH_HEADERS": headers,
                "BENCH_ROTATE": str(sc.rotate), "BENCH_RUN": run, "BENCH_LABEL": sc.key}

    def smoke(self, sc: Scenario, round_no: int) -> str | None:
        """None if the scenario answers as expected, else why it is unavailable."""
        if sc.login and not self.cookie:
            return "no moderator session (moderator account or login failed)"
        fill = lambda s: s.replace("{n}", "1").replace("{u}", f"smoke{round_no}")  # noqa: E731
        base = self.servers[sc.server].base
        try:
            status, _, body = harness.request(base + fill(sc.path), sc.method, fill(sc.body) or None,
                                              sc.headers(self.cookie))
        except OSError as exc:
            return f"no answer: {exc}"
        text = body.decode("utf-8", "replace")
        if status >= 400 or (sc.status and status != sc.status):
            return f"HTTP {status}: {text[:160]!r}"
        if not re.search(sc.expect, text):
            return f"HTTP {status} without /{sc.expect}/: {text[:160]!r}"
        return None

    def run_scenario(self, sc: Scenario, round_no: int) -> None:
        base = {"round": round_no, "scenario": sc.key, "server": sc.server}
        why = self.smoke(sc, round_no)
        if why:
            print(f"[bench] r{round_no} {sc.key}: unavailable ({why})", file=sys.stderr)
            self.emit({**base, "unavailable": why})
            return
        url = self.servers[sc.server].base
        stem = self.out / "wrk" / f"r{round_no}-{sc.key.replace(':', '_')}"
        run = f"{self.o.stamp.replace('-', '')}r{round_no}{sc.key.replace(':', '')}"
        o = self.o
        harness.wrk(url, threads=o.threads, conns=o.conns, seconds=o.warmup,
                    env=self.wrk_env(sc, run + "w"), out=Path(f"{stem}-warmup.txt"))
        for conns, threads, seconds in ((o.conns, o.threads, o.duration), (1, 1, o.c1_duration)):
            if seconds <= 0:
                continue
            self.drain(sc)
            result = harness.wrk(url, threads=threads, conns=conns, seconds=seconds,
                                 env=self.wrk_env(sc, f"{run}c{conns}"), out=Path(f"{stem}-c{conns}.txt"))
            if result is None:
                self.emit({**base, "conns": conns, "failed": f"no result line, see {stem}-c{conns}.txt"})
                continue
            self.emit({**base, **result, "conns": conns, "loadavg": os.getloadavg()[0]})
            p50, p99 = (result[k] / 1000 if result[k] is not None else float("nan")
                        for k in ("lat_p50_us", "lat_p99_us"))
            print(f"[bench] r{round_no} {sc.key:<10} c{conns:<2} {result['rps']:8.0f} req/s  p50 {p50:6.2f} ms  "
                  f"p99 {p99:7.2f} ms  non-2xx/3xx {result['non_2xx_3xx']}", file=sys.stderr)

    def exercise(self, name: str) -> None:
        """Serve a stack floor's endpoint until whatever a worker sets up on first use is set up."""
        base = self.servers[name].base
        for _ in range(STACK_REQUESTS):
            status, _, _ = harness.request(base + "/bare")
            if status != 200:
                raise RuntimeError(f"{name} answered /bare with {status} (see its log)")

    def drain(self, sc: Scenario) -> None:
        """Wait until the requests a finished wrk run left queued in the server's backlog are
        served (a request sent now is answered after them), so that they do not count against
        the next run: with a page that takes seconds, 16 leftover requests are a minute."""
        path = "/bare" if sc.server == "floor" else "/api/v1/sites/bench/counts?article=/post/1"
        try:
            harness.request(self.servers[sc.server].base + path, timeout=180)
        except OSError:
            pass

    def etag_checks(self) -> None:
        small = self.servers["small"].base
        for sc in scenarios(50):
            if sc.key in ("count1", "count50", "thread", "embed"):
                ok, detail = harness.revalidates(small + sc.path.replace("{n}", "1"), sc.headers(None))
                self.emit({"check": "304", "scenario": sc.key, "ok": ok, "detail": detail})

    def round(self, round_no: int, chosen: list[str], by_key: dict[str, Scenario]) -> None:
        services = [n for n in ("small", "large") if any(by_key[k].server == n for k in chosen)]
        names = ["floor", *STACK_FLOORS, *services]
        for name in services:
            databases.restore(self.o.cache / f"{name}.db", self.work / f"{name}.db")
        # The copies (1.2 GB with the large database) are written back to disk now, not while
        # the round's first scenarios are measured: the kernel's writeback would slow whichever
        # runs first, the floor in odd rounds, and skew every ratio of the round.
        os.sync()
        for name in names:
            self.start(name, round_no)
        for name in names:
            self.emit({"rss": name, "round": round_no, "phase": "start", **self.servers[name].rss_kib()})
        for name in STACK_FLOORS:
            self.exercise(name)
        if "queue" in chosen and self.o.moderator:
            try:
                self.cookie = harness.login(self.servers["small"].base, *MODERATOR)
            except (RuntimeError, OSError) as exc:
                self.cookie = None
                print(f"[bench] moderator login failed: {exc}", file=sys.stderr)
        if round_no == 1 and "small" in names:
            self.etag_checks()
        for key in interleave(chosen, round_no):
            self.run_scenario(by_key[key], round_no)
        for name in names:
            self.emit({"rss": name, "round": round_no, "phase": "end", **self.servers[name].rss_kib()})
        self.stop_all()


def options() -> argparse.Namespace:
    e = os.environ.get
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=int(e("ROUNDS", 3)))
    p.add_argument("--duration", type=int, default=int(e("DURATION", 10)), help="seconds at 16 connections")
    p.add_argument("--c1-duration", type=int, default=int(e("C1_DURATION", 5)), help="seconds at 1 connection")
    p.add_argument("--warmup", type=int, default=int(e("WARMUP", 2)))
    p.add_argument("--conns", type=int, default=int(e("WRK_CONNS", 16)))
    p.add_argument("--threads", type=int, default=int(e("WRK_THREADS", 2)))
    p.add_argument("--workers", type=int, default=int(e("WORKERS", 2)))
    p.add_argument("--scenarios", default=e("SCENARIOS", ""), help="comma list, e.g. count1,thread,L:thread")
    p.add_argument("--scale", type=int, choices=[0, 1], default=int(e("SCALE", 1)), help="0: skip the 1M db")
    p.add_argument("--large-rotate", type=int, default=int(e("LARGE_ROTATE", 50)))
    p.add_argument("--fresh", action="store_true", default=e("FRESH", "0") == "1", help="reseed the cache")
    p.add_argument("--floor-port", type=int, default=int(e("FLOOR_PORT", 18190)))
    p.add_argument("--small-port", type=int, default=int(e("SMALL_PORT", 18191)))
    p.add_argument("--large-port", type=int, default=int(e("LARGE_PORT", 18192)))
    p.add_argument("--stack-port", type=int, default=int(e("STACK_PORT", 18193)), help="and the port after it")
    p.add_argument("--gunicorn-conf", choices=["none", "repo"], default=e("GUNICORN_CONF", "none"),
                   help="none: flags only (as the peer bench); repo: the repository's gunicorn.conf.py too")
    p.add_argument("--cache", type=Path, default=Path(e("BENCH_CACHE", "/tmp/bench-cache")))
    p.add_argument("--out", type=Path, default=Path(e("RESULTS_DIR", "")) if e("RESULTS_DIR") else None)
    return p.parse_args()


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?")
    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), "0")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    wrk_v = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    gunicorn_v = subprocess.run([str(BIN / "gunicorn"), "--version"], capture_output=True, text=True)
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(int(mem) / 2**20, 1),
            "python": platform.python_version(), "commit": commit.stdout.strip(),
            "wrk": (wrk_v.stdout or wrk_v.stderr).splitlines()[0] if (wrk_v.stdout or wrk_v.stderr) else "?",
            "gunicorn": gunicorn_v.stdout.strip() or gunicorn_v.stderr.strip()}


def main() -> int:
    o = options()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    o.stamp = time.strftime("%Y%m%d-%H%M%S")
    out = o.out or Path(f"/tmp/bench-results-{o.stamp}")
    for sub in ("wrk", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    all_sc = scenarios(o.large_rotate)
    by_key = {s.key: s for s in all_sc}
    wanted = [k.strip() for k in o.scenarios.split(",") if k.strip()] or [s.key for s in all_sc]
    unknown = [k for k in wanted if k not in by_key]
    if unknown:
        print(f"unknown scenarios {unknown}; choose from {list(by_key)}", file=sys.stderr)
        return 2
    chosen = [k for k in wanted if o.scale or not k.startswith("L:")]
    if "floor" not in chosen:
        chosen.insert(0, "floor")
    sizes = ["small"] + (["large"] if any(k.startswith("L:") for k in chosen) else [])
    o.cache = o.cache / databases.cache_key()
    work = Path(f"/tmp/bench-work-{o.stamp}")
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(o, out, work)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        seed_started = time.monotonic()
        dbs = databases.prepare(o.cache, sizes, o.fresh, out / "logs" / "setup.log")
        o.moderator = dbs["small"].get("moderator", False)
        seed_s = time.monotonic() - seed_started
        meta = {"stamp": o.stamp, "machine": machine(), "databases": dbs, "seed_or_cache_s": round(seed_s, 1),
                "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(o).items()}}
        for r in range(1, o.rounds + 1):
            print(f"[bench] round {r}/{o.rounds}", file=sys.stderr)
            bench.round(r, chosen, by_key)
    except KeyboardInterrupt:
        print("[bench] interrupted", file=sys.stderr)
        return 130
    finally:
        bench.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    meta["elapsed_s"] = round(time.monotonic() - started, 1)
    meta["logs"] = [harness.scan_log(p) for p in sorted((out / "logs").glob("*-r*.log"))]
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    table = report.render(bench.records, meta, by_key, chosen)
    table += "\n" + spam_cost.report(spam_cost.measure_apart())
    (out / "table.md").write_text(table)
    print(table)
    print(f"\n[bench] done in {meta['elapsed_s']:.0f} s; raw results in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
