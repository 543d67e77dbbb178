"""Query strings of the hot read paths, read without per-request schema machinery.

Valid input (nearly every request) is checked by a few direct tests; anything doubtful goes
through the marshmallow schema, so that errors carry exactly the messages the OpenAPI
document promises.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from service.errors import Unprocessable
from service.schemas.comments import MAX_ARTICLES_PER_COUNT, CountsQuerySchema, ThreadQuerySchema

_COUNTS = CountsQuerySchema()
_THREAD = ThreadQuerySchema()
_ORDERS = ("oldest", "newest", "top")


def _plausible_key(key: str) -> bool:
    return 0 < len(key) <= 255 and key.isprintable() and not key.isspace()


def _number(text: str, high: int) -> int | None:
    """ASCII digits from 1 to `high`, else None (str.isdigit alone lets '²' through to int())."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(high))):
        return None
    value = int(text)
    return value if 1 <= value <= high else None


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
    page, per_page = _number(args.get("page", "1"), 100_000), _number(args.get("per_page", "50"), 200)
    if key is not None and _plausible_key(key) and order in _ORDERS and page and per_page:
        return {"article": key, "order": order, "page": page, "per_page": per_page}
    return _through_schema(_THREAD, {k: args.get(k) for k in ("article", "order", "page", "per_page") if k in args})
