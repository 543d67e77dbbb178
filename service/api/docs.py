"""A readable page of the OpenAPI document, rendered on the server (no CDN, no script)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

blp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@blp.get("/api/v1/docs")
def show_docs():
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    operations = [
        {"method": method.upper(), "path": path, **op}
        for path, item in sorted(spec.get("paths", {}).items())
        for method, op in item.items() if method in METHODS
    ]
    return render_template("api/docs.html", spec=spec, operations=operations)
