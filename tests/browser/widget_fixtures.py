"""Fixtures for the widget's browser tests: a blog served from another origin, sites whose
rules let test comments through, and axe-core's script."""

from __future__ import annotations

from html import escape

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from service.extensions import db
from service.models import Comment
from service.services.moderation.status import change_status

FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


def host_app(pages: dict[str, str]):
    """A tiny blog on its own origin: path -> body HTML (a 404 for anything else)."""

    def app(environ, start_response):
        body = pages.get(environ.get("PATH_INFO", "/"))
        if body is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        html = f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Host blog</title></head>" \
               f"<body>{body}</body></html>"
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    return app


def embed_snippet(service_url: str, site: str, **attrs: str) -> str:
    extra = "".join(f' data-{k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (f'<div data-comments data-site="{site}"{extra}></div>'
            f'<script src="{service_url}/embed.js" async></script>')


def approve(comment_id: int) -> None:
    """What a moderator's approval does, through the one status-changing function."""
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    change_status(comment, "approved", site_id=comment.article.site_id, actor="moderator")
    db.session.commit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core as axe-playwright-python bundles it (no download at test time)."""
    return AXE_SCRIPT
