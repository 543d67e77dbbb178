"""The count API: "Comments (N)" for many articles in one request."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.http import conditional, json_response
from service.schemas import CountsQuerySchema, CountsSchema
from service.services import threads

blp = Blueprint("counts", __name__, url_prefix="/api/v1", description="Comment counts for article lists.")
blp.after_request(cors.add_cors_headers)

COUNTS_CACHE = "public, max-age=15"


@blp.route("/sites/<string:site>/counts")
class Counts(MethodView):
    @blp.arguments(CountsQuerySchema, location="query")
    @blp.response(200, CountsSchema)
    @blp.alt_response(404, schema="Error", description="No such site.")
    def get(self, query: dict, site: str):
        """Approved-comment counts of up to 100 articles: `?article=A&article=B`."""
        payload = {"counts": threads.counts(site, query["article"])}
        return conditional(json_response(payload), COUNTS_CACHE)
