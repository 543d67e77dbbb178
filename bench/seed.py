"""Bulk seeding of a benchmark database, straight into SQLite.

Run against a database that `flask --app wsgi db upgrade` has migrated and in which the site
already exists (bench/run.py does both through the service's own commands):

    python bench/seed.py /tmp/x/bench.db --size small|large [--site bench]

small: articles /post/1../post/50 with 20 approved comments each (the threads the read
       scenarios fetch), and 10,000 pending comments over /post/51../post/250 (the queue).
large: the same, plus filler up to 1,000,000 comments over 100,000 articles, in the status
       mix of a moderated blog (mostly approved; some pending, spam, rejected, deleted).

Rows are what the service itself would have stored: bodies rendered and sanitized once by
`render_body` (a handful of realistic variants, reused), fingerprints from the moderation
package, stored counters (approved_count, pending_count) that match the comments, and one
moderation event per comment saying why it has its status. The load runs with journaling off
and the comment/event indexes dropped, then recreates those indexes from their own stored
SQL and puts the database back in WAL mode, so the schema is exactly the migrated one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.moderation.sanitize import render_body  # noqa: E402
from service.moderation.text import fingerprint  # noqa: E402

THREAD_ARTICLES = 50  # /post/1../post/50: the articles the read scenarios rotate over
THREAD_SIZE = 20
QUEUE_ARTICLES = 200  # /post/51../post/250 hold the pending queue
QUEUE_PENDING = 10_000
LARGE_COMMENTS = 1_000_000
LARGE_ARTICLES = 100_000
BATCH = 50_000

BODIES = [
    "Great write-up. I ran into the same problem last year and ended up *caching the rendered HTML* "
    "instead of the raw rows; the page time halved.",
    "Thanks for this! One question: does the same approach work with **PostgreSQL** or only with SQLite?",
    "I disagree with the second point. In my experience the bottleneck was never the database but the "
    "template rendering, especially with deep reply chains.",
    "Small typo in the third paragraph: \"recieve\" should be \"receive\". Otherwise a very clear article.",
    "We use something similar at work. The trick that made the biggest difference for us was keeping "
    "the counters in the same transaction as the status change.\n\nNo more drift after a crash.",
    "Here is the upstream discussion for anyone curious: [the issue](https://example.org/issues/1234). "
    "It is long but worth reading.",
    "`SELECT COUNT(*)` on every page view was our mistake too. Stored counters fixed it.",
    "Lovely photos in this post. Where was the second one taken?",
    "I tried this on a Raspberry Pi and it still answered in under 5 ms. Impressive.",
    "Could you write a follow-up about backups? Copying the database file while it is being written "
    "to seems risky.",
    "> the cache must never lag an approval by more than a few seconds\n\nThis is the part most "
    "systems get wrong. Good that you spelled it out.",
    "Two links that helped me: [one](https://example.com/a) and [two](https://example.net/b).",
    "Bookmarked. Reading it again this weekend with a coffee.",
    "The benchmark numbers look plausible, but I would like to see p99 as well as the median.",
    "Merci pour l'article ! Très utile pour mon petit blog. Une question : est-ce que ça marche derrière nginx ?",
    "Danke, genau das habe ich gesucht. Funktioniert bei mir auch mit mehreren Prozessen.",
]
HELD_BODIES = [  # what a held comment tends to look like, with the rule that held it
    ("Best casino bonus today, visit our site for free spins!!!",
     {"code": "suspect_word", "verdict": "hold", "message": "Contains a suspect word: casino", "matched": ["casino"]}),
    ("Check [this](https://spam.example/a), [this](https://spam.example/b) and [this](https://spam.example/c).",
     {"code": "too_many_links", "verdict": "hold", "message": "Contains 3 links (at most 2 allowed).",
      "matched": []}),
    ("THIS IS THE WORST ARTICLE I HAVE EVER READ ON THIS WEBSITE",
     {"code": "shouting", "verdict": "hold", "message": "Written mostly in capital letters (92%).", "matched": []}),
    ("Cheap replica watches and pills, discount for readers of this blog.",
     {"code": "suspect_word", "verdict": "hold", "message": "Contains suspect words: replica, pills",
      "matched": ["replica", "pills"]}),
]
FILLER_STATUS = [("approved", 88), ("pending", 5), ("spam", 4), ("rejected", 2), ("deleted", 1)]


def ts(moment: datetime) -> str:
    """A UTC datetime in the text form SQLAlchemy's SQLite dialect stores and reads back."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def hexhash(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


