"""Security headers on every response; pages that differ (the embed page) set their own CSP.

A page without its own policy is one of the service's own pages (moderation, docs, errors): it
gets the strict default, may not be framed by anyone, and keeps its own browsing context group.
The embed page sets a CSP whose frame-ancestors names the site's origins, and so is left to it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
# Nothing the service serves needs these; a page that someone manages to inject into cannot ask.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = DEFAULT_CSP
            headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers without CSP 2
            headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    hsts = current_app.config["HSTS_SECONDS"]
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
