"""A small demo blog at /demo/: what a blog looks like with the widget pasted in."""

from __future__ import annotations

from flask import Flask

from service.demo import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.root)
