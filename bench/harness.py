"""The moving parts of bench/run.py: gunicorn servers started and stopped by PID, plain HTTP
on loopback (smoke checks, the moderator login, the 304 check), and wrk runs.

Standard library only, so that it runs under any Python the project's venv has.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_scenario.lua"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_loopback(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"refusing a non-loopback target: {url}")


# ---------------------------------------------------------------- servers

@dataclass
class Server:
    """One gunicorn master and its workers, started in a process group of its own so that it can
    be stopped by its PID (and that group, which has the same id) whatever happens.

    Not in a session of its own: with the kernel's scheduler autogroups, a new session is a new
    CPU group that competes with wrk's group as an equal, which cut the floor to a third of
    what the same server does when it shares wrk's session (as it does in the peer bench)."""

    name: str
    argv: list[str]
    env: dict
    cwd: Path
    log: Path
    port: int
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str, timeout: float = 60) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, process_group=0)
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start (see {self.log})")
            try:
                status, _, _ = request(self.base + ready_path, timeout=2)
                if status < 500 and len(self.workers()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {ready_path} within {timeout:.0f}s (see {self.log})")

    def workers(self) -> list[int]:
        if self.proc is None:
            return []
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return sorted(int(p) for p in out.stdout.split())

    def rss_kib(self) -> dict:
        """VmRSS of the master and of each worker, and each worker's RssFile: the part that is
        mapped files (shared libraries and the like), shared with the page cache rather than
        owned by the process."""
        def status(pid: int) -> dict:
            found = {"VmRSS": 0, "RssFile": 0}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name = line.split(":", 1)[0]
                    if name in found:
                        found[name] = int(line.split()[1])
            except OSError:
                pass
            return found
        workers = [status(w) for w in self.workers()]
        return {"master_kib": status(self.proc.pid)["VmRSS"] if self.proc else 0,
                "workers_kib": [w["VmRSS"] for w in workers],
                "workers_file_kib": [w["RssFile"] for w in workers]}

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:  # workers left behind by a master that died or hung
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def gunicorn_argv(venv_bin: Path, app: str, port: int, workers: int, log: Path, config: Path) -> list[str]:
    """The same flags for every server. `config` is passed explicitly because gunicorn would
    otherwise read a gunicorn.conf.py from its working directory (the repository has one)
    for the service and not for the floor."""
    argv = [str(venv_bin / "gunicorn"), "-c", str(config), "-w", str(workers), "-k", "sync",
            "-b", f"127.0.0.1:{port}",
            "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning", "--error-logfile", str(log)]
    help_text = subprocess.run([str(venv_bin / "gunicorn"), "--help"], capture_output=True, text=True).stdout
    if "--no-control-socket" in help_text:  # gunicorn >= 24 would open a socket under ~/.gunicorn
        argv.append("--no-control-socket")
    return argv + [app]


# ---------------------------------------------------------------- HTTP

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, method: str = "GET", body: str | None = None, headers: dict | None = None,
            timeout: float = 15, opener=None) -> tuple[int, dict, bytes]:
    check_loopback(url)
    data = body.encode() if body else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = opener or urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# The moderator's "browser": the login and the load send the same User-Agent, as one browser
# does, since a session is bound to the browser that logged in (Flask-Login's session protection).
MODERATOR_USER_AGENT = "comments-bench"


def login(base: str, email: str, password: str) -> str:
    """Log in to the moderator UI as a browser would (CSRF token from the form); the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    status, _, page = request(base + "/moderate/login", headers={"User-Agent": MODERATOR_USER_AGENT}, opener=opener)
    if status != 200:
        raise RuntimeError(f"GET /moderate/login answered {status}")
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not match:
        raise RuntimeError("no csrf_token in the login form")
    form = urllib.parse.urlencode({"csrf_token": match.group(1).decode(), "email": email, "password": password})
    status, headers, _ = request(base + "/moderate/login", "POST", form,
                                 {"Content-Type": "application/x-www-form-urlencoded", "Origin": base,
                                  "Referer": base + "/moderate/login", "User-Agent": MODERATOR_USER_AGENT},
                                 opener=opener)
    if status not in (302, 303):
        raise RuntimeError(f"login answered {status}, not a redirect")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if not cookie:
        raise RuntimeError("login set no cookie")
    return cookie


def revalidates(url: str, headers: dict) -> tuple[bool, str]:
    """Does the URL answer 304 to an If-None-Match carrying the ETag it just sent?"""
    status, got, _ = request(url, headers=headers)
    etag = {k.lower(): v for k, v in got.items()}.get("etag")
    if status != 200 or not etag:
        return False, f"first GET: {status}, ETag {etag!r}"
    status2, _, _ = request(url, headers={**headers, "If-None-Match": etag})
    return status2 == 304, f"ETag {etag} -> {status2}"


# ---------------------------------------------------------------- wrk

def wrk(base: str, *, threads: int, conns: int, seconds: int, env: dict, out: Path) -> dict | None:
    """One bounded wrk run; the parsed BENCHJSON line, or None (raw output kept in `out`)."""
    check_loopback(base)
    argv = ["timeout", "-k", "5", str(seconds + 30), "wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s",
            "--timeout", "5s", "--latency", "-s", str(LUA), base]
    try:
        done = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=seconds + 60)
        text = done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        text = f"{exc.stdout or ''}{exc.stderr or ''}\n(wrk did not finish)"
    out.write_text(text)
    for line in text.splitlines():
        if line.startswith("BENCHJSON "):
            result = json.loads(line.split(" ", 1)[1])
            if not result["requests"]:  # nothing completed: there is no latency to report
                result.update({k: None for k in result if k.startswith("lat_")})
            return result
    return None


def scan_log(path: Path) -> dict:
    """Lines of a server log that mean trouble: locked databases, tracebacks, worker timeouts."""
    patterns = {"locked": "database is locked", "traceback": "Traceback", "error": "[ERROR]",
                "critical": "[CRITICAL]", "timeout": "WORKER TIMEOUT"}
    found = {k: 0 for k in patterns}
    samples: list[str] = []
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            for key, needle in patterns.items():
                if needle in line:
                    found[key] += 1
                    if len(samples) < 5:
                        samples.append(line.strip()[:200])
    return {"log": path.name, **found, "samples": samples}
