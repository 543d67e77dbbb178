"""A small demo blog at /demo/: what a blog looks like with the widget pasted in. Served only
when DEMO_ENABLED (the default in development); `/` is the service's front page either way."""

from __future__ import annotations

from flask import Flask

from service.demo import views


def init_app(app: Flask) -> None:
    if app.config.get("DEMO_ENABLED"):
        app.register_blueprint(views.bp)
    app.register_blueprint(views.root)
