"""The stack floor: what a worker costs in memory before any of the service's own code.

The floor's one endpoint, in a worker that has also imported the libraries the service is built
on and answers each request with one query through a Flask-SQLAlchemy session. The benchmark
reports its worker RSS beside the service's, so every run shows how much of the memory target
the libraries alone take and how much is left for the service's code, templates and caches.

    STACK=card     gunicorn ... stack_floor_app:app   # the design card: Flask, Flask-SQLAlchemy, marshmallow, bleach
    STACK=service  gunicorn ... stack_floor_app:app   # every library the service's web worker imports
"""

from __future__ import annotations

import importlib
import os

from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

CARD = ("sqlalchemy.dialects.sqlite", "marshmallow", "bleach")
# tests/ops/test_worker_imports.py checks that this covers every library `import wsgi` loads.
SERVICE = CARD + ("markdown_it", "linkify_it", "flask_smorest", "flask_limiter", "flask_login", "flask_wtf",
                  "prometheus_client")
STACKS = {"card": CARD, "service": SERVICE}

for module in STACKS[os.environ.get("STACK", "card")]:
    importlib.import_module(module)

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("STACK_DATABASE_URL", "sqlite://")
db = SQLAlchemy(app)


@app.get("/bare")
def bare():
    return jsonify({"/post/1": db.session.execute(text("SELECT 20")).scalar_one()})
