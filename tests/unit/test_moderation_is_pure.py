"""`service/moderation` imports no web framework, no database layer and nothing else of `service`."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "service" / "moderation"
MODULES = sorted(PACKAGE_DIR.glob("*.py"))
FORBIDDEN_ROOTS = {"flask", "werkzeug", "sqlalchemy", "alembic", "psycopg", "redis", "limits"}


def is_forbidden(module: str) -> bool:
    root = module.split(".")[0]
    if root in FORBIDDEN_ROOTS or root.startswith(("flask_", "sqlalchemy_")):
        return True
    return root == "service" and module != "service.moderation" and not module.startswith("service.moderation.")


def imported_modules(path: Path) -> list[str]:
    """Absolute names of every module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["service", "moderation"]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level <= len(package) else []
                names.append(".".join(base + ([node.module] if node.module else [])) or ".")
            else:
                names.append(node.module)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("flask", True), ("flask_sqlalchemy", True), ("sqlalchemy.orm", True), ("werkzeug.exceptions", True),
        ("service", True), ("service.models", True), ("service.moderationx", True),
        ("service.moderation", False), ("service.moderation.text", False), ("marshmallow", False),
        ("unicodedata", False), ("bleach", False),
    ],
)
def test_forbidden_import_check_tells_framework_modules_apart(module, forbidden):
    assert is_forbidden(module) is forbidden


def test_relative_imports_are_resolved_against_the_package(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("from .text import normalize\nfrom .. import models\nfrom ..extensions import db\n")
    assert imported_modules(source) == ["service.moderation.text", "service", "service.extensions"]


def test_package_has_modules_to_check():
    assert {"engine.py", "rules.py", "text.py", "policy.py", "types.py"} <= {path.name for path in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_module_imports_nothing_from_frameworks_or_the_rest_of_service(path):
    assert [name for name in imported_modules(path) if is_forbidden(name)] == []


# Load the package with a bare stand-in for `service` so that the application factory in
# service/__init__.py (which rightly imports Flask) does not run; what is left in sys.modules
# is exactly what the moderation modules pull in.
PROBE = """
import importlib, json, sys, types
root, names = sys.argv[1], sys.argv[2:]
stand_in = types.ModuleType("service")
stand_in.__path__ = [root]
sys.modules["service"] = stand_in
for name in names:
    importlib.import_module(name)
print(json.dumps({"stand_in_kept": sys.modules["service"] is stand_in,
                  "loaded": sorted(set(sys.modules) - {"service"})}))
"""


def test_importing_every_moderation_module_loads_no_framework():
    names = ["service.moderation"] + [f"service.moderation.{path.stem}" for path in MODULES if path.stem != "__init__"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(PACKAGE_DIR.parent), *names],
        capture_output=True, text=True, check=True, cwd=PACKAGE_DIR.parents[1],
    )
    probe = json.loads(result.stdout)
    loaded = probe["loaded"]
    assert probe["stand_in_kept"] is True
    assert set(names) <= set(loaded)
    assert [name for name in loaded if is_forbidden(name)] == []
