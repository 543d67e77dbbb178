"""The count API: "Comments (N)" for many articles in one request."""

from __future__ import annotations

import hashlib
import json

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api import cors
from service.api.http import etag_matches, json_bytes, not_modified
from service.api.query import counts_query
from service.schemas.comments import CountsQuerySchema, CountsSchema
from service.services.comments import threads

blp = Blueprint("counts", __name__, url_prefix="/api/v1", description="Comment counts for article lists.")
blp.after_request(cors.add_cors_headers)

COUNTS_CACHE = "public, max-age=15"


@blp.route("/sites/<string:site>/counts")
class Counts(MethodView):
    @blp.doc(parameters=[{"in": "query", "schema": CountsQuerySchema}])
    @blp.response(200, CountsSchema)
    @blp.alt_response(404, schema="Error", description="No such site.")
    @blp.alt_response(422, schema="Error", description="No article, or more than 100.")
    def get(self, site: str):
        """Approved-comment counts of up to 100 articles: `?article=A&article=B`."""
        counts = threads.counts(site, counts_query(request.args))
        body = json.dumps({"counts": counts}, ensure_ascii=False, separators=(",", ":")).encode()
        etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        if etag_matches(etag):
            return not_modified(etag, COUNTS_CACHE)
        return json_bytes(body, etag, COUNTS_CACHE)
