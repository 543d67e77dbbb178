"""Isso database -> comments.

Isso keeps everything in one SQLite file: `threads(id, uri, title)` and `comments(tid, id,
parent, created, modified, mode, remote_addr, text, author, email, website, likes, dislikes,
voters[, notification])`, with dates as epoch seconds, the text as markdown and `mode` 1 for
published, 2 for awaiting moderation, 4 for deleted. A thread's `uri` (the page's path) is
its article ID. Isso already masks the last part of each address; we store only the hash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from service.importers.common import ImportFailure, Importer, SourceComment, parse_datetime

MODES = {1: "approved", 2: "pending", 4: "deleted"}
_PAGE = 1000


def count(path: str) -> int:
    """How many comments the database holds (for the progress bar)."""
    conn = _connect(path)
    try:
        return _query(conn, "SELECT COUNT(*) FROM comments").fetchone()[0]
    finally:
        conn.close()


def _connect(path: str) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise ImportFailure(f"cannot read {path}: no such file")
    conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _query(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> sqlite3.Cursor:
    try:
        return conn.execute(sql, params)
    except sqlite3.DatabaseError as exc:
        raise ImportFailure(f"not an Isso database ({exc})") from None


def read(path: str, importer: Importer, *, progress: Callable[[int], None] = lambda n: None) -> None:
    conn = _connect(path)
    try:
        threads = {row["id"]: (row["uri"], row["title"])
                   for row in _query(conn, "SELECT id, uri, title FROM threads")}
        last = None
        while True:  # pages by id: the cursor is never held across our own writes
            rows = _query(conn, "SELECT * FROM comments WHERE id > ? ORDER BY id LIMIT ?",
                          (last if last is not None else -1, _PAGE)).fetchall()
            if not rows:
                break
            for row in rows:
                _comment(importer, threads, row)
            last = rows[-1]["id"]
            progress(len(rows))
    finally:
        conn.close()


def _comment(importer: Importer, threads: dict, row: sqlite3.Row) -> None:
    where = f"comments row id={row['id']}"
    tid = row["tid"]
    if tid not in threads:
        raise ImportFailure(f"{where}: tid {tid!r} is not in the threads table")
    if not importer.has_article(str(tid)):
        uri, title = threads[tid]
        importer.article(str(tid), str(uri or ""), where=f"threads row id={tid}", title=title)
    mode = row["mode"]
    if mode not in MODES:
        raise ImportFailure(f"{where}: mode {mode!r} is not 1, 2 or 4")
    keys = row.keys()
    modified = row["modified"]
    importer.comment(SourceComment(
        ref=str(row["id"]), thread=str(tid), parent=str(row["parent"]) if row["parent"] is not None else None,
        status=MODES[mode], author=str(row["author"] or ""), email=row["email"], website=row["website"],
        body=str(row["text"] or ""), created_at=parse_datetime(row["created"], where),
        edited_at=parse_datetime(modified, where) if modified is not None else None, where=where,
        ip=str(row["remote_addr"]) if row["remote_addr"] else None,
        notify_replies=bool(row["notification"]) if "notification" in keys else False,
    ))
