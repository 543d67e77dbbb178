"""The embeddable widget: the comments page inside the iframe (views), the scripts blogs
include (scripts), its words (i18n) and its per-site settings (settings)."""

from __future__ import annotations

from flask import Flask

from service.embed import reports_form, scripts, views, votes_form


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(scripts.bp)
    app.register_blueprint(votes_form.bp)
    app.register_blueprint(reports_form.bp)
