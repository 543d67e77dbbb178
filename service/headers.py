"""Security headers on every response; pages that differ (the embed page) set their own CSP.

A page without its own policy is one of the service's own pages (moderation, docs, errors): it
gets the strict default, may not be framed by anyone, and keeps its own browsing context group.
The embed page sets a CSP whose frame-ancestors names the site's origins, and so is left to it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
# Nothing the service serves needs these; a page that someone manages to inject into cannot ask.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Moderator pages and the moderation API show held comments, addresses, tokens and reasons:
# no browser or shared cache may keep a copy, whatever the answer (errors and redirects too).
PRIVATE_PREFIXES = ("/moderate/", "/api/v1/moderation/")


def security_headers(*, html: bool, own_csp: bool, hsts_seconds: int) -> list[tuple[str, str]]:
    """The headers every response carries (the lean read front adds the same ones)."""
    headers = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin")]
    if html:
        if not own_csp:
            headers += [("Content-Security-Policy", DEFAULT_CSP),
                        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers without CSP 2
                        ("Cross-Origin-Opener-Policy", "same-origin")]
        headers.append(("Permissions-Policy", PERMISSIONS_POLICY))
    if hsts_seconds:
        headers.append(("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"))
    return headers


def _secure(response: Response) -> Response:
    headers = response.headers
    for name, value in security_headers(html=response.mimetype == "text/html",
                                        own_csp="Content-Security-Policy" in headers,
                                        hsts_seconds=current_app.config["HSTS_SECONDS"]):
        headers.setdefault(name, value)
    if is_private_path(request.path):
        headers["Cache-Control"] = "no-store"
    return response


def is_private_path(path: str) -> bool:
    return (path + "/").startswith(PRIVATE_PREFIXES)


def init_app(app: Flask) -> None:
    app.after_request(_secure)
