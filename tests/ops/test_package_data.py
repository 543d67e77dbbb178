"""The package built from pyproject.toml carries every file the service reads besides its modules
(templates, static files, the widget's translations, the word lists, the spam model and its data).
setuptools matches `package-data` patterns with glob, relative to the package's directory; a file
no pattern names is left out of a wheel, and the service installed from it fails where it reads
that file, while an editable install reads the source tree and hides the gap."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "service"


def _packaged(patterns: dict[str, list[str]]) -> set[Path]:
    found: set[Path] = set()
    for package, globs in patterns.items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in globs:
            found |= {p for p in folder.glob(pattern) if p.is_file()}
    return found


def _data_files() -> set[Path]:
    return {p for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}


def test_every_file_beside_the_modules_is_package_data():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = sorted(str(p.relative_to(ROOT)) for p in _data_files() - _packaged(patterns))
    assert missing == []


def test_the_check_sees_the_files_that_matter():
    files = {str(p.relative_to(PACKAGE)) for p in _data_files()}
    assert {"templates/moderate/queue.html", "static/embed/widget.js", "embed/messages/de.json",
            "moderation/spam_base_model.json.gz", "spam/data/blog_examples.csv"} <= files
    # A pattern list without the templates leaves them out, as setuptools would.
    assert PACKAGE / "templates" / "moderate" / "queue.html" not in _packaged({"service": ["static/**/*"]})
