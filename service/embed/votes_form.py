"""Votes from the comments page without JavaScript: a form POST per comment, answered 303
back to the page with a status line (and, after a vote, a button to withdraw it)."""

from __future__ import annotations

from flask import Blueprint, redirect, request

from service.api.http import current_client
from service.embed.views import back_to_the_page, page_and_comment
from service.errors import NotFound, ServiceError
from service.extensions import csrf, limiter
from service.services.comments import votes
from service.api.votes import VOTE_LIMIT

bp = Blueprint("embed_votes", __name__)
VALUES = {"1": 1, "-1": -1, "0": 0}


@bp.post("/embed/<string:site>/vote")
@csrf.exempt  # cookie-less like the comment form: the reader is their address
@limiter.limit(VOTE_LIMIT, on_breach=back_to_the_page)
def vote(site: str):
    page, comment_id = page_and_comment(site)
    value = VALUES.get(request.form.get("value", ""))
    if comment_id is None or value is None:
        return redirect(page.url(status="vote_refused") + "#status", code=303)
    try:
        target = votes.vote_target(comment_id)
        if target.article_id != page.article.id:
            raise NotFound(f"No published comment {comment_id} on this article.")
        result = votes.cast_vote(target, value, None, current_client())
    except ServiceError as exc:
        if exc.code == 429:
            raise
        return redirect(page.url(status="vote_refused") + "#status", code=303)
    if result.vote == 0:
        return redirect(page.url(status="unvoted") + f"#comment-{comment_id}", code=303)
    return redirect(page.url(status="voted", voted=comment_id) + f"#comment-{comment_id}", code=303)
