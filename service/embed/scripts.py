"""The two scripts a blog includes: /embed.js (the comments iframe) and /count.js ("Comments (N)").

Served from fixed top-level paths so site owners paste one stable URL; browsers revalidate
them after an hour (ETag), so a deploy reaches readers quickly.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from flask import Blueprint, Response, request

from service.embed.assets import STATIC
from service.embed.i18n import count_forms

bp = Blueprint("embed_scripts", __name__)

SCRIPT_MAX_AGE = 3600


FORMS_SLOT = b"/*FORMS*/{}"


@lru_cache(maxsize=None)
def _read(name: str) -> tuple[bytes, str]:
    body = (STATIC / name).read_bytes()
    if FORMS_SLOT in body:  # count.js speaks the widget's languages, from the same catalogues
        forms = json.dumps(count_forms(), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        body = body.replace(FORMS_SLOT, forms.encode())
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
