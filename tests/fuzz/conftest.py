"""The fuzzing campaign's world: the app's own OpenAPI document made strict, and one app for the
whole module on the session's database with two sites, comments in every status (so generated
ids often hit real rows) and an admin token for the moderation operations."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field

import pytest
import schemathesis

from service import create_app
from service.extensions import db
from service.services import tokens
from tests.conftest import _empty_tables, settings_for
from tests.factories import make_comment, make_site

# 26 operations x 60 examples (each mode) > 2,000 requests in `make test`; `make fuzz` raises it.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES") or 60)
MINIMUM_REQUESTS = 2000
SITES = ("blog", "other")


@dataclass
class World:
    """What exists while the campaign runs, and what it sent."""

    app: object = None
    headers: dict = field(default_factory=dict)
    comment_ids: list[int] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)

    def record(self, label: str) -> None:
        self.requests[label] = self.requests.get(label, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.requests.values())


WORLD = World()


def strict_document(document: dict) -> dict:
    """The document without `default` responses: schemathesis accepts any status code when an
    operation has one, and the point here is that every answered status is documented."""
    strict = copy.deepcopy(document)
    for item in strict["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("default", None)
    return strict


def load_schema():
    """The document as the app serves it (building it touches no database)."""
    app = create_app(settings_for("sqlite://"))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(strict_document(document))

    @schema.hook
    def map_path_parameters(context, path_parameters):
        # Most generated ids and slugs name nothing; steer two in three to real ones, chosen by
        # the generated value itself so a run stays reproducible.
        if not path_parameters:
            return path_parameters
        mapped = dict(path_parameters)
        ids = WORLD.comment_ids
        value = mapped.get("comment_id")
        if isinstance(value, int) and ids and value % 3:
            mapped["comment_id"] = ids[value % len(ids)]
        value = mapped.get("site")
        if isinstance(value, str) and len(value) % 3:
            mapped["site"] = SITES[len(value) % 2]
        return mapped

    return schema


@pytest.fixture(scope="module")
def fuzz_world(database_url):
    """The seeded app; every table is emptied afterwards."""
    app = create_app(settings_for(database_url, IP_HASH_KEY="fuzz-ip-key"))
    with app.app_context():
        blog, other = make_site(SITES[0]), make_site(SITES[1], mode="pre")
        comments = []
        for site in (blog, other):
            for status in ("approved", "pending", "rejected", "spam", "approved", "pending"):
                comments.append(make_comment(site, "post-1", status=status, email="reader@example.org"))
            comments.append(make_comment(site, "post-1", parent=comments[-2]))
        _, plaintext = tokens.create_token("fuzz-admin", is_admin=True)
        WORLD.app = app
        WORLD.headers = {"Authorization": f"Bearer {plaintext}"}
        WORLD.comment_ids = [c.id for c in comments]
        db.session.remove()
    yield WORLD
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    WORLD.app, WORLD.comment_ids = None, []
