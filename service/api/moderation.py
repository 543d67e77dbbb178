"""The moderation API for comments: list the queue, decide one or many, edit, block the
author, read the history. Every route needs a moderator session or an API token
(`Authorization: Bearer TOKEN`) for the comment's site."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.http import require_json_body
from service.auth import guard_api, require_actor
from service.extensions import csrf
from service.schemas.moderation import (AuthorBlockSchema, BlockListSchema, BulkResultSchema, BulkSchema,
                                        EventListSchema, EventLogQuerySchema, EventLogSchema, FlagListSchema,
                                        ModeratedCommentSchema, ModerationPageSchema, ModerationQuerySchema,
                                        StatusChangeSchema, TextEditSchema)
from service.services.comments import flags
from service.services.moderation import blocks, history, moderation_actions, moderation_queries, pins
from service.services.administration.sites import get_site

blp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation",
                description="Moderate comments (moderator session or API token).")
blp.before_request(guard_api)  # first: an anonymous caller learns nothing else
blp.before_request(require_json_body)
csrf.exempt(blp)  # session writes are checked for the X-CSRFToken header in require_api_actor

AUTH_ERRORS = ((401, "No session or API token."), (403, "Not a moderator of this comment's site."))
SECURITY = [{"bearerToken": []}, {"moderatorSession": []}]
SECURITY_SCHEMES = {
    "bearerToken": {"type": "http", "scheme": "bearer",
                    "description": "An API token from `flask --app wsgi tokens create`."},
    "moderatorSession": {"type": "apiKey", "in": "cookie", "name": "session",
                         "description": "A logged-in moderator's session; writes also need X-CSRFToken."},
}


def document_security(spec) -> None:
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)


def comment_payload(comment, site_slug: str, article_key: str, reasons: list) -> dict:
    return {
        "id": comment.id, "site": site_slug, "article": article_key, "parent_id": comment.parent_id,
        "author": comment.author, "email": comment.email, "website": comment.website, "body": comment.body,
        "body_html": comment.body_html, "status": comment.status.value, "created": comment.created_at,
        "edited": comment.edited_at, "ip_hash": comment.ip_hash, "flag_count": comment.flag_count,
        "revision": comment.revision, "reasons": reasons, "pinned": comment.pinned,
        "by_moderator": comment.by_moderator, "likes": comment.likes, "dislikes": comment.dislikes,
        "spam_score": comment.spam_score,
    }


def _one(comment) -> dict:
    article = comment.article
    reasons = history.latest_reasons([comment.id]).get(comment.id, [])
    return comment_payload(comment, article.site.slug, article.key, reasons)


def event_payload(view) -> dict:
    event = view.event
    payload = {
        "id": event.id, "comment_id": event.comment_id, "action": event.action, "actor": event.actor,
        "moderator": view.moderator_email, "from_status": event.from_status, "to_status": event.to_status,
        "reasons": event.reasons or [], "note": event.note, "created": event.created_at,
    }
    if event.action == "edit":
        payload.update(body_before=event.body_before, body_after=event.body_after)
    if view.article_key is not None:
        payload.update(site_id=event.site_id, article=view.article_key)
    return payload


def block_payload(block) -> dict:
    return {"id": block.id, "kind": block.kind, "value": block.value, "note": block.note,
            "expires_at": block.expires_at, "created": block.created_at, "created_by": block.created_by}


def documented(*extra, blueprint: Blueprint = blp):
    """The error responses every moderation route shares, plus its own."""
    def decorate(func):
        for code, text in AUTH_ERRORS + extra:
            func = blueprint.alt_response(code, schema="Error", description=text)(func)
        return blueprint.doc(security=SECURITY)(func)
    return decorate


@blp.route("/comments")
class ModerationComments(MethodView):
    @blp.arguments(ModerationQuerySchema(), location="query")
    @blp.response(200, ModerationPageSchema)
    @documented((404, "No such site."))
    def get(self, query: dict):
        """Comments to moderate, newest first, with the reasons for their status.

        `status=reported` lists published or held comments whose open reader reports reached
        the site's `flags_to_review`.
        """
        result = moderation_queries.list_comments(require_actor(), **query)
        return {"page": result.page, "per_page": result.per_page, "total": result.total,
                "comments": [comment_payload(i.comment, i.site_slug, i.article_key, i.reasons)
                             for i in result.items]}


@blp.route("/comments/<int:comment_id>")
class ModerationComment(MethodView):
    @blp.response(200, ModeratedCommentSchema)
    @documented((404, "No such comment."))
    def get(self, comment_id: int):
        """One comment, as a moderator sees it."""
        comment, _ = moderation_actions.comment_for(require_actor(), comment_id)
        return _one(comment)

    @blp.arguments(StatusChangeSchema())
    @blp.response(200, ModeratedCommentSchema)
    @documented((404, "No such comment."), (409, "Not an allowed move, or someone else acted first."))
    def patch(self, data: dict, comment_id: int):
        """Approve, reject, mark as spam, delete or restore (to pending or approved) a comment;
        pin it first in its thread (`"pinned": true`) or unpin it.

        Send the `revision` you saw: if someone else acted since, the answer is 409.
        """
        comment = pins.update_comment(require_actor(), comment_id, status=data.get("status"),
                                      pinned=data.get("pinned"), note=data["note"],
                                      expected_revision=data["revision"])
        return _one(comment)


@blp.route("/comments/<int:comment_id>/body")
class ModerationCommentBody(MethodView):
    @blp.arguments(TextEditSchema())
    @blp.response(200, ModeratedCommentSchema)
    @documented((404, "No such comment."), (409, "Someone else changed the comment first."))
    def put(self, data: dict, comment_id: int):
        """Replace a comment's text; it is sanitized again and the edit is recorded."""
        comment = moderation_actions.edit_comment_text(require_actor(), comment_id, data["body"],
                                                       note=data["note"], expected_revision=data["revision"])
        return _one(comment)


