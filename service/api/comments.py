"""Public comment endpoints: read a thread, submit, edit and delete one's own comment."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.query import thread_query
from service.api.http import (current_client, etag_matches, json_bytes, json_response, not_modified,
                              require_json_body)
from service.errors import Forbidden
from service.schemas.comments import (CommentEditSchema, CommentCreateSchema, CommentSchema, CreatedCommentSchema,
                             ThreadQuerySchema, ThreadSchema)
from service.services.comments import submissions, threads
from service.services.comments.avatars import avatar_url
from service.services.comments.reader_options import options_from_policy
from service.services.administration.sites import public_site

blp = Blueprint("comments", __name__, url_prefix="/api/v1", description="Read and write comments.")
blp.before_request(require_json_body)
blp.after_request(cors.add_cors_headers)

THREAD_CACHE = "public, no-cache"  # always revalidate; the ETag makes that a cheap 304
EDIT_TOKEN_HEADER = {"in": "header", "name": "X-Edit-Token", "required": True, "schema": {"type": "string"},
                     "description": "The edit_token returned when the comment was submitted."}


def created_payload(result: submissions.Submission, avatars: str) -> dict:
    comment = result.comment
    return {
        "status": result.status,
        "message": result.message,
        # with its avatar, so the widget shows the new comment as the thread will
        "comment": {**comment_payload(comment, result.article_key),
                    "avatar": avatar_url(avatars, comment.email, comment.author_key_hash, comment.author)},
        "edit_token": result.edit_token,
        "edit_until": result.edit_until.isoformat() if result.edit_until else None,
        "author_token": result.author_token,
    }


def comment_payload(comment, article_key: str) -> dict:
    return {
        "id": comment.id,
        "article": article_key,
        "parent_id": comment.parent_id,
        "author": comment.author,
        "website": comment.website,
        "body_html": comment.body_html,
        "status": comment.status.value,
        "created": comment.created_at.isoformat(),
        "edited": comment.edited_at is not None,
        "by_moderator": comment.by_moderator,
    }


@blp.route("/sites/<string:site>/comments")
class SiteComments(MethodView):
    @blp.doc(parameters=[{"in": "query", "schema": ThreadQuerySchema}])
    @blp.response(200, ThreadSchema)
    @blp.alt_response(304, description="The client's copy (If-None-Match) is current.")
    @blp.alt_response(404, schema="Error", description="No such site.")
    @blp.alt_response(422, schema="Error", description="Invalid query parameters.")
    def get(self, site: str):
        """The approved comments of one article, replies nested, oldest first.

        An article nobody has commented on yet is an empty thread, not a 404.
        """
        query = thread_query(request.args)
        state = threads.article_state(site, query["article"])
        variant = (query["order"], query["page"], query["per_page"])
        etag = state.tag("json", *variant)
        if etag_matches(etag):
            return not_modified(etag, THREAD_CACHE)
        body = threads.thread_json(state, query["article"], order=query["order"], page=query["page"],
                                   per_page=query["per_page"])
        return json_bytes(body, etag, THREAD_CACHE)

    @blp.arguments(CommentCreateSchema())
    @blp.response(201, CreatedCommentSchema, description="Published.")
    @blp.alt_response(202, schema=CreatedCommentSchema, description="Held for moderation.")
    @blp.alt_response(403, schema="Error", description="Refused by a rule, closed, or a foreign origin.")
    @blp.alt_response(404, schema="Error", description="No such site.")
    @blp.alt_response(413, schema="Error", description="Request too large.")
    @blp.alt_response(415, schema="Error", description="Not JSON.")
    @blp.alt_response(429, schema="Error", description="Too many comments from this address.")
    def post(self, data: dict, site: str):
        """Submit a comment. The article is created on first use."""
        site_row = public_site(site)
        cors.require_allowed_origin(site_row)
        result = submissions.submit_comment(site, data, current_client())
        if result.status == "rejected":
            raise Forbidden(result.message, extra={"reasons": result.reasons, "comment_id": result.comment.id})
        payload = created_payload(result, options_from_policy(site_row.policy).avatars)
        return json_response(payload, 201 if result.status == "approved" else 202)


@blp.route("/comments/<int:comment_id>")
class OwnComment(MethodView):
    @blp.arguments(CommentEditSchema())
    @blp.response(200, CommentSchema)
    @blp.alt_response(403, schema="Error", description="The edit window has passed, or a foreign origin.")
    @blp.alt_response(404, schema="Error", description="No such comment, or a missing or wrong token.")
    @blp.doc(parameters=[EDIT_TOKEN_HEADER])
    def patch(self, data: dict, comment_id: int):
        """Edit one's own comment within the edit window; the new text is sanitized and recorded."""
        comment, key = submissions.edit_comment(comment_id, request.headers.get("X-Edit-Token"), data["body"],
                                                check_site=cors.require_owned_origin)
        return json_response(comment_payload(comment, key))

    @blp.response(204)
    @blp.alt_response(403, schema="Error", description="The edit window has passed, or a foreign origin.")
    @blp.alt_response(404, schema="Error", description="No such comment, or a missing or wrong token.")
    @blp.doc(parameters=[EDIT_TOKEN_HEADER])
    def delete(self, comment_id: int):
        """Delete one's own comment within the edit window."""
        submissions.delete_comment(comment_id, request.headers.get("X-Edit-Token"),
                                   check_site=cors.require_owned_origin)
        return ""
