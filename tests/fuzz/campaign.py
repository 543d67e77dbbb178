"""The fuzzing campaign's shared state, in a module of its own (a conftest imported by name
would be a second copy): the app's OpenAPI document made strict, the path-parameter hook that
steers generated ids to real rows, and the tally of what was sent."""

from __future__ import annotations

import copy
import os
from collections import Counter
from dataclasses import dataclass, field

import schemathesis

from service import create_app
from tests.conftest import settings_for

# 26 operations x 60 examples (each mode) > 2,000 requests in `make test`; `make fuzz` raises it.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES") or 60)
MINIMUM_REQUESTS = 2000
SITES = ("blog", "other")


@dataclass
class World:
    """What exists while the campaign runs, and what it sent and got back."""

    app: object = None
    headers: dict = field(default_factory=dict)
    comment_ids: list[int] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)
    answers: dict[str, Counter] = field(default_factory=dict)

    def record(self, label: str, status: int | None = None) -> None:
        if status is None:
            self.requests[label] += 1
        else:
            self.answers.setdefault(label, Counter())[status] += 1

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
