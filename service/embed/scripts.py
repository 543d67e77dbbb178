"""The two scripts a blog includes: /embed.js (the comments iframe) and /count.js ("Comments (N)").

Served from fixed top-level paths so site owners paste one stable URL; browsers revalidate
them after an hour (ETag), so a deploy reaches readers quickly.
"""

from __future__ import annotations

from flask import Blueprint, send_from_directory

from service.embed.assets import STATIC

bp = Blueprint("embed_scripts", __name__)

SCRIPT_MAX_AGE = 3600


def _script(name: str):
    response = send_from_directory(STATIC, name, mimetype="text/javascript", max_age=SCRIPT_MAX_AGE)
    # Any page may load these; they read nothing from the including page's cookies.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/embed.js")
def embed_js():
    return _script("embed.js")


@bp.get("/count.js")
def count_js():
    return _script("count.js")
