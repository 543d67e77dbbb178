"""Test data, built through the same services the app uses."""

from __future__ import annotations

import itertools

from service.extensions import db
from service.models import Comment, CommentStatus, Site
from service.moderation.sanitize import render_body
from service.services.comments.articles import get_or_create_article
from service.services.moderation.status import record_new

_seq = itertools.count(1)


def make_site(slug: str = "blog", *, mode: str = "post", origins: list[str] | None = None,
              policy: dict | None = None, name: str | None = None) -> Site:
    site = Site(slug=slug, name=name or slug.title(), origins=origins or [],
                policy={"mode": mode, **(policy or {})}, settings={})
    db.session.add(site)
    db.session.commit()
    return site


def make_comment(site: Site, article: str = "post-1", *, status: str = "approved", body: str | None = None,
                 author: str = "Reader", email: str | None = None, parent: Comment | None = None,
                 ip_hash: str = "ip-hash", reasons: list[dict] | None = None) -> Comment:
    """A stored comment with its counters and creation event, as the write path leaves it."""
    art = get_or_create_article(site, article)
    body = body if body is not None else f"Comment number {next(_seq)}."
    comment = Comment(article_id=art.id, parent_id=parent.id if parent else None, author=author, email=email,
                      website=None, body=body, body_html=render_body(body).html,
                      status=CommentStatus(status), ip_hash=ip_hash, fingerprint="")
    db.session.add(comment)
    db.session.flush()
    record_new(comment, site.id, reasons or [])
    db.session.commit()
    return comment


def scored_comments(site) -> dict:
    """Published comments of `site` with these scores (None: one no filter scored), by score."""
    made = {}
    for score in (0.05, 0.48, 0.5, 0.93, None):
        comment = make_comment(site, "post-1", status="approved", body=f"Comment scored {score}")
        comment.spam_score = score
        made[score] = comment
    db.session.commit()
    return made