@blp.route("/comments/bulk")
class ModerationBulk(MethodView):
    @blp.arguments(BulkSchema())
    @blp.response(200, BulkResultSchema)
    @documented()
    def post(self, data: dict):
        """Move many comments at once. Those that cannot make the move are listed as
        conflicts; unknown ids (or other sites' comments) as not found."""
        return moderation_actions.bulk_moderate(require_actor(), data["ids"], data["status"], note=data["note"])


@blp.route("/comments/<int:comment_id>/events")
class ModerationCommentEvents(MethodView):
    @blp.response(200, EventListSchema)
    @documented((404, "No such comment."))
    def get(self, comment_id: int):
        """The comment's history, oldest first: who moved it from what to what, and why."""
        moderation_actions.comment_for(require_actor(), comment_id)
        return {"events": [event_payload(v) for v in history.events_for_comment(comment_id)]}


@blp.route("/comments/<int:comment_id>/flags")
class ModerationCommentFlags(MethodView):
    @blp.response(200, FlagListSchema)
    @documented((404, "No such comment."))
    def get(self, comment_id: int):
        """The reader reports on a comment, oldest first (the reporters' addresses are not shown)."""
        moderation_actions.comment_for(require_actor(), comment_id)
        return {"flags": [{"id": f.id, "comment_id": f.comment_id, "reason": f.reason, "note": f.note,
                           "created": f.created_at} for f in flags.flags_for_comment(comment_id)]}


@blp.route("/comments/<int:comment_id>/block-author")
class ModerationBlockAuthor(MethodView):
    @blp.arguments(AuthorBlockSchema())
    @blp.response(201, BlockListSchema)
    @documented((404, "No such comment."))
    def post(self, data: dict, comment_id: int):
        """Block the comment's author on its site by email, address and/or name."""
        created = blocks.block_author_of_comment(require_actor(), comment_id, data["kinds"],
                                                 data["expires_at"], data["note"])
        return {"blocks": [block_payload(b) for b in created]}


@blp.route("/events")
class ModerationEvents(MethodView):
    @blp.arguments(EventLogQuerySchema(), location="query")
    @blp.response(200, EventLogSchema)
    @documented((404, "No such site."))
    def get(self, query: dict):
        """The history of every comment on the caller's sites, newest first; page with
        `before` = the previous page's `next_before`."""
        actor = require_actor()
        site_id = get_site(query["site"]).id if query["site"] else None
        views = history.event_log(actor, site_id=site_id, moderator_id=query["moderator"],
                                  before_id=query["before"], limit=query["limit"])
        next_before = views[-1].event.id if len(views) == query["limit"] else None
        return {"events": [event_payload(v) for v in views], "next_before": next_before}
