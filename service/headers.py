"""Security headers on every response; pages that differ (the embed page) set their own CSP."""

from __future__ import annotations

from flask import Flask, Response, current_app

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")


def _secure(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
