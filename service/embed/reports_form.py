"""Reports from the comments page: a reader tells the moderators what is wrong with a published
comment (spam, abusive, off-topic, something else). A form POST that works without JavaScript,
answered 303 back to the page with a status line; it records the same report as
`POST /api/v1/comments/{id}/flags`, once per address and comment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, request

from service.api.flags import FLAG_LIMIT
from service.api.http import current_client
from service.embed.views import back_to_the_page, page_and_comment
from service.errors import ServiceError
from service.extensions import csrf, db, limiter
from service.models import Comment
from service.services.comments import flags

bp = Blueprint("embed_reports", __name__)


@bp.post("/embed/<string:site>/report")
@csrf.exempt  # cookie-less like the comment form: the reader is their address
@limiter.limit(FLAG_LIMIT, on_breach=back_to_the_page)
def report(site: str):
    page, comment_id = page_and_comment(site)
    reason = request.form.get("reason", "")
    on_page = comment_id is not None and page.article is not None and db.session.execute(
        sa.select(Comment.id).where(Comment.id == comment_id, Comment.article_id == page.article.id)
    ).first() is not None
    if not on_page or reason not in flags.REASONS:
        return redirect(page.url(status="report_refused") + "#status", code=303)
    try:
        flags.flag_comment(comment_id, reason, None, current_client())
    except ServiceError as exc:  # 409: this address reported it already; 404: not published any more
        status = "report_again" if exc.code == 409 else "report_refused"
        return redirect(page.url(status=status) + "#status", code=303)
    return redirect(page.url(status="reported") + "#status", code=303)
