"""Labelled comments for training and evaluation: the corpus files shipped in `data/`, the
blog examples written for this project, and CSV files in the corpus's columns.

The corpus's CONTENT is YouTube's HTML rendering; `typed_text` turns it back into what the
commenter typed (anchor text kept, tags dropped, entities decoded), as a reader's text reaches
the service. DATE is never read: in that collection its presence gives the label away.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")
CORPUS_FILES = ("Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv")
# The page each file's comments were left on: its video's public address (not a label; what a
# site knows of the article a comment is posted to).
CORPUS_PAGES = {
    "Youtube01-Psy.csv": "https://youtu.be/9bZkp7q19f0",
    "Youtube02-KatyPerry.csv": "https://youtu.be/CevxZvSJLk8",
    "Youtube03-LMFAO.csv": "https://youtu.be/KQ6zr6kCPj8",
}
BLOG_FILE = "blog_examples.csv"

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Example:
    body: str
    spam: bool
    author: str = ""
    website: str | None = None
    email: str | None = None
    source: str = ""
    page_url: str | None = None  # the page the comment was left on
    trusted_domains: frozenset[str] = frozenset()  # the site's, whose links are no spam signal

    def submission(self) -> dict:
        """The fields a reader's submission of this comment carries."""
        return {"body": self.body, "author": self.author or "reader", "website": self.website, "email": self.email}


def typed_text(content: str) -> str:
    text = _BREAK.sub("\n", content)
    text = _TAG.sub("", text)
    return html.unescape(text).replace("\ufeff", "").strip()


def _cell(row: dict, *names: str) -> str:
    for name in names:
        for key in row:
            if key and key.strip().upper() == name:
                return row[key] or ""
    return ""


def read_csv(path: Path | str, source: str | None = None, page_url: str | None = None) -> list[Example]:
    """Rows with CONTENT and CLASS (1 spam, 0 legitimate), optional AUTHOR, WEBSITE, EMAIL and
    PAGE_URL (the address of the page the comment was left on; `page_url` when absent).
    Raises ValueError naming the first row that cannot be read."""
    path = Path(path)
    examples = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        headers = {(h or "").strip().upper() for h in reader.fieldnames or ()}
        if not {"CONTENT", "CLASS"} <= headers:
            raise ValueError(f"{path.name}: the columns CONTENT and CLASS are required")
        for number, row in enumerate(reader, start=2):
            label = _cell(row, "CLASS").strip()
            if label not in ("0", "1"):
                raise ValueError(f"{path.name} line {number}: CLASS must be 0 or 1, not {label!r}")
            body = typed_text(_cell(row, "CONTENT"))
            if not body:
                continue
            examples.append(Example(body=body, spam=label == "1", author=_cell(row, "AUTHOR").strip(),
                                    website=_cell(row, "WEBSITE").strip() or None,
                                    email=_cell(row, "EMAIL").strip() or None,
                                    source=source or path.stem,
                                    page_url=_cell(row, "PAGE_URL").strip() or page_url))
    return examples


def corpus(names: tuple[str, ...] = CORPUS_FILES) -> dict[str, list[Example]]:
    return {name: read_csv(DATA / name, source=name.removesuffix(".csv"), page_url=CORPUS_PAGES.get(name))
            for name in names}


def blog_examples() -> list[Example]:
    return read_csv(DATA / BLOG_FILE, source="blog")
