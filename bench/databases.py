"""The benchmark databases: migrated, given a site, a policy and a moderator through the
service's own commands, bulk-seeded by bench/seed.py, and kept in a cache keyed by the
migrations, the seeder and the policy, so that later runs (and every round) only copy them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ORIGIN = "http://127.0.0.1:18080"  # the blog that embeds the comments; nothing listens there
MODERATOR = ("bench-admin@example.org", "bench-password-not-secret")
POLICY = {
    "mode": "post",
    "banned_words": ["viagra", "cialis", "payday loan", "crypto giveaway", "escort service", "buy followers"],
    "suspect_words": ["casino", "replica", "pills", "bitcoin", "forex", "seo services", "free spins", "discount"],
    "blocked_domains": ["spam.example", "casino.example"],
    "max_links": 2,
}


def env_for(db: Path) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "false",
            "SERVICE_ENV": "production", "FLASK_APP": "wsgi"}


def cache_key() -> str:
    digest = hashlib.sha256(json.dumps(POLICY, sort_keys=True).encode())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")) + [Path(__file__).with_name("seed.py")]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def build_db(path: Path, size: str, log: Path) -> dict:
    """Migrate, create the site, its policy and a moderator with the service's own commands;
    then bulk-seed."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    env = env_for(path)
    policy_file = path.with_suffix(".policy.json")
    policy_file.write_text(json.dumps(POLICY))

    def flask(*args: str, check: bool = True) -> bool:
        with open(log, "a") as out:
            out.write(f"$ flask --app wsgi {' '.join(args)}\n")
            out.flush()
            done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], env=env, cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=300)
        if check and done.returncode:
            raise SystemExit(f"`flask --app wsgi {' '.join(args)}` failed; see {log}")
        return done.returncode == 0

    flask("db", "upgrade")
    flask("sites", "create", "bench", "--origin", ORIGIN, "--moderation", "post")
    flask("policy", "set", "bench", str(policy_file))
    moderator = flask("moderators", "create", MODERATOR[0], "--admin", "--password", MODERATOR[1], check=False)
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("seed.py")), str(path), "--size", size],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    if done.returncode:
        raise SystemExit(f"seeding {size} failed:\n{done.stdout}{done.stderr}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "moderator": moderator}


def prepare(cache: Path, sizes: list[str], fresh: bool, log: Path) -> dict:
    """The databases of `sizes` in `cache` (a folder named by `cache_key`), seeded if missing;
    folders of other keys (an older schema or seeder) are removed, since each holds a 1 GiB file."""
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.parent.iterdir():
        if stale.is_dir() and stale != cache and (stale / "meta.json").exists():
            shutil.rmtree(stale, ignore_errors=True)
    meta_path = cache / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and not fresh else {}
    for size in sizes:
        db = cache / f"{size}.db"
        if size in meta and db.exists():
            print(f"[bench] {size} database from cache {db}", file=sys.stderr)
            continue
        print(f"[bench] seeding the {size} database ...", file=sys.stderr)
        meta[size] = build_db(db, size, log)
        print(f"[bench] {size}: {meta[size]}", file=sys.stderr)
        meta_path.write_text(json.dumps(meta))
    return meta


def restore(src: Path, dst: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