class Seeder:
    def __init__(self, con: sqlite3.Connection, site_id: int, rng: random.Random) -> None:
        self.con = con
        self.site_id = site_id
        self.rng = rng
        self.base = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=400)
        rendered = [render_body(b).html for b in BODIES]
        self.approved_bodies = [(b, html, fingerprint(b)) for b, html in zip(BODIES, rendered)]
        self.held_bodies = [(b, render_body(b).html, fingerprint(b), json.dumps([r])) for b, r in HELD_BODIES]
        self.authors = [(f"Reader {i}", f"reader{i}@example.org", hexhash("ip", i % 5000), hexhash("key", i))
                        for i in range(20_000)]
        self.articles: list[tuple] = []
        self.comments: list[tuple] = []
        self.events: list[tuple] = []
        self.next_comment_id = 1
        self.total = 0

    def article(self, number: int, statuses: list[str]) -> None:
        """One article /post/<number> with comments of the given statuses, oldest first."""
        created = self.base + timedelta(seconds=number * 300)
        approved = statuses.count("approved")
        pending = statuses.count("pending")
        self.articles.append((number, self.site_id, f"/post/{number}", f"https://blog.example/post/{number}",
                              f"Post number {number}", 0, None, approved, pending, max(1, len(statuses)),
                              ts(created)))
        for j, status in enumerate(statuses):
            self.comment(number, status, created + timedelta(minutes=5 + j * 7, seconds=self.rng.randrange(60)))
        if len(self.comments) >= BATCH:
            self.flush()

    def comment(self, article_id: int, status: str, created: datetime) -> None:
        cid = self.next_comment_id
        self.next_comment_id += 1
        author, email, ip_hash, key_hash = self.authors[self.rng.randrange(len(self.authors))]
        if status == "approved" or status == "deleted":
            body, html, fp = self.approved_bodies[cid % len(self.approved_bodies)]
            reasons = "[]"
        else:
            body, html, fp, reasons = self.held_bodies[cid % len(self.held_bodies)]
        website = f"https://{author.replace(' ', '').lower()}.example" if cid % 5 == 0 else None
        stamp = ts(created)
        self.comments.append((cid, article_id, None, author, email, website, body, html, status, ip_hash,
                              "Mozilla/5.0 (X11; Linux x86_64)", None, key_hash, fp, 0, 1, stamp, stamp, None))
        if status == "deleted":  # published, then withdrawn by its author
            self.events.append((None, cid, self.site_id, "rules", None, "status", None, "approved", "[]", None, stamp))
            self.events.append((None, cid, self.site_id, "author", None, "status", "approved", "deleted", "[]",
                                "Deleted by its author.", stamp))
        else:
            self.events.append((None, cid, self.site_id, "rules", None, "status", None, status, reasons, None,
                                stamp))
        self.total += 1

    def flush(self) -> None:
        c = self.con
        c.executemany("INSERT INTO article (id, site_id, key, url, title, closed, mode, approved_count, "
                      "pending_count, version, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", self.articles)
        c.executemany("INSERT INTO comment (id, article_id, parent_id, author, email, website, body, body_html, "
                      "status, ip_hash, user_agent, edit_token_hash, author_key_hash, fingerprint, flag_count, "
                      "revision, created_at, updated_at, edited_at) VALUES "
                      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.comments)
        c.executemany("INSERT INTO moderation_event (id, comment_id, site_id, actor, moderator_id, action, "
                      "from_status, to_status, reasons, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      self.events)
        self.articles, self.comments, self.events = [], [], []


def check_columns(con: sqlite3.Connection) -> None:
    """Refuse to seed a schema that grew a required column this seeder does not fill."""
    filled = {
        "article": {"id", "site_id", "key", "url", "title", "closed", "mode", "approved_count", "pending_count",
                    "version", "created_at"},
        "comment": {"id", "article_id", "parent_id", "author", "email", "website", "body", "body_html", "status",
                    "ip_hash", "user_agent", "edit_token_hash", "author_key_hash", "fingerprint", "flag_count",
                    "revision", "created_at", "updated_at", "edited_at"},
        "moderation_event": {"id", "comment_id", "site_id", "actor", "moderator_id", "action", "from_status",
                             "to_status", "reasons", "note", "created_at"},
    }
    for table, known in filled.items():
        for _cid, name, _type, notnull, default, pk in con.execute(f"PRAGMA table_info({table})"):
            if name not in known and notnull and default is None and not pk:
                sys.exit(f"seed.py: {table}.{name} is required and has no default; teach bench/seed.py to fill it")


def seed(path: str, size: str, site_slug: str, rng_seed: int = 6) -> dict:
    started = time.perf_counter()
    con = sqlite3.connect(path, isolation_level=None)
    row = con.execute("SELECT id FROM site WHERE slug = ?", (site_slug,)).fetchone()
    if row is None:
        sys.exit(f"seed.py: no site {site_slug!r} in {path}; create it first")
    if con.execute("SELECT count(*) FROM comment").fetchone()[0]:
        sys.exit(f"seed.py: {path} already has comments")
    check_columns(con)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-524288")  # 512 MiB while loading
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA foreign_keys=OFF")
    indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                          "AND tbl_name IN ('comment', 'moderation_event')").fetchall()
    con.execute("BEGIN")
    for name, _sql in indexes:
        con.execute(f'DROP INDEX "{name}"')

    seeder = Seeder(con, row[0], random.Random(rng_seed))
    for number in range(1, THREAD_ARTICLES + 1):
        seeder.article(number, ["approved"] * THREAD_SIZE)
    per_queue_article = QUEUE_PENDING // QUEUE_ARTICLES
    for number in range(THREAD_ARTICLES + 1, THREAD_ARTICLES + QUEUE_ARTICLES + 1):
        seeder.article(number, ["pending"] * per_queue_article)
    if size == "large":
        first = THREAD_ARTICLES + QUEUE_ARTICLES + 1
        remaining = LARGE_COMMENTS - seeder.total
        filler_articles = LARGE_ARTICLES - first + 1
        statuses = [s for s, weight in FILLER_STATUS for _ in range(weight)]
        for i, number in enumerate(range(first, LARGE_ARTICLES + 1)):
            n = remaining * (i + 1) // filler_articles - remaining * i // filler_articles
            seeder.article(number, [statuses[seeder.rng.randrange(100)] for _ in range(n)])
    seeder.flush()
    loaded = time.perf_counter()
    for _name, sql in indexes:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode=WAL")  # what the service's connections expect
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stats = {
        "size": size,
        "comments": con.execute("SELECT count(*) FROM comment").fetchone()[0],
        "articles": con.execute("SELECT count(*) FROM article").fetchone()[0],
        "pending": con.execute("SELECT count(*) FROM comment WHERE status='pending'").fetchone()[0],
        "events": con.execute("SELECT count(*) FROM moderation_event").fetchone()[0],
        "load_s": round(loaded - started, 1),
        "total_s": round(time.perf_counter() - started, 1),
    }
    con.close()
    stats["bytes"] = Path(path).stat().st_size
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="path of the migrated SQLite database")
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--site", default="bench", help="slug of the existing site to fill")
    args = parser.parse_args()
    print(json.dumps(seed(args.database, args.size, args.site)))


if __name__ == "__main__":
    main()
