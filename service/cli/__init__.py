"""`flask --app wsgi ...` commands, one module per group."""

from __future__ import annotations

from flask import Flask

from service.cli import demo, sites


def init_app(app: Flask) -> None:
    for group in (sites.group, demo.group):
        app.cli.add_command(group)
