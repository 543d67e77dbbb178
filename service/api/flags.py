"""Reader reports: any reader may report a published comment, once per address."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.http import current_client, require_json_body
from service.extensions import csrf, limiter
from service.schemas.moderation import FlagCreateSchema, FlagSchema
from service.services.comments import flags
from service.services.comments.submissions import site_of

blp = Blueprint("flags", __name__, url_prefix="/api/v1", description="Report comments to the moderators.")
blp.before_request(require_json_body)
blp.after_request(cors.add_cors_headers)
csrf.exempt(blp)  # public and cookie-less: nothing a forged request could borrow

FLAG_LIMIT = "10 per minute;60 per day"


@blp.route("/comments/<int:comment_id>/flags")
class CommentFlags(MethodView):
    decorators = [limiter.limit(FLAG_LIMIT, methods=["POST"])]

    @blp.arguments(FlagCreateSchema())
    @blp.response(201, FlagSchema)
    @blp.alt_response(403, schema="Error", description="Sent from a page the site did not list.")
    @blp.alt_response(404, schema="Error", description="No such published comment.")
    @blp.alt_response(409, schema="Error", description="This address has reported the comment already.")
    @blp.alt_response(429, schema="Error", description="Too many reports from this address.")
    def post(self, data: dict, comment_id: int):
        """Report a published comment as spam, abusive, off-topic or other.

        One report per address per comment; when enough readers report it, the moderators
        see it in their Reported queue (and, if the site says so, it is hidden meanwhile).
        """
        cors.require_allowed_origin(site_of(comment_id))
        flag = flags.flag_comment(comment_id, data["reason"], data["note"], current_client())
        return {"id": flag.id, "comment_id": flag.comment_id, "reason": flag.reason, "created": flag.created_at}
