"""The moderator UI blueprint and what every one of its routes shares: the login guard, the
actor in templates, answers for both plain form posts and fetch() calls, and error pages."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from service.auth import Actor, current_actor, require_admin
from service.errors import Unprocessable, envelope, handle_http_exception

bp = Blueprint("moderation_queue", __name__, url_prefix="/moderate")

PUBLIC_ENDPOINTS = frozenset({"moderation_queue.login"})


@bp.before_request
def _require_login():
    """Every page but the login page needs a moderator (or a token); anonymous visitors are
    sent to log in, and fetch() calls get a 401 to act on."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_actor() is not None:
        return None
    if is_fetch():
        return jsonify({"code": 401, "status": "Unauthorized", "message": "Log in to moderate."}), 401
    return redirect(url_for("moderation_queue.login", next=request.full_path.rstrip("?")))


@bp.app_context_processor
def _inject_actor():
    if not request or request.blueprint != bp.name:
        return {"actor": None}
    try:
        return {"actor": current_actor()}
    except HTTPException:  # rendering the error page of a refused token
        return {"actor": None}


def actor() -> Actor:
    """The caller; the guard above has made sure there is one."""
    found = current_actor()
    assert found is not None
    return found


def admin() -> Actor:
    found = actor()
    require_admin(found)
    return found


def is_fetch() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def safe_next(default: str | None = None) -> str:
    """Where to go back to: only a path inside the moderator UI, never another host."""
    target = (request.form.get("next") or request.args.get("next") or "").strip()
    if (target.startswith("/moderate") and not target.startswith("//") and "\\" not in target
            and not any(ord(ch) < 32 for ch in target)):
        return target
    return default or url_for("moderation_queue.queue")


def done(payload: dict, message: str, default_next: str | None = None):
    """Answer an action: JSON for fetch(), else a flash message and a redirect back."""
    if is_fetch():
        return jsonify(payload)
    flash(message, "ok")
    return redirect(safe_next(default_next))


def form_error(form) -> HTTPException:
    errors = {name: list(messages) for name, messages in form.errors.items()}
    return Unprocessable("Some fields are not valid: " + ", ".join(sorted(errors)) + ".", errors={"form": errors})


@bp.errorhandler(HTTPException)
def _error(exc: HTTPException):
    """fetch() calls get the JSON envelope; a plain form post that conflicts or does not
    validate goes back to its page with the message; anything else is an error page."""
    if exc.code is None:
        return exc
    if is_fetch():
        response = jsonify(envelope(exc))
        response.status_code = exc.code
        return response
    if request.method == "POST" and exc.code in (404, 409, 422) and request.endpoint != "moderation_queue.login":
        flash(exc.description or "That did not work.", "error")
        return redirect(safe_next())
    return handle_http_exception(exc)


@bp.app_template_filter("http_url")
def http_url(value: str | None) -> str | None:
    """A URL fit for an href: http(s) only, so a stored `javascript:` URL is never a link."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


# A link in a stored (sanitized) body: its href and its visible text.
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@bp.app_template_filter("with_link_hosts")
def with_link_hosts(body_html: str) -> Markup:
    """A comment's HTML with the host of each link whose text hides it written after the link:
    "cheap SEO (rankboost-seo.xyz)". A moderator sees where a link goes without hovering, and
    what to block."""
    if not body_html:
        return Markup("")

    def annotate(match: re.Match) -> str:
        host = _host(html.unescape(match.group(1)))
        text = html.unescape(_TAG.sub("", match.group(2))).lower()
        if host is None or host in text:
            return match.group()
        return f'{match.group()} <span class="link-host">({escape(host)})</span>'
    return Markup(_LINK.sub(annotate, body_html))


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
