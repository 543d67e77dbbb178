"""The moderator UI at /moderate/: server-rendered pages with a little plain JavaScript.

Every form carries a CSRF token (Flask-WTF); the JSON API under /api/ authenticates by bearer
token or checks the CSRF header itself, so it is exempt from the form check here.
"""

from __future__ import annotations

from flask import Flask

from service.extensions import csrf
from service.moderation_queue import (views_admin, views_article, views_auth, views_overview, views_pins,
                                      views_policy, views_queue, views_sites)
from service.moderation_queue.blueprint import bp

VIEW_MODULES = (views_admin, views_article, views_auth, views_overview, views_policy, views_queue, views_pins,
                views_sites)
CSRF_EXEMPT_PREFIXES = ("/api/", "/embed")


def init_app(app: Flask) -> None:
    """Register the UI and turn on CSRF checks for every form post in the app, except the
    blueprints registered so far whose routes all lie under CSRF_EXEMPT_PREFIXES: the JSON
    API, and the embed page, which is posted from a third-party iframe that carries no
    session cookie and has its own signed form token instead."""
    csrf.init_app(app)
    for name, blueprint in app.blueprints.items():
        rules = [rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(name + ".")]
        if rules and all(rule.startswith(CSRF_EXEMPT_PREFIXES) for rule in rules):
            csrf.exempt(blueprint)
    app.register_blueprint(bp)
