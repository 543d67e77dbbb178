"""Generated requests against every operation of the app's own OpenAPI document, in process:
no 5xx, every status code documented, every body matching its documented schema and type.
Moderation operations are called with an admin token."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.fuzz.campaign import EXAMPLES_PER_OPERATION, MINIMUM_REQUESTS, load_schema

schema = load_schema()

# The last test checks what the others reached, in this process: under xdist (`make test` runs
# with --dist loadgroup) the whole module goes to one worker.
pytestmark = pytest.mark.xdist_group("fuzz")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          # The world is module-wide on purpose: the generated requests are what varies.
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_within_its_documented_contract(case, fuzz_world):
    fuzz_world.record(case.operation.label)
    response = case.call_and_validate(app=fuzz_world.app, headers=fuzz_world.headers, checks=CHECKS)
    fuzz_world.record(case.operation.label, response.status_code)


def test_the_campaign_reached_every_operation_and_real_rows_with_enough_requests(fuzz_world):
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert set(fuzz_world.requests) == operations, "run the whole module: every operation is fuzzed"
    assert fuzz_world.total >= MINIMUM_REQUESTS, fuzz_world.requests
    # Operations on one comment got past the 404 often: the generated ids reached real rows.
    for label in ("GET /api/v1/moderation/comments/{comment_id}", "PATCH /api/v1/moderation/comments/{comment_id}"):
        answers = fuzz_world.answers[label]
        assert sum(n for status, n in answers.items() if status != 404) >= answers[404] / 4, (label, answers)
    print(f"{fuzz_world.total} generated requests over {len(operations)} operations")
