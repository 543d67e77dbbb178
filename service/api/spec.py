"""Responses every operation with a request body can give, added to the OpenAPI document in one
place so no route can forget them: an unreadable body (400), one past MAX_CONTENT_LENGTH (413)
and one that is not JSON (415) are refused before any view runs."""

from __future__ import annotations

from apispec import BasePlugin

BODY_ERRORS = {
    "400": "The body is not valid JSON.",
    "413": "Request too large.",
    "415": "Not JSON.",
}


class BodyErrorsPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in BODY_ERRORS.items():
                if code not in responses and int(code) not in responses:
                    responses[code] = {"description": description, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
