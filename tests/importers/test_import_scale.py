"""A 100,000-comment WordPress export, generated on the fly: it imports in one streaming pass with
memory bounded, replies linked and counters exact. The time is printed for the record (the
machine's load decides it more than the code does: the CPU time is printed too)."""

from __future__ import annotations

import os
import random
import threading
import time
from xml.sax.saxutils import escape

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.importers import import_file
from service.models import Article, Comment
from tests.factories import make_site

POSTS = 2_000
PER_POST = 50
WORDS = ("the garden needs patience and water every morning before the sun climbs over the wall "
         "tomatoes beans lettuce grow slowly when nights are cold but a cloche helps a lot").split()
STATUSES = ["1"] * 16 + ["0", "0", "spam", "trash"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + "."


def _content(rng: random.Random, n: int) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
    if n % 5 == 0:  # one in five carries markup, links or a script, and takes the full sanitizer
        text += f' See <a href="https://example.org/{n}">this</a> and <em>that</em>.<script>alert({n})</script>'
    if n % 3 == 0:
        text += "\n\n" + _sentence(rng)
    return text


def write_wxr(path, rng: random.Random) -> tuple[int, int]:
    """A WXR file of POSTS posts with PER_POST comments each; some replies name a parent that
    comes later in the file. Returns (comments, replies)."""
    n = replies = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Big</title>\n')
        for post in range(1, POSTS + 1):
            out.write(f"<item><title>Post {post}</title><link>https://big.example/p/{post}/</link>"
                      f"<content:encoded><![CDATA[<p>{_sentence(rng)}</p>]]></content:encoded>"
                      f"<wp:post_id>{post}</wp:post_id><wp:post_name>p-{post}</wp:post_name>"
                      "<wp:post_type>post</wp:post_type>\n")
            first = n + 1
            for i in range(PER_POST):
                n += 1
                if i == 0:
                    parent = first + PER_POST - 1  # the post's last comment: a parent later in the file
                elif i % 4 == 1 and i != PER_POST - 1:
                    parent = rng.randint(first, n - 1)
                else:
                    parent = 0
                replies += parent != 0
                day = 1 + n % 28
                out.write(
                    f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {n % 997}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{n % 997}@example.com</wp:comment_author_email>"
                    f"<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>203.0.{n % 250}.{n % 200}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2020-03-{day:02d} 10:{n % 60:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(_content(rng, n))}</wp:comment_content>"
                    f"<wp:comment_approved>{rng.choice(STATUSES)}</wp:comment_approved>"
                    f"<wp:comment_type>comment</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n")
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return n, replies


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RssPeak(threading.Thread):
    """Samples the process's resident memory while the import runs (no cost to the import,
    unlike tracemalloc, and it sees SQLite's and the parser's memory too)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.base = self.peak = _rss()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _rss())

    def growth(self) -> int:
        self.done.set()
        self.join()
        return max(self.peak, _rss()) - self.base


@pytest.mark.slow
def test_import_of_100k_comments_streams_with_bounded_memory(app, tmp_path, capsys):
    site = make_site("big")
    path = tmp_path / "big.xml"
    total, replies = write_wxr(path, random.Random(8))
    assert total == 100_000

    sampler = RssPeak()
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    summary = import_file("wordpress", str(path), "big")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    growth = sampler.growth()
    with capsys.disabled():
        print(f"\n100,000-comment WXR ({path.stat().st_size / 1e6:.0f} MB): imported in {elapsed:.1f} s "
              f"({cpu:.1f} s of CPU), resident memory grew by {growth / 1e6:.0f} MB at most")

    assert sum(summary.imported.values()) == 100_000 and summary.articles_created == POSTS
    assert (summary.replies_linked, summary.replies_unlinked) == (replies, 0)
    assert growth < 200e6
    assert cpu < 300  # about 40 s when measured; the bound only catches a runaway (say, quadratic) change
    mismatched = db.session.execute(
        sa.select(sa.func.count()).select_from(Article).where(
            Article.site_id == site.id,
            Article.approved_count != sa.select(sa.func.count()).select_from(Comment)
            .where(Comment.article_id == Article.id, Comment.status == "approved").scalar_subquery())
    ).scalar_one()
    assert mismatched == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)
                              .where(Comment.body_html.contains("<script"))).scalar_one() == 0
