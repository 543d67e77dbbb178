"""The two scripts a blog includes: /embed.js (the comments iframe) and /count.js ("Comments (N)").

Served from fixed top-level paths so site owners paste one stable URL; browsers revalidate
them after an hour (ETag), so a deploy reaches readers quickly.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from flask import Blueprint, Response, request

from service.embed.assets import STATIC

bp = Blueprint("embed_scripts", __name__)

SCRIPT_MAX_AGE = 3600


@lru_cache(maxsize=None)
def _read(name: str) -> tuple[bytes, str]:
    body = (STATIC / name).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:20]


def _script(name: str):
    body, etag = _read(name)
    response = Response(body, mimetype="text/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    # Any page may load these; they read nothing from the including page's cookies.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


@bp.get("/embed.js")
def embed_js():
    return _script("embed.js")


@bp.get("/count.js")
def count_js():
    return _script("count.js")
