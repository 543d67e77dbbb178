"""Avatars the service draws itself: `GET /avatars/KEY.svg`, an identicon for a key."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response

from service.avatars.identicon import identicon_svg
from service.errors import NotFound

bp = Blueprint("avatars", __name__)

KEY = re.compile(r"[0-9a-f]{8,64}")
YEAR = 365 * 24 * 3600


@bp.get("/avatars/<string:key>.svg")
def identicon(key: str):
    """The picture depends on the key alone, so it is cacheable for a year everywhere."""
    if not KEY.fullmatch(key):
        raise NotFound("No such avatar.")
    response = Response(identicon_svg(key), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
