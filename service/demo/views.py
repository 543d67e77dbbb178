"""The demo blog: an index whose "Comments (N)" count.js fills, and posts with the embed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from service.demo.posts import BY_SLUG, POSTS, SITE

bp = Blueprint("demo", __name__, url_prefix="/demo")
root = Blueprint("demo_root", __name__)


@root.get("/")
def home():
    """The demo where it is served; otherwise a page that names the service and its documentation
    (a production instance serves comments to other sites, not a blog of its own)."""
    if current_app.config.get("DEMO_ENABLED"):
        return redirect(url_for("demo.index"))
    return render_template("home.html")


@bp.get("/")
def index():
    return render_template("demo/index.html", posts=POSTS, site=SITE)


@bp.get("/<string:slug>")
def post(slug: str):
    found = BY_SLUG.get(slug)
    if found is None:
        abort(404)
    return render_template("demo/post.html", post=found, site=SITE)
