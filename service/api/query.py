"""Query strings of the hot read paths, read without per-request schema machinery.

Valid input (nearly every request) is checked by a few direct tests; anything doubtful goes
through the marshmallow schema, so that errors carry exactly the messages the OpenAPI
document promises.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from service.errors import Unprocessable
from service.schemas import MAX_ARTICLES_PER_COUNT, CountsQuerySchema, ThreadQuerySchema

_COUNTS = CountsQuerySchema()
_THREAD = ThreadQuerySchema()
_ORDERS = ("oldest", "newest")


def _plausible_key(key: str) -> bool:
    return 0 < len(key) <= 255 and key.isprintable() and not key.isspace()


def _through_schema(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Unprocessable("Some fields are not valid; see errors.", errors={"query": exc.messages}) from None


def counts_query(args: MultiDict) -> list[str]:
    keys = args.getlist("article")
    if 0 < len(keys) <= MAX_ARTICLES_PER_COUNT and all(map(_plausible_key, keys)):
        return keys
    return _through_schema(_COUNTS, {"article": keys} if keys else {})["article"]


def thread_query(args: MultiDict) -> dict:
    key, order = args.get("article"), args.get("order", "oldest")
    page, per_page = args.get("page", "1"), args.get("per_page", "50")
    if (key is not None and _plausible_key(key) and order in _ORDERS and page.isdigit() and per_page.isdigit()
            and 1 <= int(page) <= 100_000 and 1 <= int(per_page) <= 200):
        return {"article": key, "order": order, "page": int(page), "per_page": int(per_page)}
    return _through_schema(_THREAD, {k: args.get(k) for k in ("article", "order", "page", "per_page") if k in args})
