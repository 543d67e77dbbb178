"""Readers' votes on published comments."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.http import current_client, require_json_body
from service.extensions import csrf, limiter
from service.schemas.votes import VoteCreateSchema, VoteResultSchema
from service.services.administration.sites import public_site
from service.services.comments import votes

blp = Blueprint("votes", __name__, url_prefix="/api/v1", description="Like or dislike comments.")
blp.before_request(require_json_body)
csrf.exempt(blp)  # public: the reader is their token or address, nothing a forged request could borrow

VOTE_LIMIT = "30 per minute;500 per day"


@blp.after_request
def _cors(response: Response) -> Response:
    # The frame's own requests (same origin) need no CORS headers and no site lookup for them.
    if request.headers.get("Origin") in (None, request.host_url.rstrip("/")):
        return response
    return cors.add_cors_headers(response)


@blp.route("/comments/<int:comment_id>/vote")
class CommentVote(MethodView):
    decorators = [limiter.limit(VOTE_LIMIT, methods=["POST"])]

    @blp.arguments(VoteCreateSchema())
    @blp.response(200, VoteResultSchema)
    @blp.alt_response(403, schema="Error", description="Votes are off, the comment is the reader's own, or a "
                                                       "foreign origin.")
    @blp.alt_response(404, schema="Error", description="No such published comment.")
    @blp.alt_response(422, schema="Error", description="Not 1, -1 or 0 (or -1 where the site takes likes only).")
    @blp.alt_response(429, schema="Error", description="Too many votes from this address.")
    def post(self, data: dict, comment_id: int):
        """Like (1), dislike (-1) or withdraw one's vote (0) on a published comment.

        One vote per reader (their author token when sent, else their address); a new vote
        replaces the old. Not on one's own comment. Answers the comment's counts now.
        """
        target = votes.vote_target(comment_id)
        cors.require_allowed_origin(public_site(target.site_slug))
        result = votes.cast_vote(target, data["value"], data["author_token"], current_client())
        return {"comment_id": result.comment_id, "likes": result.likes, "dislikes": result.dislikes,
                "vote": result.vote}
