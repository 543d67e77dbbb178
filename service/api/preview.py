"""Live preview for the comment form: the body as it would be published, sanitized."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields

from service.api.http import json_response, require_json_body
from service.extensions import limiter
from service.moderation.sanitize import render_body
from service.schemas.comments import validate_body

blp = Blueprint("preview", __name__, url_prefix="/api/v1", description="Preview a comment before posting it.")
blp.before_request(require_json_body)


class PreviewSchema(Schema):
    class Meta:
        unknown = RAISE

    body = fields.String(required=True, validate=validate_body)


class PreviewResultSchema(Schema):
    html = fields.String(metadata={"description": "Sanitized HTML, exactly as it would be stored."})


@blp.route("/preview", endpoint="preview")
class Preview(MethodView):
    decorators = [limiter.limit("120 per minute")]

    @blp.arguments(PreviewSchema())
    @blp.response(200, PreviewResultSchema)
    @blp.alt_response(415, schema="Error", description="Not JSON.")
    def post(self, data: dict):
        """Render a comment body (markdown subset) to the HTML it would be published as."""
        return json_response({"html": render_body(data["body"]).html})
